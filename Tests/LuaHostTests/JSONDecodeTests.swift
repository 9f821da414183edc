import CLua
import Foundation
import Testing

@testable import LuaHost

@Suite struct JSONDecodeTests {
  @Test func integersStayIntegersNearTwoToThe53And63() throws {
    let state = try JSONTestState()
    let cases: [(String, Int64)] = [
      ("0", 0), ("3", 3), ("-7", -7), ("9007199254740992", 9_007_199_254_740_992),
      ("9007199254740993", 9_007_199_254_740_993), ("9223372036854775807", Int64.max),
      ("-9223372036854775808", Int64.min), ("-9223372036854775807", -Int64.max),
    ]
    for (text, expected) in cases {
      try state.decode(text)
      #expect(lua_isinteger(state.L, -1) == 1, "\(text)")
      #expect(lua_tointegerx(state.L, -1, nil) == expected, "\(text)")
      #expect(try state.encodeTop() == text)
      lua_settop(state.L, 0)
    }
  }

  @Test func numbersBeyondInt64OrWithFractionAreFloats() throws {
    let state = try JSONTestState()
    let cases: [(String, Double)] = [
      ("9223372036854775808", 9_223_372_036_854_775_808.0),
      ("-9223372036854775809", -9_223_372_036_854_775_809.0),
      ("18446744073709551616123", 18_446_744_073_709_551_616_123.0), ("3.5", 3.5), ("3.0", 3.0),
      ("1e2", 100.0), ("1E+2", 100.0), ("-2.5e-3", -0.0025), ("0.1", 0.1),
      ("9007199254740993.0", 9_007_199_254_740_992.0),
      ("1.7976931348623157e308", Double.greatestFiniteMagnitude), ("5e-324", Double.leastNonzeroMagnitude),
      ("123456789012345678901234567890e-10", 12_345_678_901_234_567_890.123456789),
      ("0.000000000000000000000000001", 1e-27),
    ]
    for (text, expected) in cases {
      try state.decode(text)
      #expect(lua_isinteger(state.L, -1) == 0, "\(text)")
      #expect(lua_tonumberx(state.L, -1, nil) == expected, "\(text)")
      lua_settop(state.L, 0)
    }
  }

  @Test func negativeZeroIsANegativeFloatZero() throws {
    let state = try JSONTestState()
    try state.decode("-0")
    #expect(lua_isinteger(state.L, -1) == 0)
    let value = lua_tonumberx(state.L, -1, nil)
    #expect(value == 0)
    #expect(value.sign == .minus)
    #expect(try state.encodeTop() == "-0.0")
  }

  @Test func everyEscape() throws {
    let state = try JSONTestState()
    try state.decode(#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20AC \ud83d\ude00 \u0000end""#)
    #expect(Array(state.string(at: -1).utf8) == Array("q\" b\\ s/ \u{8}\u{C}\n\r\t Aé€ 😀 \u{0}end".utf8))
    #expect(try state.encodeTop() == #""q\" b\\ s/ \b\f\n\r\t Aé€ 😀 \u0000end""#)
  }

  @Test func unicodePassesThroughAndRoundTrips() throws {
    let state = try JSONTestState()
    #expect(try state.roundTrip(#"["São Paulo","Zürich","東京","😀"]"#) == #"["São Paulo","Zürich","東京","😀"]"#)
  }

  @Test func loneSurrogatesAreRejected() throws {
    let state = try JSONTestState()
    #expect(
      state.decodeError(#"["ab\ud83d"]"#)?.message
        == #"invalid JSON at byte 4: lone high surrogate \uD83D in string"#)
    #expect(
      state.decodeError(#"["\ud83dx"]"#)?.message
        == #"invalid JSON at byte 2: lone high surrogate \uD83D in string"#)
    #expect(
      state.decodeError(#""\ude00""#)?.message
        == #"invalid JSON at byte 1: lone low surrogate \uDE00 in string"#)
    #expect(
      state.decodeError(#""\u12G4""#)?.message
        == #"invalid JSON at byte 1: invalid \u escape, expected 4 hex digits"#)
    #expect(state.decodeError(#""\x""#)?.message == #"invalid JSON at byte 1: invalid escape '\x' in string"#)
  }

  @Test func invalidUTF8IsRejectedWithItsOffset() throws {
    let state = try JSONTestState()
    for bytes: [UInt8] in [
      [0x22, 0x61, 0xFF, 0x22], [0x22, 0x61, 0xC3, 0x22], [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22],
    ] {
      do {
        let error = try #require(throws: (any Error).self) { try LuaJSON.decode(bytes, into: state.L) }
        #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 2: invalid UTF-8 in string")
      }
    }
    #expect(lua_gettop(state.L) == 0)
  }

  @Test func emptyArraysAndObjectsRoundTrip() throws {
    let state = try JSONTestState()
    #expect(try state.roundTrip("[]") == "[]")
    #expect(try state.roundTrip("{}") == "{}")
    #expect(
      try state.roundTrip(#"{"a":[],"b":{},"c":[[],{}],"d":[{"e":[]}]}"#)
        == #"{"a":[],"b":{},"c":[[],{}],"d":[{"e":[]}]}"#)
    #expect(try state.roundTrip(" [ { } , [ ] ] ") == "[{},[]]")
  }

  @Test func nestedMixtureRoundTripsWithSortedKeys() throws {
    let state = try JSONTestState()
    let text =
      #"{"results":[{"agent":{"agentId":"1000","agentName":"Tokyo"},"roundId":1732665600,"avgLatency":12.5,"loss":0,"jitter":0.25,"ok":true,"bad":false,"_links":{"self":{"href":"https://x/y?a=1"}}}],"count":1}"#
    #expect(
      try state.roundTrip(text)
        == #"{"count":1,"results":[{"_links":{"self":{"href":"https://x/y?a=1"}},"agent":{"agentId":"1000","agentName":"Tokyo"},"avgLatency":12.5,"bad":false,"jitter":0.25,"loss":0,"ok":true,"roundId":1732665600}]}"#
    )
  }

  @Test func nullIsTheSentinelInArraysAndAbsentInObjects() throws {
    let state = try JSONTestState()
    try state.decode(#"[1,null,{"a":null,"b":2}]"#)
    lua_rawgeti(state.L, -1, 2)
    #expect(LuaJSON.isNull(state.L, at: -1))
    lua_settop(state.L, -2)
    lua_rawgeti(state.L, -1, 3)
    lua_pushstring(state.L, "a")
    #expect(lua_rawget(state.L, -2) == LUA_TNIL)
    lua_settop(state.L, 0)
    #expect(try state.roundTrip(#"[1,null,{"a":null,"b":2}]"#) == #"[1,null,{"b":2}]"#)
    try state.decode("null")
    #expect(LuaJSON.isNull(state.L, at: -1))
    lua_settop(state.L, 0)
    try state.decode(#"{"a":null}"#, options: LuaJSON.DecodeOptions(keepsNullMembers: true))
    #expect(try state.encodeTop() == #"{"a":null}"#)
  }

  @Test func depthLimit() throws {
    let state = try JSONTestState()
    let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    try state.decode(deep)
    lua_settop(state.L, 0)
    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(state.decodeError(tooDeep)?.message == "invalid JSON at byte 512: nesting deeper than 512 levels")
    let limited = LuaJSON.DecodeOptions(maxDepth: 2)
    let error = try #require(throws: (any Error).self) {
      try state.decode(#"{"a":{"b":[1]}}"#, options: limited)
    }
    #expect((error as? LuaJSONError)?.message == "invalid JSON at byte 10: nesting deeper than 2 levels")
    try state.decode(#"{"a":{"b":1}}"#, options: limited)
  }

  @Test func invalidJSONReportsItsByteOffset() throws {
    let state = try JSONTestState()
    let cases: [(String, String)] = [
      (#"{"agentId":1,"roundId" 2}"#, "invalid JSON at byte 23: expected ':', found '2'"),
      ("[1,2,]", "invalid JSON at byte 5: trailing comma before ']'"),
      (#"{"a":1,}"#, "invalid JSON at byte 7: trailing comma before '}'"),
      (#"["abc"#, "invalid JSON at byte 1: unterminated string"),
      (#"{"a":"b"#, "invalid JSON at byte 5: unterminated string"),
      ("[tru]", "invalid JSON at byte 1: invalid literal, expected 'true'"),
      ("nul", "invalid JSON at byte 0: invalid literal, expected 'null'"),
      ("[1] x", "invalid JSON at byte 4: unexpected 'x' after the JSON value"),
      ("{} {}", "invalid JSON at byte 3: unexpected '{' after the JSON value"),
      ("[01]", "invalid JSON at byte 1: leading zero in number"),
      ("-01", "invalid JSON at byte 0: leading zero in number"),
      ("[1.]", "invalid JSON at byte 3: expected a digit after '.'"),
      ("[1e]", "invalid JSON at byte 3: expected a digit in the exponent"),
      ("[-]", "invalid JSON at byte 2: expected a digit after '-'"),
      ("[+1]", "invalid JSON at byte 1: expected a value, found '+'"),
      ("", "invalid JSON at byte 0: expected a value, found end of input"),
      ("  ", "invalid JSON at byte 2: expected a value, found end of input"),
      ("[1 2]", "invalid JSON at byte 3: expected ',' or ']', found '2'"),
      (#"{"a":1 "b":2}"#, "invalid JSON at byte 7: expected ',' or '}', found '\"'"),
      ("{1:2}", "invalid JSON at byte 1: expected a string key, found '1'"),
      ("[1,", "invalid JSON at byte 3: expected a value, found end of input"),
      ("\"a\tb\"", "invalid JSON at byte 2: control character 0x9 in string"),
      ("1e999", "invalid JSON at byte 0: number out of range"),
    ]
    for (text, message) in cases {
      let error = state.decodeError(text)
      #expect(error?.message == message, "\(text)")
    }
    #expect(state.decodeError("[1,2,]")?.offset == 5)
  }

  @Test func decodedContainersCarryTheSharedMetatables() throws {
    let state = try JSONTestState()
    try state.decode(#"[[],{}]"#)
    lua_rawgeti(state.L, 1, 1)
    #expect(lua_getmetatable(state.L, -1) == 1)
    LuaJSON.pushArrayMetatable(state.L)
    #expect(lua_rawequal(state.L, -1, -2) == 1)
    lua_settop(state.L, 1)
    lua_rawgeti(state.L, 1, 2)
    #expect(lua_getmetatable(state.L, -1) == 1)
    LuaJSON.pushObjectMetatable(state.L)
    #expect(lua_rawequal(state.L, -1, -2) == 1)
  }
}
