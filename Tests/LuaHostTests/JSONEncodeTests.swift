import CLua
import Foundation
import Testing

@testable import LuaHost

@Suite struct JSONEncodeTests {
  @Test func scalars() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        return json.encode(nil), json.encode(true), json.encode(false), json.encode(3), json.encode(3.0),
          json.encode(-2.5), json.encode(0.1), json.encode(1e300), json.encode(2^53), json.encode(math.mininteger),
          json.encode("a\\0b\\1")
        """) == [
          "null", "true", "false", "3", "3.0", "-2.5", "0.1", "1e+300", "9007199254740992.0",
          "-9223372036854775808", #""a\u0000b\u0001""#,
        ])
  }

  @Test func floatsKeepTheirKindThroughARoundTrip() throws {
    let state = try JSONTestState()
    for text in ["[3.0,-0.0,1e+20,0.1,1.0000000000000002,5e-324,3,-3]"] {
      #expect(try state.roundTrip(text) == text)
    }
  }

  @Test func arrayDetectionForUnmarkedTables() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        return json.encode({1, 2, 3}), json.encode({}), json.encode({[1] = "a", [3] = "c"}),
          json.encode({1, 2, x = 3}), json.encode({[2] = "b"}), json.encode({[10] = 1, name = "n"})
        """) == [
          #"[1,2,3]"#, "{}", #"{"1":"a","3":"c"}"#, #"{"1":1,"2":2,"x":3}"#, #"{"2":"b"}"#,
          #"{"10":1,"name":"n"}"#,
        ])
  }

  @Test func markedTables() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        local holes = json.array({1, nil, 3})
        return json.encode(json.array{}), json.encode(json.object{}), json.encode(json.array()),
          json.encode(json.object({1, 2})), json.encode({list = json.array{}, map = json.object{}}),
          json.encode(holes)
        """) == ["[]", "{}", "[]", #"{"1":1,"2":2}"#, #"{"list":[],"map":{}}"#, "[1,null,3]"])
    #expect(
      state.run(#"local s = json.encode(json.array({1, x = 2})) return s"#) == [
        #"error: test:1: cannot encode array marked by te.json.array with the non-index key "x" at $"#
      ])
  }

  @Test func prettyPrintingIndentsTwoSpacesWithSortedKeys() throws {
    let state = try JSONTestState()
    #expect(
      try state.roundTrip(#"{"b":[1,{"d":[],"c":{}}],"a":"x"}"#, pretty: true) == """
        {
          "a": "x",
          "b": [
            1,
            {
              "c": {},
              "d": []
            }
          ]
        }
        """)
  }

  @Test func unsortedCompactModeWritesTheSameMembers() throws {
    let state = try JSONTestState()
    try state.decode(#"{"b":1,"a":{"y":[1,2],"x":{}},"c":"z"}"#)
    let unsorted = try state.encodeTop(sortsKeys: false)
    lua_settop(state.L, 0)
    #expect(try state.roundTrip(unsorted) == #"{"a":{"x":{},"y":[1,2]},"b":1,"c":"z"}"#)
  }

  @Test func refusalsNameThePath() {
    let state = try! JSONTestState()
    let cases: [(String, String)] = [
      ("json.encode({agents = {1, 2, {fn = print}}})", "cannot encode function at $.agents[3].fn"),
      (
        "json.encode((function() local t = {} t.self = t return t end)())",
        "cannot encode a cycle (a table that contains itself) at $.self"
      ),
      (
        "json.encode((function() local t = {} t[1] = {t} return {a = t} end)())",
        "cannot encode a cycle (a table that contains itself) at $.a[1][1]"
      ),
      ("json.encode({x = 0/0})", "cannot encode NaN at $.x"),
      ("json.encode({1, math.huge})", "cannot encode inf at $[2]"),
      ("json.encode({[\"odd key\"] = -math.huge})", #"cannot encode -inf at $["odd key"]"#),
      ("json.encode({co = coroutine.create(print)})", "cannot encode thread at $.co"),
      (
        "json.encode({[true] = 1})",
        "cannot encode a table key of type boolean (keys must be strings or integers) at $"
      ),
      ("json.encode({[1.5] = 1})", "cannot encode a table key 1.5 (keys must be strings or integers) at $"),
      (
        "json.encode({[1] = 'a', ['1'] = 'b', x = 1})",
        #"cannot encode a table with both the integer key and the string key "1" at $"#
      ),
      ("json.encode({s = 'a\\255'})", "cannot encode string with invalid UTF-8 (byte 1) at $.s"),
      ("json.encode(io.stdout)", "cannot encode userdata at $"),
    ]
    for (code, message) in cases {
      // Not a tail call, so that the error names the caller's line.
      #expect(state.run("local s = " + code + " return s") == ["error: test:1: " + message], "\(code)")
    }
  }

  @Test func sharedTablesThatAreNotCyclesAreEncoded() {
    let state = try! JSONTestState()
    #expect(
      state.run("local s = {1} return json.encode({a = s, b = s, c = {s, s}})") == [
        #"{"a":[1],"b":[1],"c":[[1],[1]]}"#
      ])
  }

  @Test func encodeDepthLimit() throws {
    let state = try JSONTestState()
    #expect(
      state.run(
        "local t = {} for _ = 1, 600 do t = {t} end local ok, e = pcall(json.encode, t) return ok, e") == [
          "false",
          "cannot encode tables nested deeper than 512 levels at $" + String(repeating: "[1]", count: 512),
        ])
    try state.decode("[[[1]]]")
    let error = try #require(throws: (any Error).self) {
      try LuaJSON.encode(state.L, at: -1, options: LuaJSON.EncodeOptions(maxDepth: 2))
    }
    #expect(
      (error as? LuaJSONError)?.message == "cannot encode tables nested deeper than 2 levels at $[1][1]")
  }
}
