import CLua
import CLuaBridge
import Foundation
import Testing

@testable import LuaHost

/// `te.csv.format_row` (C) against stdlib/csv.lua's own `csv.format_row` (Lua): the same bytes
/// for every kind of value, separator and quoting, and the same errors.
@Suite struct CSVFormatRowTests {
  private static let csvSource: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return (try? String(contentsOf: root.appendingPathComponent("stdlib/csv.lua"), encoding: .utf8)) ?? ""
  }()

  /// Runs `code` with `csv` (the Lua module, no `te` in sight) and `native` as globals; returns
  /// its string result or the error message.
  private func run(_ code: String) throws -> String {
    let L = luaL_newstate()!
    defer { lua_close(L) }
    luaL_openlibs(L)
    #expect(!Self.csvSource.isEmpty, "stdlib/csv.lua found")
    #expect(luaL_loadstring(L, Self.csvSource) == LUA_OK)
    lua_callk(L, 0, 1, 0, nil)
    lua_setglobal(L, "csv")
    lua_pushcclosure(L, terun_csv_format_row, 0)
    lua_setglobal(L, "native")
    #expect(luaL_loadstring(L, code) == LUA_OK, "\(String(cString: lua_tolstring(L, -1, nil)))")
    let status = lua_pcallk(L, 0, 1, 0, 0, nil)
    let text = String(cString: lua_tolstring(L, -1, nil))
    return status == LUA_OK ? text : "error: " + text
  }

  @Test func randomRowsFormatTheSameInCAndInLua() throws {
    let result = try run(
      #"""
      math.randomseed(20261127)
      local specials = {
        0.0, -0.0, 1e-4, -1e-4, 0.99999e-4, 1e15, 999999999999999.0, 1e15 - 0.5, 123456789012345.6,
        0.1, 0.2, 0.3, 1/3, 2/3, 149.322, 45.0, 1e21, 1e-7, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 9007199254740993.0, 0.000123, 12345.678901234, 100.5, -7.25,
        math.maxinteger, math.mininteger, 0, -1, 3, 1e100, 123.456e-10,
      }
      local strings = { "", "plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "x;y", "tab\tsep",
        "||", "a||b", "é", "\0zero" }
      local function random_value()
        local kind = math.random(1, 9)
        if kind == 1 then return specials[math.random(#specials)] end
        if kind == 2 then return math.random(-1000000, 1000000) / (10 ^ math.random(0, 9)) end
        if kind == 3 then return (math.random() - 0.5) * 10 ^ math.random(-12, 20) end
        if kind == 4 then return math.random(math.mininteger, math.maxinteger) end
        if kind == 5 then return strings[math.random(#strings)] end
        if kind == 6 then return math.random() < 0.5 end
        if kind == 7 then return nil end
        if kind == 8 then return io.stdout end  -- a userdata: an empty field
        return math.floor(math.random() * 2e6) / 1000
      end
      local seps = { ",", ";", "\t", "||", "", ".", "e", "-", "0" }
      local checked = 0
      for _ = 1, 20000 do
        local row = { n = math.random(0, 12) }
        for i = 1, row.n do row[i] = random_value() end
        if math.random() < 0.3 then row.n = nil end
        local sep = seps[math.random(#seps)]
        local quote_all = math.random() < 0.2
        local expected = csv.format_row(row, sep, quote_all)
        local got = native(row, sep, quote_all)
        if got ~= expected then
          return string.format("differ: expected %q got %q", expected, got)
        end
        if native(row, sep, quote_all, "\r\n") ~= expected .. "\r\n" then return "line end" end
        checked = checked + 1
      end
      if native({ 1, "a" }) ~= csv.format_row({ 1, "a" }) then return "default separator" end
      return "ok " .. checked
      """#)
    #expect(result == "ok 20000")
  }

  /// Every float of a sweep of short decimals and of random bit patterns.
  @Test func floatsFormatTheSameAsTheShortestRoundTripOfPrintf() throws {
    let result = try run(
      #"""
      math.randomseed(7)
      local n = 0
      local function check(v)
        if v ~= v or v == math.huge or v == -math.huge then return true end
        local expected, got = csv.format_row({ v }), native({ v })
        n = n + 1
        return expected == got or string.format("%.17g: expected %s got %s", v, expected, got)
      end
      for i = -20000, 20000 do  -- 40,001 x 10 scales
        for _, scale in ipairs({ 1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 }) do
          local r = check(i / scale)
          if r ~= true then return r end
        end
      end
      for _ = 1, 200000 do
        local v = string.unpack("<d", string.pack("<i8", math.random(math.mininteger, math.maxinteger)))
        local r = check(v)
        if r ~= true then return r end
      end
      return "ok " .. n
      """#)
    // 400,010 decimals and 200,000 bit patterns, less the NaNs and infinities among the latter.
    #expect(result.hasPrefix("ok "), "\(result)")
    #expect(Int(result.dropFirst(3)) ?? 0 > 599_000, "\(result)")
  }

  @Test func errorsAreTheSame() throws {
    for value in ["0/0", "1/0", "-1/0", "{}", "print"] {
      let lua = try run("return select(2, pcall(csv.format_row, { 1, \(value) }))")
      let c = try run("return select(2, pcall(native, { 1, \(value) }))")
      #expect(c == lua, "\(value)")
      #expect(c.hasPrefix("csv: cannot write"), "\(c)")
    }
  }
}
