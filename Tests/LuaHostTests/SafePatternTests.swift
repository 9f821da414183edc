import Foundation
import Testing

@testable import LuaHost

/// The sandbox's string.find/match/gmatch/gsub must agree with Lua's own.
@Suite struct SafePatternTests {
  private let cases = """
    local out = {}
    local function add(...) local t = table.pack(...) for i = 1, t.n do out[#out + 1] = tostring(t[i]) end out[#out + 1] = "|" end
    add(("hello world"):find("o w"))
    add(("hello world"):find("o", 6))
    add(("hello world"):find("l+"))
    add(("hello.world"):find(".", 1, true))
    add(("hello"):find("", 10))
    add(("hello"):find("l", -2))
    add(("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
    add(("  trim  "):match("^%s*(.-)%s*$"))
    add(("f(a(b)c)d"):match("%b()"))
    add(("THE (quick) fox"):find("%f[%a]%a+", 5))
    add(("abcabc"):match("(a)(b)()"))
    add(("hello hello"):match("(h%a+) %1"))
    add(("x=1, y=22"):gsub("(%w+)=(%w+)", "%2=%1"))
    add(("abc"):gsub("", "-"))
    add(("abc"):gsub("%w", "%0%0", 2))
    add(("hello world"):gsub("o", { o = "0" }))
    add(("hello world"):gsub("%w+", function(w) return w:upper() end))
    add(("a,b,,c"):gsub(",", ";"))
    add(("[x]"):gsub("[%[%]]", ""))
    add(("^anchor"):gsub("^%^", "!"))
    for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do add(k, v) end
    for w in ("one two  three"):gmatch("%a*") do add(w) end
    for p in ("abc"):gmatch("()") do add(p) end
    add(("x"):rep(3, ","))
    add(pcall(string.find, "a", "[a"))
    add(pcall(string.gsub, "a", "a", "%2"))
    add(pcall(string.match, "a", "%"))
    return table.concat(out, " ")
    """

  @Test func safePatternsAgreeWithLua() throws {
    let stock = try LuaState()
    stock.openLibraries()
    let sandboxed = try LuaState.sandboxed()
    let expected = try stock.run(source: cases, chunkName: "p.lua")
    let actual = try sandboxed.run(source: cases, chunkName: "p.lua")
    #expect(actual[0].stringValue == expected[0].stringValue)
    #expect(!(expected[0].stringValue?.isEmpty ?? true))
  }
}
