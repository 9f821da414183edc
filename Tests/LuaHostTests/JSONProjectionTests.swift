import CLua
import Foundation
import Testing

@testable import LuaHost

/// Decoding with a `JSONProjection` (`fields` in `te.results.each`): the collection's items keep
/// only the listed members; everything else is decoded as usual; skipped values are still checked.
@Suite struct JSONProjectionTests {
  private let page = #"""
    {"results": [
      {"agent": {"agentId": "3", "agentName": "Singapore", "location": "SG"}, "roundId": 1780272000,
       "avgLatency": 149.322, "loss": 0.0, "server": "www.example.com:443", "tags": [1, {"x": [2]}]},
      {"agent": {"agentId": "4", "agentName": "Tokyo"}, "roundId": 1780272000, "avgLatency": 88,
       "loss": null, "note": "a \"quoted\" \\ \u00e9 \ud83d\ude00 value"}
     ],
     "test": {"testId": "123456", "testName": "web"},
     "_links": {"next": {"href": "https://api.example.com/v7/x?cursor=abc"}}}
    """#

  private func projected(_ text: String, key: String = "results", fields: [String]) throws -> String {
    let state = try JSONTestState()
    try state.decode(text, options: .init(projection: JSONProjection(collectionKey: key, fields: fields)))
    return try state.encodeTop()
  }

  @Test func itemsKeepOnlyTheFieldsAndTheRestOfThePageIsWhole() throws {
    let result = try projected(page, fields: ["roundId", "agent.agentId", "agent.agentName", "avgLatency"])
    #expect(
      result == #"{"_links":{"next":{"href":"https://api.example.com/v7/x?cursor=abc"}},"results":["#
        + #"{"agent":{"agentId":"3","agentName":"Singapore"},"avgLatency":149.322,"roundId":1780272000},"#
        + #"{"agent":{"agentId":"4","agentName":"Tokyo"},"avgLatency":88,"roundId":1780272000}],"#
        + #""test":{"testId":"123456","testName":"web"}}"#)
  }

  @Test func aPathEndingAtAnObjectKeepsItWholeEvenWithALongerPathThroughIt() throws {
    let result = try projected(page, fields: ["agent.agentId", "agent", "loss"])
    #expect(
      result.contains(#"{"agent":{"agentId":"3","agentName":"Singapore","location":"SG"},"loss":0.0}"#),
      "\(result)")
    // A null member stays absent, as without a projection.
    #expect(result.contains(#"{"agent":{"agentId":"4","agentName":"Tokyo"}}"#), "\(result)")
  }

  @Test func arraysAndEscapedStringsUnderAKeptMemberAreDecodedWhole() throws {
    let result = try projected(page, fields: ["tags", "note"])
    #expect(result.contains(#"{"tags":[1,{"x":[2]}]}"#), "\(result)")
    #expect(result.contains(#"{"note":"a \"quoted\" \\ é 😀 value"}"#), "\(result)")
  }

  @Test func aKeyWrittenWithEscapesStillMatches() throws {
    let result = try projected(#"{"results":[{"\u0061b":1,"c":2,"a\"b":3}]}"#, fields: ["ab", "a\"b"])
    #expect(result == #"{"results":[{"a\"b":3,"ab":1}]}"#)
  }

  @Test func aNestedPathThroughANonObjectKeepsTheValueAsItIs() throws {
    let result = try projected(
      #"{"results":[{"agent":5},{"agent":[1]},{"agent":{"id":1,"n":2}}]}"#, fields: ["agent.id"])
    #expect(result == #"{"results":[{"agent":5},{"agent":[1]},{"agent":{"id":1}}]}"#)
  }

  @Test func elementsThatAreNotObjectsAreKeptWhole() throws {
    let result = try projected(#"{"results":[1,"two",[3],null,{"a":1,"b":2}]}"#, fields: ["a"])
    #expect(result == #"{"results":[1,"two",[3],null,{"a":1}]}"#)
  }

  @Test func withoutTheCollectionOrForATopLevelArrayTheDocumentDecodesWhole() throws {
    #expect(try projected(#"{"agents":[{"a":1,"b":2}]}"#, fields: ["a"]) == #"{"agents":[{"a":1,"b":2}]}"#)
    #expect(try projected(#"[{"a":1,"b":2}]"#, fields: ["a"]) == #"[{"a":1,"b":2}]"#)
    #expect(try projected(#"{"results":{"a":1,"b":2}}"#, fields: ["a"]) == #"{"results":{"a":1,"b":2}}"#)
  }

  @Test func emptyContainersAndWhitespaceEverywhere() throws {
    let text = " { \"results\" : [ { } , { \"a\" : [ ] , \"b\" : { } } , { \"b\" : \"x\" } ] , \"n\" : [ ] } "
    #expect(try projected(text, fields: ["b"]) == #"{"n":[],"results":[{},{"b":{}},{"b":"x"}]}"#)
  }

  /// With every member of the items listed, the projection equals a plain decode.
  @Test func listingEveryMemberEqualsThePlainDecode() throws {
    let state = try JSONTestState()
    try state.decode(page)
    let plain = try state.encodeTop()
    let all = try projected(
      page, fields: ["agent", "roundId", "avgLatency", "loss", "server", "tags", "note"])
    #expect(all == plain)
  }

  @Test(arguments: [
    (#"{"results":[{"a":1,"z":[1,}]}"#, "invalid JSON at byte 26: expected a value, found '}'"),
    (#"{"results":[{"a":1,"z":"abc}]}"#, "invalid JSON at byte 23: unterminated string"),
    (#"{"results":[{"a":1,"z":"\q"}]}"#, #"invalid JSON at byte 24: invalid escape '\q' in string"#),
    (
      #"{"results":[{"a":1,"z":"\u12"}]}"#,
      #"invalid JSON at byte 24: invalid \u escape, expected 4 hex digits"#
    ),
    (#"{"results":[{"a":1,"z":01}]}"#, "invalid JSON at byte 23: leading zero in number"),
    (#"{"results":[{"a":1,"z":1.}]}"#, "invalid JSON at byte 25: expected a digit after '.'"),
    (#"{"results":[{"a":1,"z":tru}]}"#, "invalid JSON at byte 23: invalid literal, expected 'true'"),
    (#"{"results":[{"a":1,"z":{"k" 1}}]}"#, "invalid JSON at byte 28: expected ':', found '1'"),
    (#"{"results":[{"a":1,"z":{"k":1,}}]}"#, "invalid JSON at byte 30: trailing comma before '}'"),
    (#"{"results":[{"a":1,"z":[1 2]}]}"#, "invalid JSON at byte 26: expected ',' or ']', found '2'"),
    (#"{"results":[{"a":1,"z":"x"#, "invalid JSON at byte 23: unterminated string"),
    (#"{"results":[{"a":1 "z":1}]}"#, "invalid JSON at byte 19: expected ',' or '}', found '\"'"),
    (
      "{\"results\":[{\"a\":1,\"z\":\"\u{01}\"}]}",
      "invalid JSON at byte 24: control character 0x1 in string"
    ),
  ])
  func malformedSkippedValuesAreStillErrorsWithTheirOffset(text: String, message: String) throws {
    let state = try JSONTestState()
    let options = LuaJSON.DecodeOptions(
      projection: try JSONProjection(collectionKey: "results", fields: ["a"]))
    let error = try #require(throws: LuaJSONError.self) { try state.decode(text, options: options) }
    #expect(error.message == message)
    #expect(lua_gettop(state.L) == 0, "stack restored")
  }

  @Test func theDepthLimitCountsSkippedContainers() throws {
    let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
    let text = #"{"results":[{"a":1,"z":"# + deep + "}]}"
    let state = try JSONTestState()
    let options = LuaJSON.DecodeOptions(
      maxDepth: 10, projection: try JSONProjection(collectionKey: "results", fields: ["a"]))
    // The 8th '[' (byte 30) is the 11th level: results object, array, item, then z's arrays.
    do {
      let error = try #require(throws: (any Error).self) { try state.decode(text, options: options) }
      #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 30: nesting deeper than 10 levels")
    }
    // The same message as decoding without a projection.
    do {
      let error = try #require(throws: (any Error).self) {
        try state.decode(text, options: .init(maxDepth: 10))
      }
      #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 30: nesting deeper than 10 levels")
    }
  }

  @Test(arguments: ["", ".a", "a.", "a..b"])
  func fieldsWithEmptyMemberNamesAreRefused(field: String) throws {
    let error = try #require(throws: LuaJSONError.self) {
      try JSONProjection(collectionKey: "results", fields: [field])
    }
    #expect(error.message == "field '\(field)' has an empty member name (write it like 'agent.agentId')")
  }

  /// Random pages: projected decode equals the plain decode with the other members removed.
  @Test func randomPagesMatchAPlainDecodeFilteredInLua() throws {
    var generator = SystemRandomNumberGenerator()
    let names = ["a", "b", "c", "agent", "x\\\"y"]
    func value(_ depth: Int) -> String {
      switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator) {
      case 0: return String(Int.random(in: -1000...1000, using: &generator))
      case 1: return String(Double.random(in: -1e6...1e6, using: &generator))
      case 2: return #""s\u00e9\n\"""#
      case 3: return ["true", "false", "null"].randomElement(using: &generator)!
      case 4:
        return "["
          + (0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth + 1) }.joined(
            separator: ",") + "]"
      default:
        let members = names.shuffled(using: &generator).prefix(Int.random(in: 0...4, using: &generator))
        return "{" + members.map { "\"\($0)\":\(value(depth + 1))" }.joined(separator: ",") + "}"
      }
    }
    let filter = """
      local page, keep = ...
      for _, item in ipairs(page.results) do
        if type(item) == "table" and getmetatable(item) == getmetatable(page) then
          for k, v in pairs(item) do
            if keep[k] == nil then
              item[k] = nil
            elseif keep[k] ~= true and type(v) == "table" and getmetatable(v) == getmetatable(page) then
              for k2 in pairs(v) do
                if not keep[k][k2] then v[k2] = nil end
              end
            end
          end
        end
      end
      return page
      """
    for _ in 0..<200 {
      let items = (0..<Int.random(in: 0...6, using: &generator)).map { _ in value(1) }
      let text = #"{"results":["# + items.joined(separator: ",") + #"],"_links":{"next":null}}"#
      let state = try JSONTestState()
      // Plain decode, then the filter in Lua: keep b whole, agent.a and agent.c.
      lua_settop(state.L, 0)
      #expect(
        filter.utf8CString.withUnsafeBufferPointer {
          luaL_loadbufferx(state.L, $0.baseAddress, $0.count - 1, "=f", "t")
        } == LUA_OK)
      try state.decode(text)
      #expect(luaL_loadstring(state.L, "return { b = true, agent = { a = true, c = true } }") == LUA_OK)
      lua_callk(state.L, 0, 1, 0, nil)
      lua_callk(state.L, 2, 1, 0, nil)
      let expected = try state.encodeTop()
      #expect(try projected(text, fields: ["b", "agent.a", "agent.c"]) == expected, "\(text)")
    }
  }

  // MARK: As values

  /// Decodes `text` with a values projection of `results` onto `fields`, then runs `check`
  /// (Lua, with the page as the global `page`) and returns its result.
  private func valuesPage(_ text: String, fields: [String], check: String) throws -> [String] {
    let state = try JSONTestState()
    let projection = try JSONProjection(collectionKey: "results", fields: fields, shape: .values)
    try state.decode(text, options: .init(projection: projection))
    lua_setglobal(state.L, "page")
    return state.run(check)
  }

  @Test func valuesComeInOneFlatArrayWithTheItemCount() throws {
    let text = #"""
      {"results": [
        {"a": 1, "b": {"c": "x", "d": 2}, "e": null, "z": [1, {"q": 2}]},
        {"b": 5, "a": "second"},
        7,
        {"a": [1, 2], "b": {"c": null, "x": {}}, "e": {"k": true}},
        {}
       ],
       "_links": {"next": {"href": "/v7/x?cursor=c"}}}
      """#
    let result = try valuesPage(
      text, fields: ["a", "b.c", "e"],
      check: """
        local r = page.results
        local out = { r.n, page._links.next.href }
        for i = 1, r.n * 3 do
          local v = r[i]
          out[#out + 1] = type(v) == "table" and ("table#" .. #v) or tostring(v)
        end
        return table.concat(out, " ")
        """)
    #expect(result == ["5 /v7/x?cursor=c 1 x nil second nil nil nil nil nil table#2 nil table#0 nil nil nil"])
  }

  @Test func valuesOfAnEmptyCollectionAndTheDepthLimit() throws {
    #expect(
      try valuesPage(#"{"results": [ ]}"#, fields: ["a"], check: "return page.results.n, #page.results") == [
        "0", "0",
      ])
    let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
    let state = try JSONTestState()
    let options = LuaJSON.DecodeOptions(
      maxDepth: 10,
      projection: try JSONProjection(collectionKey: "results", fields: ["a"], shape: .values))
    // The 8th '[' (byte 24) is the 11th level: results object, array, item, then z's arrays.
    do {
      let error = try #require(throws: (any Error).self) {
        try state.decode(#"{"results":[{"z":"# + deep + "}]}", options: options)
      }
      #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 24: nesting deeper than 10 levels")
    }
    do {
      let error = try #require(throws: (any Error).self) {
        try state.decode(#"{"results":[{"a":1,"z":[1,}]}"#, options: options)
      }
      #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 26: expected a value, found '}'")
    }
  }

  @Test func valuesRefuseRepeatedOrOverlappingFields() throws {
    do {
      let error = try #require(throws: (any Error).self) {
        try JSONProjection(collectionKey: "results", fields: ["a", "a"], shape: .values)
      }
      #expect((error as? LuaJSONError)?.message == "field 'a' is listed twice")
    }
    do {
      let error = try #require(throws: (any Error).self) {
        try JSONProjection(collectionKey: "results", fields: ["agent.agentId", "agent"], shape: .values)
      }
      #expect(
        (error as? LuaJSONError)?.message
          == "fields 'agent.agentId' and 'agent' overlap; as values, each field must be a value of its own")
    }
    #expect(throws: Never.self) {
      try JSONProjection(collectionKey: "results", fields: ["agent", "agentId"], shape: .values)
    }
    #expect(throws: Never.self, "objects allow repeats") {
      try JSONProjection(collectionKey: "results", fields: ["a", "a"])
    }
  }
}
