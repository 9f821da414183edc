import Foundation
import Testing

@testable import LuaHost

@Suite struct LuaFunctionTests {
  @Test func registeredFunctionReceivesArgumentsAndReturnsResults() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("add", in: "host") { context in
      try context.push(.integer(try context.integer(1) + context.integer(2)))
      try context.push(.text(try context.string(3).uppercased()))
      return 2
    }
    #expect(try state.run(source: "return host.add(40, 2, 'ok')", chunkName: "t.lua") == [42, "OK"])
  }

  @Test func swiftThrowBecomesALuaErrorCatchableByPcall() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("fail") { _ in throw LuaScriptError("disk on fire") }
    let results = try state.run(
      source: "local ok, err = pcall(fail)\nreturn ok, err", chunkName: "catch.lua")
    #expect(results[0] == false)
    #expect(results[1].stringValue == "disk on fire")
    // From Lua code (not through pcall directly) the message carries the caller's file:line.
    let wrapped = try state.run(
      source: "local ok, err = pcall(function()\n  fail()\nend)\nreturn err", chunkName: "catch.lua")
    #expect(wrapped[0].stringValue == "catch.lua:2: disk on fire")
  }

  @Test func uncaughtErrorCarriesFileLineAndTraceback() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("fail") { _ in throw LuaScriptError("no such test") }
    let source = "local function inner()\n  fail()\nend\n\nlocal function outer()\n  inner()\nend\nouter()\n"
    let error = try #require(throws: LuaError.self) {
      try state.run(source: source, chunkName: "hello.lua")
    }
    #expect(error.kind == .runtime)
    #expect(error.message == "hello.lua:2: no such test")
    #expect(error.location == "hello.lua:2")
    #expect(error.traceback.hasPrefix("stack traceback:"), "\(error.traceback)")
    #expect(error.traceback.contains("hello.lua:6: in"), "\(error.traceback)")
  }

  @Test func luaRuntimeErrorHasLocation() throws {
    let state = try LuaState()
    state.openLibraries()
    let error = try #require(throws: LuaError.self) {
      try state.run(source: "local x = nil\n\nreturn x.y", chunkName: "r.lua")
    }
    #expect(error.kind == .runtime)
    #expect(error.location == "r.lua:3")
    #expect(error.message.contains("attempt to index a nil value (local 'x')"), "\(error.message)")
  }

  @Test func syntaxErrorIsItsOwnKind() throws {
    let state = try LuaState()
    state.openLibraries()
    let error = try #require(throws: LuaError.self) {
      try state.load(source: "return +", chunkName: "bad.lua")
    }
    #expect(error.kind == .syntax)
    #expect(error.location == "bad.lua:1")
    #expect(error.message.contains("unexpected symbol"), "\(error.message)")
  }

  @Test func argumentErrorsNameTheFunctionAndType() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("read", in: "fs") { context in
      _ = try context.string(1)
      return 0
    }
    do {
      let error = try #require(throws: (any Error).self) {
        try state.run(source: "fs.read(nil)", chunkName: "a.lua")
      }
      #expect(
        (error as! LuaError).message == "a.lua:1: bad argument #1 to 'fs.read' (string expected, got nil)")
    }
    do {
      let error = try #require(throws: (any Error).self) {
        try state.run(source: "fs.read()", chunkName: "a.lua")
      }
      #expect(
        (error as! LuaError).message
          == "a.lua:1: bad argument #1 to 'fs.read' (string expected, got no value)")
    }
  }

  @Test func structuredErrorIsATableWithFieldsAndTostring() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("get") { _ in
      throw LuaErrorValue(
        message: "GET /tests/1: 404 Not Found",
        fields: ["status": 404, "title": "Not Found", "detail": "no test"])
    }
    let results = try state.run(
      source: "local ok, e = pcall(get)\nreturn e.status, e.title, e.detail, tostring(e), getmetatable(e)",
      chunkName: "s.lua")
    #expect(results == [404, "Not Found", "no test", "GET /tests/1: 404 Not Found", "terun.error"])
    let error = try #require(throws: LuaError.self) {
      try state.run(source: "local x = 1\nget()", chunkName: "s.lua")
    }
    #expect(error.kind == .runtime)
    #expect(error.message == "GET /tests/1: 404 Not Found")
    #expect(error.value?["status"] == 404)
    #expect(error.location == "s.lua:2")
    #expect(error.traceback.contains("s.lua:2"), "\(error.traceback)")
  }

  @Test func hostFunctionCanCallBackIntoLua() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("map") { context in
      let f = try context.argument(2)
      guard let list = try context.argument(1).tableValue else {
        throw context.argumentError(1, expected: "table")
      }
      var out: [LuaValue] = []
      for element in list.array { out.append(try context.call(f, [element])[0]) }
      try context.push(.table(LuaTable(array: out)))
      return 1
    }
    let result = try state.run(
      source: "return map({1, 2, 3}, function(x) return x * 10 end)", chunkName: "m.lua")
    #expect(result == [[10, 20, 30]])
    // An error inside the callback's Lua function propagates as a Lua error out of map.
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "return map({1}, function(x) error('inner boom') end)", chunkName: "m.lua")
    }
    #expect((error as! LuaError).message.contains("inner boom"), "\((error as! LuaError).message)")
  }

  @Test func noReferenceOrMemoryLeakOverManyCalls() throws {
    let state = try LuaState()
    state.openLibraries()
    state.register("echo") { context in
      try context.push(try context.argument(1))
      return 1
    }
    let f = try state.run(
      source: "return function(t) local g = function() return t end; return echo(t), g end",
      chunkName: "l.lua")[0]
    for _ in 0..<1000 { _ = try state.call(f, [["a": [1, 2]]]) }
    let registry = state.registrySize
    let memory = state.memoryUsed
    for i in 0..<100_000 { _ = try state.call(f, [["a": [.integer(Int64(i)), "x"]]]) }
    state.collectGarbage()
    #expect(state.registrySize <= registry + 2)
    #expect(state.memoryUsed < memory + 256 * 1024, "memory grew from \(memory) to \(state.memoryUsed)")
  }
}
