#include "terun_lua_bridge.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

// MARK: - Limits

/// Instructions between two count-hook ticks.
#define TERUN_HOOK_INTERVAL 1000

/// The hook's events: every TERUN_HOOK_INTERVAL instructions, and every function call. A C loop
/// of the standard library that calls functions through metamethods (`table.sort` or
/// `table.remove` on a proxy whose `__index` is `rawlen`) runs no instruction; each call it
/// makes is charged one step instead, so the budget and the kill switch still stop it.
#define TERUN_HOOK_MASK (LUA_MASKCOUNT | LUA_MASKCALL)

typedef struct terun_limits {
  size_t used;
  size_t limit;
  int host_depth;
  int refused_pending;
  void *refused_ptr;
  size_t refused_osize;
  size_t refused_nsize;
  int64_t max_instructions;
  int64_t instructions;
  _Atomic int kill_reason;
  _Atomic int running;
  // The running statement's limits, for a host that keeps its state across statements (the
  // REPL): checked by the same hook, charge and trampoline as the run's, but cleared when the
  // statement ends instead of stopping the state for good.
  int statement_active;
  int64_t statement_base;
  int64_t statement_max;
  int64_t statement_deadline_ns;
  volatile sig_atomic_t *statement_interrupt;
  _Atomic int statement_stop;
} terun_limits;

static char terun_kill_sentinel_key;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static terun_limits *limits_of(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return (terun_limits *)ud;
}

static void set_kill(terun_limits *lim, int reason) {
  int expected = TERUN_KILL_NONE;
  atomic_compare_exchange_strong(&lim->kill_reason, &expected, reason);
}

/// Bytes of new memory that count as one instruction. One instruction may copy megabytes
/// (`s .. "x"` or `s:upper()` on a 16 MB string): what it allocates is charged to the budget
/// too, so --max-instructions also bounds the work such instructions and C calls do.
#define TERUN_BYTES_PER_INSTRUCTION 64

/// Charges `bytes` of new memory to the instruction budget; over it, the run is killed (the
/// next hook tick or trampoline return raises: an allocator cannot).
static void charge_bytes(terun_limits *lim, size_t bytes) {
  lim->instructions += (int64_t)(bytes / TERUN_BYTES_PER_INSTRUCTION);
  if (lim->max_instructions > 0 && lim->instructions > lim->max_instructions) {
    set_kill(lim, TERUN_KILL_INSTRUCTIONS);
  }
}

/// The heap a block really takes: malloc rounds each request up and adds a header, which for
/// Lua's many small objects (a 24-byte string, a 56-byte table) is a fifth to a half more
/// than requested. The cap counts these, so RSS stays within it plus a fixed overhead.
static size_t heap_size(void *block) { return block == NULL ? 0 : malloc_usable_size(block) + sizeof(size_t); }

/// What a request of `n` bytes will take (glibc: 16-byte steps, a header, 32 at least).
static size_t heap_estimate(size_t n) {
  size_t total = (n + sizeof(size_t) + 15) & ~(size_t)15;
  return total < 32 ? 32 : total;
}

static void *terun_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  terun_limits *lim = (terun_limits *)ud;
  if (ptr == NULL) osize = 0;
  size_t old_heap = heap_size(ptr);
  if (nsize == 0) {
    free(ptr);
    lim->used -= old_heap;
    return NULL;
  }
  int retry = 0;
  if (lim->refused_pending) {
    // Lua retries a refused request once, after an emergency collection (which only frees).
    // Any other request means the refusal was final (e.g. a luaL_Buffer): the run is over.
    retry = ptr == lim->refused_ptr && osize == lim->refused_osize && nsize == lim->refused_nsize;
    if (!retry) set_kill(lim, TERUN_KILL_MEMORY);
    lim->refused_pending = 0;
  }
  if (lim->limit != 0 && nsize > osize && lim->used - old_heap + heap_estimate(nsize) > lim->limit) {
    if (lim->host_depth > 0) {
      // Host (Swift) code is on the stack: never fail under it. Record the overshoot; the
      // trampoline or the next hook tick raises once Swift has returned.
      set_kill(lim, TERUN_KILL_MEMORY);
    } else if (retry) {
      // Refused again after Lua's emergency collection: the run is over.
      set_kill(lim, TERUN_KILL_MEMORY);
      return NULL;
    } else {
      // First refusal: Lua may collect garbage and ask again.
      lim->refused_pending = 1;
      lim->refused_ptr = ptr;
      lim->refused_osize = osize;
      lim->refused_nsize = nsize;
      return NULL;
    }
  }
  void *block = realloc(ptr, nsize);
  if (block == NULL) return NULL;
  lim->used = lim->used - old_heap + heap_size(block);
  if (nsize > osize) charge_bytes(lim, nsize - osize);
  return block;
}

static void terun_hook(lua_State *L, lua_Debug *ar);

/// Why the running statement must stop (TERUN_STOP_NONE while it may go on, or when no
/// statement runs). Once decided, the reason stays until terun_statement_end.
static int statement_stop(terun_limits *lim) {
  if (!lim->statement_active) return TERUN_STOP_NONE;
  int reason = atomic_load(&lim->statement_stop);
  if (reason != TERUN_STOP_NONE) return reason;
  if (lim->statement_interrupt != NULL && *lim->statement_interrupt) {
    *lim->statement_interrupt = 0;
    reason = TERUN_STOP_INTERRUPT;
  } else if (lim->statement_max > 0 && lim->instructions - lim->statement_base > lim->statement_max) {
    reason = TERUN_STOP_INSTRUCTIONS;
  } else if (lim->statement_deadline_ns > 0 && now_ns() > lim->statement_deadline_ns) {
    reason = TERUN_STOP_TIMEOUT;
  }
  if (reason != TERUN_STOP_NONE) atomic_store(&lim->statement_stop, reason);
  return reason;
}

/// Whether the code running must stop: the run was killed, or its statement stopped.
static inline int must_stop(terun_limits *lim) {
  if (atomic_load_explicit(&lim->kill_reason, memory_order_relaxed) != TERUN_KILL_NONE) return 1;
  return lim->statement_active && statement_stop(lim) != TERUN_STOP_NONE;
}

static void raise_kill(lua_State *L) {
  // From now on this thread's hook fires at every instruction, so a pcall that catches the
  // kill gets no further than its next instruction.
  lua_sethook(L, terun_hook, TERUN_HOOK_MASK, 1);
  terun_push_kill_sentinel(L);
  lua_error(L);
}

static void terun_hook(lua_State *L, lua_Debug *ar) {
  terun_limits *lim = limits_of(L);
  lim->instructions += ar->event == LUA_HOOKCOUNT ? TERUN_HOOK_INTERVAL : 1;
  if (lim->max_instructions > 0 && lim->instructions > lim->max_instructions) {
    set_kill(lim, TERUN_KILL_INSTRUCTIONS);
  }
  if (must_stop(lim)) raise_kill(L);
}

lua_State *terun_newstate(size_t memory_limit, int64_t max_instructions) {
  terun_limits *lim = calloc(1, sizeof(terun_limits));
  if (lim == NULL) return NULL;
  lim->limit = memory_limit;
  lim->max_instructions = max_instructions;
  lim->host_depth = 1;
  atomic_init(&lim->kill_reason, TERUN_KILL_NONE);
  atomic_init(&lim->running, 0);
  lua_State *L = lua_newstate(terun_alloc, lim);
  if (L == NULL) {
    free(lim);
    return NULL;
  }
  return L;
}

void terun_close(lua_State *L) {
  terun_limits *lim = limits_of(L);
  lim->host_depth = 1;
  lua_close(L);
  free(lim);
}

// Host brackets are no-ops on a state made by someone else (e.g. luaL_newstate in a test).
void terun_enter_host(lua_State *L) {
  if (lua_getallocf(L, NULL) == terun_alloc) limits_of(L)->host_depth++;
}
void terun_leave_host(lua_State *L) {
  if (lua_getallocf(L, NULL) == terun_alloc) limits_of(L)->host_depth--;
}
void terun_kill(lua_State *L, int reason) { set_kill(limits_of(L), reason); }
int terun_clear_violation(lua_State *L) {
  int expected = TERUN_KILL_VIOLATION;
  return atomic_compare_exchange_strong(&limits_of(L)->kill_reason, &expected, TERUN_KILL_NONE);
}
void *terun_kill_handle(lua_State *L) { return limits_of(L); }
void terun_kill_with_handle(void *handle, int reason) { set_kill((terun_limits *)handle, reason); }
void terun_statement_begin(
    lua_State *L, int64_t max_instructions, int64_t timeout_ns, volatile sig_atomic_t *interrupt) {
  if (lua_getallocf(L, NULL) != terun_alloc) return;
  terun_limits *lim = limits_of(L);
  // A flag already set is this statement's: Ctrl-C pressed after the line was read and before
  // the statement began must not be lost. (The line reader takes the ones pressed at the prompt.)
  lim->statement_interrupt = interrupt;
  lim->statement_base = lim->instructions;
  lim->statement_max = max_instructions > 0 ? max_instructions : 0;
  lim->statement_deadline_ns = timeout_ns > 0 ? now_ns() + timeout_ns : 0;
  atomic_store(&lim->statement_stop, TERUN_STOP_NONE);
  lim->statement_active = 1;
}

int terun_statement_end(lua_State *L) {
  if (lua_getallocf(L, NULL) != terun_alloc) return TERUN_STOP_NONE;
  terun_limits *lim = limits_of(L);
  lim->statement_active = 0;
  lim->statement_interrupt = NULL;
  int reason = atomic_exchange(&lim->statement_stop, TERUN_STOP_NONE);
  // The stop left the hook firing at every instruction (raise_kill); the state goes on.
  if (reason != TERUN_STOP_NONE && atomic_load(&lim->kill_reason) == TERUN_KILL_NONE) terun_install_hook(L);
  return reason;
}

int terun_stop_requested(lua_State *L) {
  if (lua_getallocf(L, NULL) != terun_alloc) return 0;
  if (terun_kill_reason(L) != TERUN_KILL_NONE) return 1;
  return statement_stop(limits_of(L)) != TERUN_STOP_NONE;
}

void terun_check_stop(lua_State *L) {
  if (lua_getallocf(L, NULL) == terun_alloc && must_stop(limits_of(L))) raise_kill(L);
}

int terun_kill_reason(lua_State *L) {
  terun_limits *lim = limits_of(L);
  // A refusal nobody retried (the run ended right after it) also ends the run.
  if (lim->refused_pending && lim->host_depth > 0) set_kill(lim, TERUN_KILL_MEMORY);
  return atomic_load(&lim->kill_reason);
}
int terun_kill_reason_with_handle(void *handle) {
  return atomic_load(&((terun_limits *)handle)->kill_reason);
}

int terun_running_with_handle(void *handle) {
  return atomic_load(&((terun_limits *)handle)->running) > 0;
}

int terun_counted_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  if (lua_getallocf(L, NULL) != terun_alloc) return lua_pcall(L, nargs, nresults, msgh);
  terun_limits *lim = limits_of(L);
  atomic_fetch_add(&lim->running, 1);
  int status = lua_pcall(L, nargs, nresults, msgh);
  atomic_fetch_sub(&lim->running, 1);
  return status;
}

int terun_host_charge(lua_State *L, ptrdiff_t delta) {
  if (lua_getallocf(L, NULL) != terun_alloc) return 1;
  terun_limits *lim = limits_of(L);
  lim->used += (size_t)delta;
  if (delta > 0 && lim->limit != 0 && lim->used > lim->limit) {
    set_kill(lim, TERUN_KILL_MEMORY);
    return 0;
  }
  return 1;
}

int terun_lua_check_kill(lua_State *L) {
  if (lua_getallocf(L, NULL) == terun_alloc) terun_check_kill(L);
  return 0;
}

int terun_host_fits(lua_State *L, size_t bytes) {
  if (lua_getallocf(L, NULL) != terun_alloc) return 1;
  terun_limits *lim = limits_of(L);
  if (lim->limit != 0 && (bytes > lim->limit || lim->used > lim->limit - bytes)) {
    set_kill(lim, TERUN_KILL_MEMORY);
    return 0;
  }
  return 1;
}

int terun_is_killed(lua_State *L) {
  if (lua_getallocf(L, NULL) != terun_alloc) return 0;
  return atomic_load(&limits_of(L)->kill_reason) != TERUN_KILL_NONE;
}

size_t terun_memory_used(lua_State *L) { return limits_of(L)->used; }
size_t terun_memory_limit(lua_State *L) { return limits_of(L)->limit; }
int64_t terun_instructions_used(lua_State *L) {
  if (lua_getallocf(L, NULL) != terun_alloc) return -1;
  return limits_of(L)->instructions;
}

void terun_install_hook(lua_State *L) { lua_sethook(L, terun_hook, TERUN_HOOK_MASK, TERUN_HOOK_INTERVAL); }

void terun_push_kill_sentinel(lua_State *L) { lua_pushlightuserdata(L, &terun_kill_sentinel_key); }

int terun_is_kill_sentinel(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == &terun_kill_sentinel_key;
}

void terun_check_kill(lua_State *L) {
  terun_limits *lim = limits_of(L);
  if (atomic_load(&lim->kill_reason) != TERUN_KILL_NONE) raise_kill(L);
}

// MARK: - Host functions

static terun_dispatch_fn g_dispatch = NULL;
static terun_release_fn g_release = NULL;
static const char *const HOSTFN_META = "terun.hostfn";

void terun_bridge_init(terun_dispatch_fn dispatch, terun_release_fn release) {
  g_dispatch = dispatch;
  g_release = release;
}

static int hostfn_gc(lua_State *L) {
  void **slot = (void **)luaL_testudata(L, 1, HOSTFN_META);
  if (slot != NULL && *slot != NULL) {
    void *box = *slot;
    *slot = NULL;  // a second __gc call finds nothing to release
    g_release(box);
  }
  return 0;
}

static int terun_trampoline(lua_State *L) {
  terun_limits *lim = limits_of(L);
  if (atomic_load(&lim->kill_reason) != TERUN_KILL_NONE) raise_kill(L);
  void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
  if (slot == NULL || *slot == NULL) {
    lua_pushliteral(L, "host function was released");
    return lua_error(L);
  }
  lim->host_depth++;
  int results = g_dispatch(L, *slot);
  lim->host_depth--;
  if (must_stop(lim)) raise_kill(L);
  if (results == TERUN_HOST_RAISE) return lua_error(L);
  return results;
}

void terun_push_host_function(lua_State *L, void *box) {
  void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
  *slot = box;
  if (luaL_newmetatable(L, HOSTFN_META)) {
    lua_pushcfunction(L, hostfn_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, terun_trampoline, 1);
}

// MARK: - Errors

int terun_message_handler(lua_State *L) {
  if (terun_is_kill_sentinel(L, 1)) return 1;
  const char *msg = lua_tostring(L, 1);
  if (lua_type(L, 1) == LUA_TSTRING) {
    luaL_traceback(L, L, msg, 1);
    return 1;
  }
  // A structured error (a table) or another value: keep it, record a traceback aside.
  luaL_traceback(L, L, NULL, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "terun.traceback");
  lua_settop(L, 1);
  return 1;
}

// MARK: - Charging work done in C

/// Charges `steps` to the instruction budget and raises if the run is over budget or killed,
/// or its statement stopped: C work that runs no instruction reaches no hook.
void terun_charge(lua_State *L, int64_t steps) {
  terun_limits *lim = limits_of(L);
  lim->instructions += steps;
  if (lim->max_instructions > 0 && lim->instructions > lim->max_instructions) {
    set_kill(lim, TERUN_KILL_INSTRUCTIONS);
  }
  if (must_stop(lim)) raise_kill(L);
}
