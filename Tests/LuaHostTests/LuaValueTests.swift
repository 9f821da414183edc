import Foundation
import Testing

@testable import LuaHost

@Suite struct LuaValueTests {
  private func roundTrip(_ value: LuaValue, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let state = try LuaState()
    state.openLibraries()
    try state.push(value)
    #expect(try state.value(at: -1) == value, sourceLocation: sourceLocation)
  }

  @Test func scalarsRoundTrip() throws {
    for value: LuaValue in [
      .nil, true, false, 0, .integer(Int64.min), .integer(Int64.max), .integer(1 << 53),
      .integer((1 << 53) + 1),
      .number(0.1), .number(-2.5e300), .number(3.0), .number(Double.infinity), .text("héllo"),
      .string([0x61, 0x00, 0x62, 0x00]), .string([]),
    ] {
      try roundTrip(value)
    }
  }

  @Test func integersStayIntegersAndFloatsStayFloats() throws {
    let state = try LuaState()
    state.openLibraries()
    let results = try state.run(
      source: "return 3, 3.0, 2^53, 9007199254740993, 1 // 1, 7 / 7", chunkName: "t.lua")
    #expect(
      results == [
        .integer(3), .number(3.0), .number(9007199254740992), .integer(9007199254740993),
        .integer(1), .number(1.0),
      ])
  }

  @Test func nestedAndEmptyTablesRoundTrip() throws {
    let nested: LuaValue = [
      "name": "a\0b",
      "ids": [1, 2, 3],
      "empty": .table(LuaTable()),
      "deep": ["list": [["x": 1.5], [], "s"]],
    ]
    try roundTrip(nested)
    try roundTrip(
      .table(LuaTable(array: [1, 2], fields: ["k": true], other: [.number(1.5): "f", false: 0])))
  }

  @Test func arrayWithHolesKeepsThePrefixAndTheRest() throws {
    let state = try LuaState()
    state.openLibraries()
    let value = try state.run(source: "return {1, 2, nil, 4, x = 'y'}", chunkName: "t.lua")[0]
    let table = try #require(value.tableValue)
    #expect(table.array == [1, 2])
    #expect(table.other[.integer(4)] == 4)
    #expect(table.fields["x"] == "y")
  }

  @Test func valuesPassedIntoLuaKeepTheirTypes() throws {
    let state = try LuaState()
    state.openLibraries()
    let f = try state.load(
      source: "local i, f, s = ...; return i, f, #s, i == math_max, f == 1", chunkName: "t.lua")
    try state.setGlobal("math_max", .integer(Int64.max))
    let results = try state.call(f, [.integer(Int64.max), .number(1), .string([1, 0, 3])])
    #expect(results == [.integer(Int64.max), .number(1), 3, true, true])
  }

  @Test func cyclicTableIsRefusedWithAMessage() throws {
    let state = try LuaState()
    state.openLibraries()
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "local t = {}; t.self = t; return t", chunkName: "t.lua")
    }
    #expect((error as? LuaError)?.message == "cannot copy a table that contains itself")
  }

  @Test func functionsComeBackAsReferencesThatCanBeCalled() throws {
    let state = try LuaState()
    state.openLibraries()
    let f = try state.run(source: "return function(a, b) return a + b end", chunkName: "t.lua")[0]
    #expect(f.typeName == "function")
    #expect(try state.call(f, [2, 40]) == [42])
  }

  @Test func referenceFromAnotherStateIsRefused() throws {
    let a = try LuaState()
    let b = try LuaState()
    let f = try a.run(source: "return function() end", chunkName: "t.lua")[0]
    let error = try #require(throws: (any Error).self) { try b.push(f) }
    #expect((error as? LuaError)?.message == "a function from another Lua state")
  }
}
