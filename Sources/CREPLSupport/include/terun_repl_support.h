#ifndef TERUN_REPL_SUPPORT_H
#define TERUN_REPL_SUPPORT_H
// The REPL's C side: a per-statement guard (instruction budget, timeout and interrupt for one
// statement at a time, raised from a count hook in C, never from Swift) and a SIGINT flag.
//
// LuaHost's kill switch is permanent by design (a killed run stays killed). A REPL session
// must survive Ctrl-C, so the guard keeps its own stop reason, cleared between statements.
// Its hook chains to the hook already installed (LuaHost's), so LuaHost's memory limit and
// kill switch keep working.
#include "../../CLua/shim.h"
#include <stdint.h>

/// Why the guard stopped a statement.
enum {
  TERUN_REPL_STOP_NONE = 0,
  TERUN_REPL_STOP_INTERRUPT = 1,
  TERUN_REPL_STOP_INSTRUCTIONS = 2,
  TERUN_REPL_STOP_TIMEOUT = 3,
};

typedef struct terun_repl_guard terun_repl_guard;

/// Installs the guard's count hook on `L` (chaining the current hook, with its mask and
/// count). Coroutines created later inherit it. Also replaces the globals `pcall`, `xpcall`
/// and `coroutine.resume` by versions that raise again an error caught while the statement
/// is stopped. Returns NULL if out of memory.
terun_repl_guard *terun_repl_guard_attach(lua_State *L);
/// Restores the previous hook on `L` and frees the guard.
void terun_repl_guard_detach(lua_State *L, terun_repl_guard *guard);
/// Arms the guard for one statement: budget in VM instructions and timeout in nanoseconds
/// (0: none). Clears a pending SIGINT and the previous stop reason.
void terun_repl_guard_begin(terun_repl_guard *guard, int64_t max_instructions, int64_t timeout_ns);
/// Disarms the guard and returns why the statement was stopped (TERUN_REPL_STOP_*).
int terun_repl_guard_end(terun_repl_guard *guard);
/// For host code blocked during a statement (a `te` request, `te.sleep`): takes a pending
/// Ctrl-C or an expired statement timeout as the statement's stop, as the hook would, and
/// returns nonzero once the statement is stopped. Installed with terun_set_stop_poll.
int terun_repl_guard_poll(lua_State *L);
/// Instructions counted since the last begin: LuaHost's count (hook ticks, calls, charged C
/// work) on a state made by LuaHost, else the guard's own hook ticks.
int64_t terun_repl_guard_instructions(terun_repl_guard *guard);
/// True if the value at `idx` is the guard's stop sentinel.
int terun_repl_is_stop_sentinel(lua_State *L, int idx);

/// Installs a SIGINT handler that records the signal (no SA_RESTART, so a blocking read
/// returns EINTR) and forwards it to the calling thread (the REPL's) when another thread
/// takes it. Returns 0 on success.
int terun_repl_install_sigint(void);
/// Restores the SIGINT disposition saved by terun_repl_install_sigint.
void terun_repl_restore_sigint(void);
/// Returns 1 and clears the flag if SIGINT arrived since the last call.
int terun_repl_take_sigint(void);
/// Sets the flag as SIGINT does (thread-safe): stops the running statement, or the next
/// read drops its line.
void terun_repl_post_interrupt(void);

// MARK: - Line editing (libedit's readline interface)

/// Returns Tab's matches for `text` (readline's format: the common prefix, the candidates,
/// NULL; malloc'ed) or NULL. `start` is the word's offset in the line.
typedef char **(*terun_repl_complete_fn)(const char *text, int start);

/// Sets libedit up: Ctrl-C left to the REPL's handler, history stifled at `history_limit`
/// lines, word breaks that keep `.` and `:`, no character appended after a completion.
void terun_repl_editline_setup(terun_repl_complete_fn complete, int history_limit);
/// Reads a line (malloc'ed, without newline), or NULL at the end of input or on SIGINT.
char *terun_repl_editline_read(const char *prompt);

/// The line being edited (during a completion callback: the text the word is part of).
const char *terun_repl_editline_line(void);
/// Adds a line to the history.
void terun_repl_editline_remember(const char *line);
/// Reads / writes the history file; 0 on success.
int terun_repl_editline_load_history(const char *path);
int terun_repl_editline_save_history(const char *path);

#endif
