#ifndef TERUN_LUA_BRIDGE_H
#define TERUN_LUA_BRIDGE_H
// The C side of LuaHost: wrappers for Lua's macros (Swift cannot import them), the
// trampoline that calls Swift functions and raises their errors from C, the capped
// allocator, the count hook and the kill switch. Swift never calls lua_error.
#include "../../CLua/shim.h"
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

// MARK: - Macro wrappers

static inline void terun_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void terun_newtable(lua_State *L) { lua_newtable(L); }
/// lua_pcall, counted as "the host is running Lua" for the backstop (terun_running_with_handle).
int terun_counted_pcall(lua_State *L, int nargs, int nresults, int msgh);
static inline int terun_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  return terun_counted_pcall(L, nargs, nresults, msgh);
}
static inline int terun_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int terun_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int terun_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int terun_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline int terun_istable(lua_State *L, int i) { return lua_istable(L, i); }
static inline int terun_isfunction(lua_State *L, int i) { return lua_isfunction(L, i); }
static inline void terun_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void terun_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void terun_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void terun_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int terun_getmetatable_named(lua_State *L, const char *name) {
  return luaL_getmetatable(L, name);
}
static inline const char *terun_tolstring(lua_State *L, int i, size_t *len) {
  return lua_tolstring(L, i, len);
}
static inline lua_Integer terun_tointegerx(lua_State *L, int i, int *isnum) {
  return lua_tointegerx(L, i, isnum);
}
static inline lua_Number terun_tonumberx(lua_State *L, int i, int *isnum) {
  return lua_tonumberx(L, i, isnum);
}
static inline void terun_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
static inline int terun_ok(void) { return LUA_OK; }
static inline void **terun_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }

// MARK: - Status and kill reasons

/// Why a run was stopped. Once set, it stays: every hook tick and trampoline return raises.
enum {
  TERUN_KILL_NONE = 0,
  TERUN_KILL_INSTRUCTIONS = 1,
  TERUN_KILL_TIMEOUT = 2,
  TERUN_KILL_MEMORY = 3,
  TERUN_KILL_VIOLATION = 4,
};

/// Why a statement was stopped (terun_statement_end). Unlike a kill, a stop ends with its
/// statement: the state runs again.
enum {
  TERUN_STOP_NONE = 0,
  TERUN_STOP_INTERRUPT = 1,
  TERUN_STOP_INSTRUCTIONS = 2,
  TERUN_STOP_TIMEOUT = 3,
};

/// A host function returns this to ask the trampoline to raise the value on top of the stack.
#define TERUN_HOST_RAISE (-1)

// MARK: - Host functions

/// The Swift dispatcher: called by the trampoline with the boxed Swift closure.
/// Returns the number of results, or TERUN_HOST_RAISE with the error value on top.
typedef int (*terun_dispatch_fn)(lua_State *L, void *box);
/// Releases a boxed Swift closure (called from the userdata's __gc, at most once).
typedef void (*terun_release_fn)(void *box);

/// Installs the Swift dispatcher and release functions (idempotent; same values every time).
void terun_bridge_init(terun_dispatch_fn dispatch, terun_release_fn release);
/// Pushes a Lua C closure that calls `box` through the dispatcher. `box` is owned by Lua from
/// now on and released by the closure's userdata __gc.
void terun_push_host_function(lua_State *L, void *box);

// MARK: - State with limits

/// Creates a state whose allocator is capped at `memory_limit` bytes (0: no cap) and whose
/// count hook enforces `max_instructions` (0: no budget). Returns NULL if out of memory.
lua_State *terun_newstate(size_t memory_limit, int64_t max_instructions);
/// Closes a state made by terun_newstate and frees its limits.
void terun_close(lua_State *L);
/// Marks entry to / exit from host (Swift) code: while host code runs, allocations over the
/// cap are tolerated and recorded; the next trampoline return or hook tick raises.
void terun_enter_host(lua_State *L);
void terun_leave_host(lua_State *L);
/// Asks the running code to stop (thread-safe; for the watchdog). `reason` is a TERUN_KILL_*.
void terun_kill(lua_State *L, int reason);
/// If a sandbox violation stopped the state, clears it (the state runs again) and returns 1;
/// else returns 0. Only for a caller that owns the state between statements (the REPL).
int terun_clear_violation(lua_State *L);
/// An opaque handle to the kill switch, usable from another thread while the state lives.
void *terun_kill_handle(lua_State *L);
void terun_kill_with_handle(void *handle, int reason);
/// The kill reason (TERUN_KILL_NONE while running normally).
int terun_kill_reason(lua_State *L);
/// Arms the limits of one statement, for a host that keeps its state across statements (the
/// REPL): a budget of `max_instructions` counted from now (0: none), a timeout in nanoseconds
/// (0: none), and `interrupt`, a flag a signal handler sets (already set: the statement stops
/// at once; the stop consumes it; NULL: none). The
/// state's own hook, charges and trampoline check them as they check the kill switch, and a
/// stopped statement raises the kill sentinel the same way; terun_statement_end clears it.
void terun_statement_begin(
    lua_State *L, int64_t max_instructions, int64_t timeout_ns, volatile sig_atomic_t *interrupt);
/// Disarms the statement's limits and returns why it was stopped (TERUN_STOP_*); the state
/// runs again (its hook back to the normal interval). No-op on a state made by someone else.
int terun_statement_end(lua_State *L);
/// Whether host code that blocks (a `te` request, `te.sleep`) should give up now: the run was
/// killed, or its statement stopped (Ctrl-C, the statement's timeout or budget).
int terun_stop_requested(lua_State *L);
/// Raises the kill sentinel if the run was killed or its statement stopped; for C functions
/// that run long. No-op on a state made by someone else.
void terun_check_stop(lua_State *L);
/// Bytes currently allocated by the state, and its cap (0: none).
size_t terun_memory_used(lua_State *L);
size_t terun_memory_limit(lua_State *L);
/// Instructions counted so far (in steps of the hook interval), one more per function call,
/// plus the work C code charges; -1 on a state made by someone else.
int64_t terun_instructions_used(lua_State *L);
/// Installs the count hook on `L`, which also charges each function call (threads created
/// later inherit it).
void terun_install_hook(lua_State *L);
/// Pushes the kill sentinel (a light userdata that prints as the kill reason).
void terun_push_kill_sentinel(lua_State *L);
/// True if the value at `idx` is the kill sentinel.
int terun_is_kill_sentinel(lua_State *L, int idx);
/// Raises the kill sentinel if the run was killed; for C functions that run long.
void terun_check_kill(lua_State *L);

/// The kill reason seen through a kill handle (thread-safe; for the watchdog's backstop).
int terun_kill_reason_with_handle(void *handle);
/// Whether the host is inside terun_pcall on the state, running Lua (thread-safe). A killed
/// state that is only kept alive, not running, needs no backstop.
int terun_running_with_handle(void *handle);
/// Charges `delta` bytes of host (Swift) memory to the state's cap (a negative delta gives
/// them back). Returns 0, and kills the run with the memory reason, when the cap is crossed;
/// 1 otherwise. No-op (returns 1) on a state made by someone else.
int terun_host_charge(lua_State *L, ptrdiff_t delta);
/// Whether `bytes` more fit under the cap; if not, kills the run with the memory reason and
/// returns 0. Always 1 on a state made by someone else.
int terun_host_fits(lua_State *L, size_t bytes);
/// A Lua C function that raises the kill if the run was killed (no-op on other states).
int terun_lua_check_kill(lua_State *L);
/// True once the run is killed for any reason (cheap; host loops poll it). 0 on a state made
/// by someone else.
int terun_is_killed(lua_State *L);

// MARK: - Errors

/// A message handler for lua_pcall: keeps non-string error values (tables, the kill sentinel)
/// as they are and appends a traceback to strings; stores the traceback in the registry
/// under "terun.traceback" so structured errors keep one too.
int terun_message_handler(lua_State *L);

// MARK: - Sandboxed pattern matching

/// Charges `steps` of work done in C to the instruction budget; raises if killed or over, or
/// if the running statement's limits (terun_statement_begin) stop it.
void terun_charge(lua_State *L, int64_t steps);

/// Opens replacements of string.find, match, gmatch and gsub that check the kill switch and
/// the instruction budget while matching. Pushes a table with the four functions.
int terun_open_safe_patterns(lua_State *L);

// MARK: - Guarded library functions

/// Replaces the function at `idx` (a message handler) by a wrapper that returns the error
/// unchanged, without calling it, once the run is stopped (Lua would run it with hooks off).
void terun_wrap_message_handler(lua_State *L, int idx);
/// Pushes a table of replacements that keep the limits where stock Lua cannot: `xpcall`
/// (handler wrapped), `wrap` and `close` (coroutine; never close a stopped coroutine), `rep`
/// and `move` (charged as they go), `check_stop` (raises if the run is stopped) and
/// `make_setmetatable(violation)` (a setmetatable that refuses `__gc` by calling `violation`).
/// Needs the global `coroutine` table.
int terun_open_guarded_library(lua_State *L);

// MARK: - CSV

/// `te.csv.format_row(values [, sep [, quote_all [, line_end]]])`: stdlib/csv.lua's
/// `csv.format_row` in C, with the same output byte for byte; `line_end` is appended.
int terun_csv_format_row(lua_State *L);

#endif
