// Lua patterns for the sandbox: string.find, match, gmatch and gsub with the semantics of
// Lua 5.4's, written for terun so that matching counts its steps. Every 1024 steps it
// charges the instruction budget and checks the kill switch, so a pathological pattern such
// as ("a"):rep(1e5):find(".-.-.-b") is stopped by --timeout or --max-instructions like any
// Lua loop (the stock C functions never reach the count hook).
#include "terun_lua_bridge.h"

#include <ctype.h>
#include <string.h>

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define MAX_MATCH_DEPTH 200
#define MAX_CAPTURES 32
#define TICK_MASK 0x3FF
#define uchar(c) ((unsigned char)(c))


typedef struct {
  const char *src_init;
  const char *src_end;
  const char *p_end;
  lua_State *L;
  int depth;
  int level;
  size_t steps;
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[MAX_CAPTURES];
} MatchState;

/// Counts `n` steps; every TICK_MASK + 1 of them are charged (and the kill switch checked).
static void tick_by(MatchState *ms, size_t n) {
  ms->steps += n;
  if (ms->steps > TICK_MASK) {
    terun_charge(ms->L, (int64_t)ms->steps);
    ms->steps = 0;
  }
}

static void tick(MatchState *ms) { tick_by(ms, 1); }

/// The steps a comparison of `len` bytes counts: one, and one more per 16 bytes (a plain
/// find of a 1 MB needle compares up to 1 MB at each of its candidate positions).
static size_t compare_cost(size_t len) { return 1 + (len >> 4); }

static const char *do_match(MatchState *ms, const char *s, const char *p);

static int class_matches(int c, int cl) {
  int res;
  switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    default: return cl == c;
  }
  if (isupper(cl)) res = !res;
  return res != 0;
}

// `p` is at '[', `ec` at the closing ']'.
static int bracket_matches(int c, const char *p, const char *ec) {
  int positive = 1;
  if (*(p + 1) == '^') {
    positive = 0;
    p++;
  }
  while (++p < ec) {
    if (*p == '%') {
      p++;
      if (class_matches(c, uchar(*p))) return positive;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (uchar(*(p - 2)) <= c && c <= uchar(*p)) return positive;
    } else if (uchar(*p) == c) {
      return positive;
    }
  }
  return !positive;
}

// End of the single-character class starting at `p`.
static const char *class_end(MatchState *ms, const char *p) {
  char first = *p++;
  if (first == '%') {
    if (p >= ms->p_end) luaL_error(ms->L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (first == '[') {
    if (*p == '^') p++;
    do {
      if (p >= ms->p_end) luaL_error(ms->L, "malformed pattern (missing ']')");
      if (*(p++) == '%' && p < ms->p_end) p++;
    } while (*p != ']');
    return p + 1;
  }
  return p;
}

static int single_matches(MatchState *ms, const char *s, const char *p, const char *ep) {
  if (s >= ms->src_end) return 0;
  int c = uchar(*s);
  switch (*p) {
    case '.': return 1;
    case '%': return class_matches(c, uchar(*(p + 1)));
    case '[': return bracket_matches(c, p, ep - 1);
    default: return uchar(*p) == c;
  }
}

static const char *match_balance(MatchState *ms, const char *s, const char *p) {
  if (p + 1 >= ms->p_end) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (s >= ms->src_end || *s != *p) return NULL;
  char open = *p, close = *(p + 1);
  int depth = 1;
  while (++s < ms->src_end) {
    tick(ms);
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return NULL;
}

static const char *max_expand(MatchState *ms, const char *s, const char *p, const char *ep) {
  ptrdiff_t i = 0;
  while (single_matches(ms, s + i, p, ep)) {
    i++;
    tick(ms);
  }
  while (i >= 0) {
    const char *res = do_match(ms, s + i, ep + 1);
    if (res != NULL) return res;
    i--;
  }
  return NULL;
}

static const char *min_expand(MatchState *ms, const char *s, const char *p, const char *ep) {
  for (;;) {
    const char *res = do_match(ms, s, ep + 1);
    if (res != NULL) return res;
    if (!single_matches(ms, s, p, ep)) return NULL;
    s++;
  }
}

static const char *start_capture(MatchState *ms, const char *s, const char *p, ptrdiff_t what) {
  if (ms->level >= MAX_CAPTURES) luaL_error(ms->L, "too many captures");
  ms->capture[ms->level].init = s;
  ms->capture[ms->level].len = what;
  ms->level++;
  const char *res = do_match(ms, s, p);
  if (res == NULL) ms->level--;
  return res;
}

static const char *end_capture(MatchState *ms, const char *s, const char *p) {
  int l = -1;
  for (int i = ms->level - 1; i >= 0; i--) {
    if (ms->capture[i].len == CAP_UNFINISHED) {
      l = i;
      break;
    }
  }
  if (l < 0) luaL_error(ms->L, "invalid pattern capture");
  ms->capture[l].len = s - ms->capture[l].init;
  const char *res = do_match(ms, s, p);
  if (res == NULL) ms->capture[l].len = CAP_UNFINISHED;
  return res;
}

static const char *match_back_reference(MatchState *ms, const char *s, int digit) {
  int l = digit - '1';
  if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED) {
    luaL_error(ms->L, "invalid capture index %%%d", l + 1);
  }
  size_t len = (size_t)ms->capture[l].len;
  tick_by(ms, compare_cost(len));
  if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0) return s + len;
  return NULL;
}

static const char *do_match(MatchState *ms, const char *s, const char *p) {
  if (ms->depth-- == 0) luaL_error(ms->L, "pattern too complex");
  tick(ms);
  while (s != NULL && p != ms->p_end) {
    tick(ms);
    if (*p == '(') {
      s = (*(p + 1) == ')') ? start_capture(ms, s, p + 2, CAP_POSITION)
                            : start_capture(ms, s, p + 1, CAP_UNFINISHED);
      break;
    }
    if (*p == ')') {
      s = end_capture(ms, s, p + 1);
      break;
    }
    if (*p == '$' && p + 1 == ms->p_end) {
      if (s != ms->src_end) s = NULL;
      break;
    }
    if (*p == '%' && *(p + 1) == 'b') {
      s = match_balance(ms, s, p + 2);
      p += 4;
      continue;
    }
    if (*p == '%' && *(p + 1) == 'f') {
      p += 2;
      if (*p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
      const char *ep = class_end(ms, p);
      int previous = (s == ms->src_init) ? '\0' : uchar(*(s - 1));
      int current = (s < ms->src_end) ? uchar(*s) : '\0';
      if (!bracket_matches(previous, p, ep - 1) && bracket_matches(current, p, ep - 1)) {
        p = ep;
        continue;
      }
      s = NULL;
      break;
    }
    if (*p == '%' && isdigit(uchar(*(p + 1)))) {
      s = match_back_reference(ms, s, uchar(*(p + 1)));
      p += 2;
      continue;
    }
    const char *ep = class_end(ms, p);
    if (!single_matches(ms, s, p, ep)) {
      if (*ep == '*' || *ep == '?' || *ep == '-') {
        p = ep + 1;
        continue;
      }
      s = NULL;
      break;
    }
    if (*ep == '?') {
      const char *res = do_match(ms, s + 1, ep + 1);
      if (res != NULL) {
        s = res;
        break;
      }
      p = ep + 1;
      continue;
    }
    if (*ep == '+') {
      s = max_expand(ms, s + 1, p, ep);
      break;
    }
    if (*ep == '*') {
      s = max_expand(ms, s, p, ep);
      break;
    }
    if (*ep == '-') {
      s = min_expand(ms, s, p, ep);
      break;
    }
    s++;
    p = ep;
  }
  ms->depth++;
  return s;
}

// MARK: - Captures

static ptrdiff_t get_capture(MatchState *ms, int i, const char *s, const char *e, const char **cap) {
  if (i >= ms->level) {
    if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    *cap = s;
    return e - s;
  }
  ptrdiff_t len = ms->capture[i].len;
  *cap = ms->capture[i].init;
  if (len == CAP_UNFINISHED) luaL_error(ms->L, "unfinished capture");
  if (len == CAP_POSITION) lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
  return len;
}

static void push_capture(MatchState *ms, int i, const char *s, const char *e) {
  const char *cap;
  ptrdiff_t len = get_capture(ms, i, s, e, &cap);
  if (len != CAP_POSITION) lua_pushlstring(ms->L, cap, (size_t)len);
}

static int push_captures(MatchState *ms, const char *s, const char *e) {
  int n = (ms->level == 0 && s != NULL) ? 1 : ms->level;
  luaL_checkstack(ms->L, n, "too many captures");
  for (int i = 0; i < n; i++) push_capture(ms, i, s, e);
  return n;
}

static void prepare(MatchState *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  ms->L = L;
  ms->src_init = s;
  ms->src_end = s + ls;
  ms->p_end = p + lp;
  ms->steps = 0;
}

static void restart(MatchState *ms) {
  ms->level = 0;
  ms->depth = MAX_MATCH_DEPTH;
}

// MARK: - find and match

static size_t start_position(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp) {
  for (size_t i = 0; i < lp; i++) {
    if (strchr("^$*+?.([%-", p[i]) != NULL && p[i] != '\0') return 1;
  }
  return 0;
}

static const char *plain_find(MatchState *ms, const char *s, size_t ls, const char *p, size_t lp) {
  if (lp == 0) return s;
  if (lp > ls) return NULL;
  const char *last = s + (ls - lp);
  for (const char *at = s; at <= last; at++) {
    const char *from = at;
    at = memchr(at, *p, (size_t)(last - at) + 1);
    // The bytes memchr scanned count too (a search of 16 MB for a byte it lacks is one call).
    tick_by(ms, ((size_t)((at == NULL ? last + 1 : at) - from)) >> 6);
    if (at == NULL) return NULL;
    tick_by(ms, compare_cost(lp));
    if (memcmp(at + 1, p + 1, lp - 1) == 0) return at;
  }
  return NULL;
}

static int find_or_match(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_position(luaL_optinteger(L, 3, 1), ls);
  if (init > ls + 1) {
    lua_pushnil(L);
    return 1;
  }
  MatchState ms;
  prepare(&ms, L, s, ls, p, lp);
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    const char *at = plain_find(&ms, s + init - 1, ls - init + 1, p, lp);
    if (at != NULL) {
      lua_pushinteger(L, (at - s) + 1);
      lua_pushinteger(L, (at - s) + (lua_Integer)lp);
      return 2;
    }
  } else {
    int anchor = (*p == '^');
    if (anchor) {
      p++;
      lp--;
      ms.p_end = p + lp;
    }
    const char *s1 = s + init - 1;
    do {
      restart(&ms);
      const char *e = do_match(&ms, s1, p);
      if (e != NULL) {
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1);
          lua_pushinteger(L, e - s);
          return push_captures(&ms, NULL, NULL) + 2;
        }
        return push_captures(&ms, s1, e);
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  lua_pushnil(L);
  return 1;
}

static int safe_find(lua_State *L) { return find_or_match(L, 1); }
static int safe_match(lua_State *L) { return find_or_match(L, 0); }

// MARK: - gmatch

typedef struct {
  size_t position;
  ptrdiff_t last_match;
} GmatchState;

static int gmatch_next(lua_State *L) {
  size_t ls, lp;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  GmatchState *gs = (GmatchState *)lua_touserdata(L, lua_upvalueindex(3));
  MatchState ms;
  prepare(&ms, L, s, ls, p, lp);
  for (const char *src = s + gs->position; src <= ms.src_end; src++) {
    restart(&ms);
    const char *e = do_match(&ms, src, p);
    if (e != NULL && (gs->last_match < 0 || e != s + gs->last_match)) {
      gs->position = (size_t)(e - s);
      gs->last_match = e - s;
      return push_captures(&ms, src, e);
    }
  }
  gs->position = ls + 1;
  return 0;
}

static int safe_gmatch(lua_State *L) {
  size_t ls;
  luaL_checklstring(L, 1, &ls);
  luaL_checkstring(L, 2);
  size_t init = start_position(luaL_optinteger(L, 3, 1), ls);
  if (init > ls + 1) init = ls + 1;
  lua_settop(L, 2);
  GmatchState *gs = (GmatchState *)lua_newuserdatauv(L, sizeof(GmatchState), 0);
  gs->position = init - 1;
  gs->last_match = -1;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

// MARK: - gsub

static void add_replacement_string(MatchState *ms, luaL_Buffer *b, const char *s, const char *e) {
  size_t l;
  lua_State *L = ms->L;
  const char *news = lua_tolstring(L, 3, &l);
  const char *end = news + l;
  for (const char *c = news; c < end; c++) {
    if (*c != '%') {
      luaL_addchar(b, *c);
      continue;
    }
    c++;
    if (c >= end) luaL_error(L, "invalid use of '%%' in replacement string");
    if (*c == '%') {
      luaL_addchar(b, '%');
    } else if (*c == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit(uchar(*c))) {
      const char *cap;
      ptrdiff_t len = get_capture(ms, *c - '1', s, e, &cap);
      if (len == CAP_POSITION) {
        luaL_addvalue(b);
      } else {
        luaL_addlstring(b, cap, (size_t)len);
      }
    } else {
      luaL_error(L, "invalid use of '%%' in replacement string");
    }
  }
}

static void add_replacement(MatchState *ms, luaL_Buffer *b, const char *s, const char *e, int type) {
  lua_State *L = ms->L;
  if (type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(ms, s, e);
    lua_call(L, n, 1);
  } else if (type == LUA_TTABLE) {
    push_capture(ms, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_replacement_string(ms, b, s, e);
    return;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(b);
  }
}

static int safe_gsub(lua_State *L) {
  size_t ls, lp;
  const char *src = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int type = lua_type(L, 3);
  lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE, 3,
                   "string/function/table");
  int anchor = (*p == '^');
  if (anchor) {
    p++;
    lp--;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  MatchState ms;
  prepare(&ms, L, src, ls, p, lp);
  const char *last_match = NULL;
  lua_Integer n = 0;
  while (n < max_n) {
    restart(&ms);
    const char *e = do_match(&ms, src, p);
    if (e != NULL && e != last_match) {
      n++;
      add_replacement(&ms, &b, src, e, type);
      src = last_match = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

int terun_open_safe_patterns(lua_State *L) {
  static const luaL_Reg functions[] = {
      {"find", safe_find},
      {"match", safe_match},
      {"gmatch", safe_gmatch},
      {"gsub", safe_gsub},
      {NULL, NULL},
  };
  luaL_newlib(L, functions);
  return 1;
}
