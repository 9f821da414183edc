// Base and library functions that stock Lua runs where the count hook cannot stop them, in
// versions that keep the run's limits (issue 13, "Time"):
//
// - xpcall: Lua calls a message handler with hooks off when the error was raised from a hook
//   (a kill, or the REPL's stop). The handler is wrapped so that it is not called at all once
//   the run is stopped: the error goes up as it is.
// - coroutine.close and coroutine.wrap: a coroutine that died in a hook keeps its hooks off,
//   and closing it runs its __close handlers that way. Neither closes a coroutine once the
//   run is stopped.
// - string.rep and table.move: loops in C whose length the runbook chooses
//   (`string.rep("", 2^62)`, `table.move({}, 1, 2^40, 2)`); these charge the instruction
//   budget and check the kill switch as they go, and an empty repetition returns at once.
//
// - setmetatable: Lua runs __gc finalizers with hooks off; a metatable with __gc is refused
//   (as Luau does). Lua marks an object for finalization only if __gc is there when set.
#include "terun_lua_bridge.h"

#include <string.h>

#define TICK 1024

/// Raises the kill sentinel if the run was killed or its statement stopped.
static void check_stop(lua_State *L) { terun_check_stop(L); }

/// Every TICK steps of a C loop: charges the budget, raises if killed or stopped.
static void tick(lua_State *L) {
  terun_charge(L, TICK);
  check_stop(L);
}

// MARK: - xpcall

static int guarded_handler(lua_State *L) {
  // Once stopped, hooks may be off here: never run the runbook's handler then.
  if (terun_stop_requested(L)) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

void terun_wrap_message_handler(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, idx);
}

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

// lbaselib.c's luaB_xpcall, with the handler wrapped.
static int guarded_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  terun_wrap_message_handler(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

// MARK: - coroutine.close

static lua_State *checked_coroutine(lua_State *L, int idx) {
  lua_State *co = lua_tothread(L, idx);
  luaL_argexpected(L, co, idx, "coroutine");
  return co;
}

// lcorolib.c's luaB_close, refusing once stopped. `upvalue 1` is the stock coroutine.close.
static int guarded_close(lua_State *L) {
  checked_coroutine(L, 1);
  check_stop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// MARK: - coroutine.wrap

// lcorolib.c's auxwrap: resumes the coroutine in upvalue 1; on an error, closes it (unless the
// run is stopped) and raises the error with the caller's position.
static int guarded_wrap_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int nargs = lua_gettop(L);
  int status = LUA_ERRRUN;
  if (!lua_checkstack(co, nargs)) {
    lua_pushliteral(L, "too many arguments to resume");
    goto fail;
  }
  lua_xmove(L, co, nargs);
  int nres = 0;
  status = lua_resume(co, L, nargs, &nres);
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      status = LUA_ERRRUN;
      goto fail;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  status = lua_status(co);
  if (status != LUA_OK && status != LUA_YIELD) {
    // A coroutine stopped by a kill has its hooks off: do not run its __close handlers.
    check_stop(L);
    status = lua_resetthread(co);
    lua_xmove(co, L, 1);
  }
fail:
  if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int guarded_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, guarded_wrap_call, 1);
  return 1;
}

// MARK: - string.rep

// lstrlib.c's str_rep, charging its work and returning at once when the result is empty.
static int guarded_rep(lua_State *L) {
  size_t l, lsep;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || l + lsep > (size_t)INT32_MAX / (size_t)n) {
    return luaL_error(L, "resulting string too large");
  }
  size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, total);
  for (lua_Integer i = 1; n-- > 1; i++) {
    memcpy(p, s, l);
    p += l;
    if (lsep > 0) {
      memcpy(p, sep, lsep);
      p += lsep;
    }
    if ((i & (TICK - 1)) == 0) tick(L);
  }
  memcpy(p, s, l);
  luaL_pushresultsize(&b, total);
  return 1;
}

// MARK: - table.move

#define TAB_R 1
#define TAB_W 2

// ltablib.c's checktab: a table, or a value whose metatable has the needed metamethods.
static void check_table(lua_State *L, int arg, int what) {
  if (lua_type(L, arg) == LUA_TTABLE) return;
  int n = 1;
  if (lua_getmetatable(L, arg) &&
      (!(what & TAB_R) || (lua_getfield(L, -(n++), "__index"), 1)) &&
      (!(what & TAB_W) || (lua_getfield(L, -(n++), "__newindex"), 1))) {
    lua_pop(L, n);
    return;
  }
  luaL_checktype(L, arg, LUA_TTABLE);
}

// ltablib.c's tmove, charging one step per element moved.
static int guarded_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
  check_table(L, 1, TAB_R);
  check_table(L, tt, TAB_W);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
        if (((i + 1) & (TICK - 1)) == 0) tick(L);
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
        if (((n - i) & (TICK - 1)) == 0) tick(L);
      }
    }
  }
  lua_pushvalue(L, tt);
  return 1;
}

// MARK: - setmetatable

// lbaselib.c's luaB_setmetatable, refusing a metatable with a __gc field: Lua runs finalizers
// with hooks off. Upvalue 1 is the sandbox's violation function, which stops the run.
static int guarded_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      lua_pushvalue(L, lua_upvalueindex(1));
      lua_pushliteral(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
      lua_call(L, 1, 0);
      return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
    }
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// make_setmetatable(violation): the guarded setmetatable.
static int make_setmetatable(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_pushcclosure(L, guarded_setmetatable, 1);
  return 1;
}

// MARK: - Opening

static int lua_check_stop(lua_State *L) {
  check_stop(L);
  return 0;
}

int terun_open_guarded_library(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, guarded_xpcall);
  lua_setfield(L, -2, "xpcall");
  lua_pushcfunction(L, guarded_wrap);
  lua_setfield(L, -2, "wrap");
  lua_pushcfunction(L, guarded_rep);
  lua_setfield(L, -2, "rep");
  lua_pushcfunction(L, guarded_move);
  lua_setfield(L, -2, "move");
  lua_pushcfunction(L, lua_check_stop);
  lua_setfield(L, -2, "check_stop");
  lua_pushcfunction(L, make_setmetatable);
  lua_setfield(L, -2, "make_setmetatable");
  // coroutine.close wraps the stock one, taken from the global table.
  lua_getglobal(L, "coroutine");
  lua_getfield(L, -1, "close");
  lua_pushcclosure(L, guarded_close, 1);
  lua_setfield(L, -3, "close");
  lua_pop(L, 1);
  return 1;
}
