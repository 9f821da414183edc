import CLua
import Foundation
import Testing

@testable import LuaHost

@Suite struct JSONLuaModuleTests {
  @Test func decodeFromLuaKeepsIntegersAndKinds() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        local v = json.decode('{"agentId":3,"avgLatency":3.0,"ids":[],"big":9223372036854775808}')
        return math.type(v.agentId), math.type(v.avgLatency), math.type(v.big), #v.ids, json.encode(v)
        """) == [
          "integer", "float", "float", "0",
          #"{"agentId":3,"avgLatency":3.0,"big":9.223372036854776e+18,"ids":[]}"#,
        ])
  }

  @Test func getModifyPutRoundTripKeepsEmptyContainers() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        local test = json.decode('{"testId":"281","interval":600,"agents":[],"alertRules":{},"tags":[1]}')
        test.interval = 300
        test.tags[#test.tags + 1] = 2
        return json.encode(test)
        """) == [#"{"agents":[],"alertRules":{},"interval":300,"tags":[1,2],"testId":"281"}"#])
  }

  @Test func nullSentinel() {
    let state = try! JSONTestState()
    #expect(
      state.run(
        """
        local v = json.decode('[null, 1]')
        return v[1] == json.null, #v, json.encode({a = json.null, b = {json.null}}), type(json.null)
        """) == ["true", "2", #"{"a":null,"b":[null]}"#, "userdata"])
  }

  @Test func errorsCarryTheCallersLine() {
    let state = try! JSONTestState()
    let cases: [(String, String)] = [
      (
        "local x = 1\nlocal v = json.decode('[1,2,]') return v",
        "test:2: invalid JSON at byte 5: trailing comma before ']'"
      ),
      ("local v = json.decode(42) return v", "test:1: json.decode expects a string, got number"),
      (
        "local s = json.encode({}, 'pretty') return s",
        "test:1: json.encode: options must be a table, got string"
      ),
      ("local t = json.array(3) return t", "test:1: json.array expects a table, got number"),
      (
        "local t = json.object(setmetatable({}, {})) return t",
        "test:1: json.object: the table already has a metatable"
      ),
    ]
    for (code, message) in cases {
      #expect(state.run(code) == ["error: " + message], "\(code)")
    }
    #expect(
      state.run("return pcall(json.decode, '{')") == [
        "false", "invalid JSON at byte 1: expected a string key, found end of input",
      ])
  }

  @Test func prettyOptionAndRemarking() {
    let state = try! JSONTestState()
    #expect(
      state.run("return json.encode({a = {1}}, {pretty = true}), json.encode(json.object(json.array{}))") == [
        "{\n  \"a\": [\n    1\n  ]\n}", "{}",
      ])
  }

  @Test func metatablesAreProtectedFromScripts() {
    let state = try! JSONTestState()
    #expect(
      state.run("local a = json.decode('[]') return getmetatable(a), pcall(setmetatable, a, {})") == [
        "te.json.array", "false", "cannot change a protected metatable",
      ])
  }
}
