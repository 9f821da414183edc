// te.csv.format_row: stdlib/csv.lua's row formatting in C, with the same output byte for
// byte (tests compare the two). A CSV export formats one field per result; in Lua that is a
// dozen calls per field, and printf plus strtod for every float.
//
// Floats: csv.lua writes the shortest of %.15g, %.16g, %.17g that reads back as the same
// double. Most API values are short decimals (149.322), so this first tries to find the
// value as an integer m over 10^k (k <= 8, |m| < 10^15): when m / 10^k == v in double
// arithmetic, the decimal m·10^-k reads back as v (both are the correctly rounded double of
// the same real), it has at most 15 significant digits, and it is then exactly what %.15g
// prints (a 15-digit grid point within half an ulp of v; the grid is far coarser than an ulp).
// Other values take csv.lua's printf/strtod path.
#include "terun_lua_bridge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUMBER_BUFFER 64

static const double powers_of_ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

/// Writes the digits of the non-negative integer `m` (< 10^15) with `k` of them after a
/// decimal point, preceded by '-' when `negative`. Returns the length.
static int write_scaled(char *out, int negative, long long m, int k) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + m % 10);
    m /= 10;
  } while (m > 0);
  int len = 0;
  if (negative) out[len++] = '-';
  if (n <= k) {
    out[len++] = '0';
    out[len++] = '.';
    for (int i = 0; i < k - n; i++) out[len++] = '0';
    while (n > 0) out[len++] = digits[--n];
    return len;
  }
  while (n > k) out[len++] = digits[--n];
  if (k > 0) {
    out[len++] = '.';
    while (n > 0) out[len++] = digits[--n];
  }
  return len;
}

/// csv.lua's format_number for a finite float.
static int format_float(double v, char *out) {
  if (v == 0) {
    if (signbit(v)) {
      memcpy(out, "-0", 2);
      return 2;
    }
    out[0] = '0';
    return 1;
  }
  double magnitude = fabs(v);
  if (magnitude >= 1e-4 && magnitude < 1e15) {
    for (int k = 0; k < (int)(sizeof powers_of_ten / sizeof powers_of_ten[0]); k++) {
      double m = nearbyint(v * powers_of_ten[k]);
      if (fabs(m) >= 1e15) break;
      if (m / powers_of_ten[k] == v) {
        return write_scaled(out, v < 0, (long long)fabs(m), k);
      }
    }
  }
  for (int digits = 15; digits <= 17; digits++) {
    int n = snprintf(out, NUMBER_BUFFER, "%.*g", digits, v);
    if (strtod(out, NULL) == v) return n;
  }
  return snprintf(out, NUMBER_BUFFER, "%.17g", v);
}

/// Whether `text` needs quotes: a quote, CR or LF inside, or the separator (an empty
/// separator is found everywhere, as Lua's plain find finds it).
static int needs_quotes(const char *text, size_t len, const char *sep, size_t sep_len) {
  if (sep_len == 0) return 1;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '"' || c == '\r' || c == '\n') return 1;
    if (c == sep[0] && len - i >= sep_len && memcmp(text + i, sep, sep_len) == 0) return 1;
  }
  return 0;
}

/// Adds `text` quoted, with its quotes doubled, to `b`. Uses no stack slots.
static void add_quoted(luaL_Buffer *b, const char *text, size_t len) {
  luaL_addchar(b, '"');
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '"') {
      luaL_addlstring(b, text + start, i + 1 - start);
      luaL_addchar(b, '"');
      start = i + 1;
    }
  }
  luaL_addlstring(b, text + start, len - start);
  luaL_addchar(b, '"');
}

/// format_row(values [, sep [, quote_all [, line_end]]]): one CSV row as csv.format_row
/// formats it (fields 1..values.n, or 1..#values), followed by `line_end` when given.
int terun_csv_format_row(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t sep_len = 1;
  const char *sep = lua_isnoneornil(L, 2) ? "," : luaL_checklstring(L, 2, &sep_len);
  int quote_all = lua_toboolean(L, 3);
  size_t line_end_len = 0;
  const char *line_end = lua_isnoneornil(L, 4) ? NULL : luaL_checklstring(L, 4, &line_end_len);
  lua_Integer n;
  if (lua_getfield(L, 1, "n") != LUA_TNIL) {
    int isnum = 0;
    lua_Number limit = lua_tonumberx(L, -1, &isnum);
    if (!isnum) return luaL_error(L, "csv: values.n must be a number");
    n = (lua_Integer)floor(limit);
  } else {
    n = luaL_len(L, 1);
  }
  lua_pop(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char number[NUMBER_BUFFER];
  for (lua_Integer i = 1; i <= n; i++) {
    if (i > 1) luaL_addlstring(&b, sep, sep_len);
    int type = lua_geti(L, 1, i);
    const char *text = NULL;
    size_t len = 0;
    switch (type) {
    case LUA_TSTRING: {
      text = lua_tolstring(L, -1, &len);
      if (!quote_all && !needs_quotes(text, len, sep, sep_len)) {
        luaL_addvalue(&b);  // pops the string
        continue;
      }
      // Quote it in a buffer of its own above the string, then add the result.
      luaL_Buffer quoted;
      luaL_buffinit(L, &quoted);
      add_quoted(&quoted, text, len);
      luaL_pushresult(&quoted);
      lua_remove(L, -2);
      luaL_addvalue(&b);
      continue;
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) {
        len = (size_t)snprintf(number, sizeof number, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, -1));
      } else {
        double v = (double)lua_tonumber(L, -1);
        if (isnan(v) || isinf(v)) {
          luaL_tolstring(L, -1, NULL);
          return luaL_error(L, "csv: cannot write %s", lua_tostring(L, -1));
        }
        len = (size_t)format_float(v, number);
      }
      text = number;
      break;
    case LUA_TBOOLEAN:
      text = lua_toboolean(L, -1) ? "true" : "false";
      len = strlen(text);
      break;
    case LUA_TNIL:
    case LUA_TUSERDATA:
    case LUA_TLIGHTUSERDATA:
      text = "";
      len = 0;
      break;
    default:
      return luaL_error(L, "csv: cannot write a %s as a field", lua_typename(L, type));
    }
    lua_pop(L, 1);
    if (quote_all || needs_quotes(text, len, sep, sep_len)) {
      add_quoted(&b, text, len);
    } else {
      luaL_addlstring(&b, text, len);
    }
  }
  if (line_end != NULL) luaL_addlstring(&b, line_end, line_end_len);
  luaL_pushresult(&b);
  return 1;
}
