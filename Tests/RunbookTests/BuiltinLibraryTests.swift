import Foundation
import Testing

@testable import Runbook

@Suite("Built-in Lua sources")
struct BuiltinLibraryTests {
  /// The package root, found from this file's path.
  private var root: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// The shipped runbooks are the `.lua` files at the top of runbooks/; their tests
  /// (`*_test.lua`) and the fixtures under runbooks/tests/ are not built-in runbooks.
  @Test func embedsEveryShippedRunbookVerbatim() throws {
    let folder = root.appendingPathComponent("runbooks")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
      $0.hasSuffix(".lua") && !$0.hasSuffix("_test.lua")
    }
    #expect(files.contains("hello.lua"))
    #expect(files.contains("export_latency.lua"))
    #expect(Set(BuiltinLibrary.runbooks.keys) == Set(files.map { String($0.dropLast(4)) }))
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      #expect(BuiltinLibrary.runbooks[String(file.dropLast(4))] == text)
    }
  }

  @Test func embedsEveryStdlibModule() throws {
    let folder = root.appendingPathComponent("stdlib")
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    var names: Set<String> = []
    while let relative = enumerator?.nextObject() as? String {
      if relative.hasSuffix(".lua") {
        names.insert(String(relative.dropLast(4)).replacingOccurrences(of: "/", with: "."))
      }
    }
    #expect(Set(BuiltinLibrary.modules.keys) == names)
  }
}

@Suite("Shipped runbook headers")
struct ShippedRunbookHeaderTests {
  @Test(arguments: BuiltinLibrary.runbooks.keys.sorted())
  func headerParses(name: String) throws {
    let source = try #require(BuiltinLibrary.runbooks[name])
    let header = try RunbookHeader.parse(source: Array(source.utf8), file: "\(name).lua")
    #expect(header.name == name)
    #expect(header.description?.isEmpty == false)
    #expect(header.line != nil)
  }
}
