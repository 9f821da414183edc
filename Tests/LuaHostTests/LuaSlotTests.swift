import Foundation
import LuaHost
import Testing

/// The in-place reading API the layers above LuaHost use instead of `lua_*`: raw reads that
/// run no metamethod, host tables, and the host-function argument checks.
@Suite("Reading values in place")
struct LuaSlotTests {
  private func state(_ setup: String) throws -> LuaState {
    let state = try LuaState()
    state.openLibraries()
    _ = try state.run(source: setup, chunkName: "=setup")
    return state
  }

  @Test func scalarsReadAsTheyAre() throws {
    let state = try state("")
    let values: [LuaValue] = [.integer(3), .number(3.0), .text("héllo"), .boolean(false), .nil]
    let read = try values.map { value in
      try state.withValue(value) { ($0.type, $0.integer, $0.number, $0.text, $0.isTruthy) }
    }
    #expect(read[0].0 == .number && read[0].1 == 3 && read[0].2 == 3)
    #expect(read[1].0 == .number && read[1].1 == nil && read[1].2 == 3)
    #expect(read[2].0 == .string && read[2].3 == "héllo" && read[2].1 == nil)
    #expect(read[3].0 == .boolean && read[3].4 == false)
    #expect(read[4].0 == .nil && read[4].4 == false && read[4].3 == nil)
  }

  @Test func fieldsAreReadRawAndNoMetamethodRuns() throws {
    let state = try state(
      """
      ran = false
      t = setmetatable({ here = 1, [2] = "two", [true] = "yes" },
        { __index = function() ran = true return "from __index" end })
      """)
    let read = state.withGlobals { globals in
      globals.withField(.name("t")) { t in
        (
          t.withField(.name("here")) { $0.integer },
          t.withField(.name("missing")) { $0.type },
          t.withElement(2) { $0.text },
          t.withField(.boolean(true)) { $0.text },
          t.withIndexTable { _ in true }
        )
      }
    }
    #expect(read.0 == 1)
    #expect(read.1 == .nil)
    #expect(read.2 == "two")
    #expect(read.3 == "yes")
    #expect(read.4 == nil, "an __index function is not followed")
    #expect(try state.global("ran") == .boolean(false))
  }

  @Test func pairsAndIndexTablesAreWalked() throws {
    let state = try state(
      "base = { inherited = 1 } obj = setmetatable({ own = 2, [1] = 'x' }, { __index = base })")
    let (keys, inherited) = state.withGlobals { globals in
      globals.withField(.name("obj")) { obj in
        var keys: [String] = []
        obj.forEachPair { key, value in
          keys.append("\(key.text ?? String(key.integer ?? -1))=\(value.typeName)")
        }
        let inherited = obj.withIndexTable { base in base.withField(.name("inherited")) { $0.integer } }
        return (keys.sorted(), inherited)
      }
    }
    #expect(keys == ["1=string", "own=number"])
    #expect(inherited == 1)
  }

  @Test func aMissingValueReadsAsNone() throws {
    let state = try state("s = 'text'")
    let read = state.withGlobals { globals in
      globals.withField(.name("s")) { s in
        s.withField(.name("len")) { ($0.type, $0.typeName, $0.identity == nil) }
      }
    }
    #expect(read.0 == .none)
    #expect(read.1 == "no value")
    #expect(read.2)
  }

  @Test func identityTellsTablesApart() throws {
    let state = try state("a = {} b = a c = {}")
    let (a, b, c) = state.withGlobals { globals in
      (
        globals.withField(.name("a")) { $0.identity }, globals.withField(.name("b")) { $0.identity },
        globals.withField(.name("c")) { $0.identity }
      )
    }
    #expect(a != nil && a == b && a != c)
  }

  @Test func protectedCallHandsOverResultsOrTheError() throws {
    let state = try state("")
    let returned = try state.withProtectedCall(try state.load(source: "return 1, 'two'", chunkName: "=r")) {
      result, stop in
      guard case .returned(let values) = result else { return [String]() }
      #expect(stop == nil)
      return values.map { $0.typeName }
    }
    #expect(returned == ["number", "string"])
    let raised = try state.withProtectedCall(try state.load(source: "error('boom')", chunkName: "=e")) {
      result, _ in
      guard case .raised(let error) = result else { return "" }
      return error.text ?? ""
    }
    #expect(raised.hasPrefix("e:1: boom"))
    #expect(raised.contains("stack traceback:"))
    #expect(!state.isKilled)
  }

  @Test func hostTablesGetIntermediateTables() throws {
    let state = try state("")
    let module = state.newTable()
    try state.setField(path: "a.b.c", in: module, to: .integer(7))
    try state.setField(path: "a.d", in: module, to: .text("x"))
    try state.setField(path: "csv.format_row", in: module, to: state.csvFormatRowFunction())
    try state.setGlobal("m", module)
    let results = try state.run(
      source: "return m.a.b.c, m.a.d, m.csv.format_row({'a', 'b,c'})", chunkName: "=check")
    #expect(results == [.integer(7), .text("x"), .text("a,\"b,c\"")])
    #expect(throws: LuaError.self) { try state.setField(path: "x", in: .integer(1), to: .nil) }
    #expect(try state.setField("extra", of: "m", to: .boolean(true)))
    #expect(try !state.setField("extra", of: "nothing", to: .boolean(true)))
    #expect(try state.run(source: "return m.extra", chunkName: "=check") == [.boolean(true)])
  }

  @Test func hostFunctionsCheckTheirArguments() throws {
    let state = try state("")
    state.register("probe") { call in
      let description = (Int32(1)...4).map { index in
        "\(call.argumentType(index)):\(call.isNilOrMissing(index)):\(call.isTruthy(index))"
      }.joined(separator: " ")
      try call.push(.text(description))
      call.pushArgument(1)
      try call.push(.text(call.innermostLocation { $0 == "probe.lua" } ?? "none"))
      return 3
    }
    let results = try state.run(source: "local t = {}\nreturn probe(t, nil, false)", chunkName: "probe.lua")
    #expect(results.count == 3)
    #expect(
      results.first?.stringValue == "table:false:true nil:true:false boolean:false:false none:true:false")
    #expect(results[1].tableValue != nil)
    #expect(results[2].stringValue == "probe.lua:2")
  }
}
