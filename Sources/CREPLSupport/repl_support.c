#include "terun_repl_support.h"
#include "../CLuaBridge/include/terun_lua_bridge.h"

#include <lua5.4/lauxlib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct terun_repl_guard {
  lua_State *L;
  /// LuaHost's instruction count when the statement began (-1: a state without LuaHost's
  /// limits, where the guard counts its own hook ticks).
  int64_t base;
  lua_Hook previous;
  int mask;
  int count;
  int active;
  int64_t max_instructions;
  int64_t instructions;
  int64_t deadline_ns;
  _Atomic int reason;
};

static const char guard_key = 'g';
static const char stop_sentinel = 's';
static volatile sig_atomic_t pending_sigint = 0;
static struct sigaction saved_sigint;
static int sigint_installed = 0;
static pthread_t sigint_thread;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static terun_repl_guard *guard_of(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &guard_key);
  terun_repl_guard *guard = (terun_repl_guard *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return guard;
}

static void raise_stop(lua_State *L) {
  lua_pushlightuserdata(L, (void *)&stop_sentinel);
  lua_error(L);
}

/// Raises the stop sentinel if the guard has stopped the statement.
static void check_stop(lua_State *L) {
  terun_repl_guard *guard = guard_of(L);
  if (guard != NULL && guard->active && atomic_load(&guard->reason) != TERUN_REPL_STOP_NONE) raise_stop(L);
}

// pcall, xpcall and coroutine.resume as Lua's base library has them, except that an error
// caught while the statement is stopped is raised again: otherwise
// `while true do pcall(f) end` would catch the stop at every hook tick and never end.

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    check_stop(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

static int guarded_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

static int guarded_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  // Lua runs a handler with hooks off when the stop was raised from a hook: never then.
  terun_wrap_message_handler(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

static int guarded_resume(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  check_stop(L);
  return lua_gettop(L);
}

/// Replaces the globals pcall and xpcall and coroutine.resume (raw) by the guarded ones.
static void install_guarded_calls(lua_State *L) {
  // Raw reads and writes only: the sandbox's _G has an __index that must not run here.
  lua_pushglobaltable(L);
  lua_pushstring(L, "xpcall");
  lua_pushcfunction(L, guarded_xpcall);
  lua_rawset(L, -3);
  lua_pushstring(L, "pcall");
  lua_pushcfunction(L, guarded_pcall);
  lua_rawset(L, -3);
  lua_pushstring(L, "coroutine");
  if (lua_rawget(L, -2) == LUA_TTABLE) {
    lua_pushstring(L, "resume");
    lua_pushstring(L, "resume");
    lua_rawget(L, -3);
    lua_pushcclosure(L, guarded_resume, 1);
    lua_rawset(L, -3);
  }
  lua_pop(L, 2);
}

/// Decides whether the statement must stop (Ctrl-C, its budget, its timeout) and returns the
/// reason (TERUN_REPL_STOP_NONE while it may go on). On a state with LuaHost's limits the
/// budget is LuaHost's own count since the statement began: hook ticks, function calls, and
/// the work C code charges (patterns, string.rep, allocations), so one mechanism counts.
static int update_reason(terun_repl_guard *guard) {
  if (guard->base >= 0) guard->instructions = terun_instructions_used(guard->L) - guard->base;
  int reason = atomic_load(&guard->reason);
  if (reason == TERUN_REPL_STOP_NONE) {
    if (pending_sigint) {
      pending_sigint = 0;
      reason = TERUN_REPL_STOP_INTERRUPT;
    } else if (guard->max_instructions > 0 && guard->instructions > guard->max_instructions) {
      reason = TERUN_REPL_STOP_INSTRUCTIONS;
    } else if (guard->deadline_ns > 0 && now_ns() > guard->deadline_ns) {
      reason = TERUN_REPL_STOP_TIMEOUT;
    }
    if (reason != TERUN_REPL_STOP_NONE) atomic_store(&guard->reason, reason);
  }
  return reason;
}

static void guard_hook(lua_State *L, lua_Debug *ar) {
  terun_repl_guard *guard = guard_of(L);
  if (guard == NULL) return;
  // LuaHost's hook first: its kill switch and budget raise from there.
  if (guard->previous != NULL) guard->previous(L, ar);
  if (!guard->active) return;
  if (guard->base < 0) {
    // A count tick stands for `count` instructions; a call event for one.
    guard->instructions += ar->event == LUA_HOOKCOUNT && guard->count > 0 ? guard->count : 1;
  }
  // Once stopped, every tick raises again, so a pcall in the statement cannot go on.
  if (update_reason(guard) != TERUN_REPL_STOP_NONE) raise_stop(L);
}

terun_repl_guard *terun_repl_guard_attach(lua_State *L) {
  terun_repl_guard *guard = calloc(1, sizeof(terun_repl_guard));
  if (guard == NULL) return NULL;
  guard->L = L;
  guard->previous = lua_gethook(L);
  guard->mask = lua_gethookmask(L) | LUA_MASKCOUNT;
  guard->count = lua_gethookcount(L) > 0 ? lua_gethookcount(L) : 1000;
  atomic_init(&guard->reason, TERUN_REPL_STOP_NONE);
  lua_pushlightuserdata(L, guard);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
  lua_sethook(L, guard_hook, guard->mask, guard->count);
  install_guarded_calls(L);
  return guard;
}

void terun_repl_guard_detach(lua_State *L, terun_repl_guard *guard) {
  if (guard == NULL) return;
  lua_sethook(L, guard->previous, guard->previous != NULL ? guard->mask : 0, guard->count);
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
  free(guard);
}

void terun_repl_guard_begin(terun_repl_guard *guard, int64_t max_instructions, int64_t timeout_ns) {
  pending_sigint = 0;
  guard->max_instructions = max_instructions;
  guard->instructions = 0;
  guard->base = terun_instructions_used(guard->L);
  guard->deadline_ns = timeout_ns > 0 ? now_ns() + timeout_ns : 0;
  atomic_store(&guard->reason, TERUN_REPL_STOP_NONE);
  guard->active = 1;
}

int terun_repl_guard_end(terun_repl_guard *guard) {
  guard->active = 0;
  return atomic_exchange(&guard->reason, TERUN_REPL_STOP_NONE);
}

int64_t terun_repl_guard_instructions(terun_repl_guard *guard) { return guard->instructions; }

int terun_repl_guard_poll(lua_State *L) {
  terun_repl_guard *guard = guard_of(L);
  if (guard == NULL || !guard->active) return 0;
  return update_reason(guard) != TERUN_REPL_STOP_NONE;
}

int terun_repl_is_stop_sentinel(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == (void *)&stop_sentinel;
}

static void on_sigint(int signo) {
  pending_sigint = 1;
  // A blocking read on the REPL's thread returns EINTR only if that thread takes the signal:
  // forward it when another thread got it.
  if (!pthread_equal(pthread_self(), sigint_thread)) pthread_kill(sigint_thread, signo);
}

int terun_repl_install_sigint(void) {
  struct sigaction action;
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  sigint_thread = pthread_self();
  if (sigaction(SIGINT, &action, &saved_sigint) != 0) return -1;
  // The REPL's thread may have been started from a thread that blocks signals (a Swift
  // concurrency worker): let SIGINT in, or the read it blocks on never returns EINTR.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  sigint_installed = 1;
  return 0;
}

void terun_repl_restore_sigint(void) {
  if (sigint_installed) {
    sigaction(SIGINT, &saved_sigint, NULL);
    sigint_installed = 0;
  }
}

int terun_repl_take_sigint(void) {
  int pending = pending_sigint;
  pending_sigint = 0;
  return pending;
}

void terun_repl_post_interrupt(void) { pending_sigint = 1; }
