import Testing

@testable import LuaHost

/// terun's own Lua is recognised by its chunk name (`te/...`, `terun/...`), and no other chunk
/// can take such a name.
@Suite("internal chunk names")
struct InternalChunkTests {
  @Test func internalNamesAreTheTwoFolders() {
    #expect(InternalChunk.isInternal("te/paging.lua:12:"))
    #expect(InternalChunk.isInternal("terun/sandbox.lua:3: in function 'require'"))
    #expect(!InternalChunk.isInternal("./te/x.lua:3:"))
    #expect(!InternalChunk.isInternal("tests/te/x.lua:3:"))
    #expect(!InternalChunk.isInternal("stdlib/tables.lua:3:"))
    #expect(!InternalChunk.isInternal("[C]: in ?"))
  }

  @Test(arguments: [
    ("te/x.lua", "@./te/x.lua"), ("@te/x.lua", "@./te/x.lua"), ("=terun/y", "=./terun/y"),
    ("hello.lua", "@hello.lua"), ("=stdin", "=stdin"), ("./te/x.lua", "@./te/x.lua"),
  ])
  func aUserChunkNeverReadsAsInternal(given: String, loaded: String) throws {
    let state = try LuaState.sandboxed()
    let chunk = try state.load(source: "error('boom')", chunkName: given)
    let shown = String(loaded.dropFirst())
    #expect(throws: LuaError.self) { try state.call(chunk) }
    do {
      _ = try state.call(chunk)
    } catch let error as LuaError {
      #expect(error.message == "\(shown):1: boom")
    }
  }

  @Test func loadInTheSandboxGivesNoChunkAnInternalName() throws {
    let state = try LuaState.sandboxed()
    for (name, shown) in [
      ("@te/http.lua", "./te/http.lua"), ("=terun/x", "./terun/x"), ("@a/te/x", "a/te/x"),
    ] {
      do {
        _ = try state.run(source: "load(\"error('boom')\", \"\(name)\")()", chunkName: "user.lua")
        Issue.record("no error for \(name)")
      } catch let error as LuaError {
        #expect(error.message == "\(shown):1: boom", "\(name)")
      }
    }
  }

  @Test func anErrorTableIsLocatedOutsideInternalChunks() throws {
    let state = try LuaState.sandboxed()
    let library = ["te/raise.lua": "return function() error({ kind = 'x' }) end"]
    let raise = try state.call(try state.loadInternal("te/raise.lua", from: library))[0]
    try state.setGlobal("raise", raise)
    do {
      _ = try state.run(source: "local y = 1\nraise()\n", chunkName: "user.lua")
      Issue.record("no error")
    } catch let error as LuaError {
      #expect(error.location == "user.lua:2")
    }
    #expect(throws: LuaError.self) { try state.loadInternal("te/missing.lua", from: library) }
  }
}
