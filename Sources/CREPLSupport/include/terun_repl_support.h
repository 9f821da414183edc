#ifndef TERUN_REPL_SUPPORT_H
#define TERUN_REPL_SUPPORT_H
// The REPL's C side: the SIGINT flag and libedit's line editing. The statement's limits
// (budget, timeout, Ctrl-C) are LuaHost's (LuaState.beginStatement), which reads the flag.
#include <signal.h>
#include <stdint.h>

/// The flag SIGINT (and terun_repl_post_interrupt) sets: LuaHost's statement limits read it
/// while a statement runs, the line reader between statements.
volatile sig_atomic_t *terun_repl_sigint_flag(void);

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
