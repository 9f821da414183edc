import Testing

@testable import Runbook

@Suite("Header extraction")
struct HeaderExtractorTests {
  private func extract(_ source: String) throws(HeaderSyntaxError) -> HeaderExtractor.Extracted? {
    try HeaderExtractor.extract(from: Array(source.utf8))
  }

  @Test func readsAPlainHeader() throws {
    let found = try #require(try extract(#"runbook { name = "x", description = 'd' }"#))
    #expect(found.table["name"] == .string("x"))
    #expect(found.table["description"] == .string("d"))
    #expect(found.line == 1)
  }

  @Test func skipsCommentsShebangAndLongComments() throws {
    let source = """
      #!/usr/bin/env terun
      -- a line comment with runbook { name = "no" }
      --[==[ a long comment
        with ]] inside and runbook { } ]==]
      runbook({ name = "yes" })
      print("after")
      """
    let found = try #require(try extract(source))
    #expect(found.table["name"] == .string("yes"))
    #expect(found.line == 5)
    let text = String(decoding: Array(source.utf8)[found.range], as: UTF8.self)
    #expect(text == #"runbook({ name = "yes" })"#)
  }

  @Test func readsLongStringsEscapesAndNestedBraces() throws {
    let source = #"""
      runbook {
        description = [[
      braces } { inside ]] ,
        quoted = "a \"}\" \x41\65\u{263A}\z
                  b",
        params = { deep = { values = { "x", 'y', [==[z]]]==] } }, n = -3, f = 0x10, e = 1.5e2 },
      }
      error("never read")
      """#
    let found = try #require(try extract(source))
    #expect(found.table["description"] == .string("braces } { inside "))
    #expect(found.table["quoted"] == .string("a \"}\" AA\u{263A}b"))
    guard case .table(let params)? = found.table["params"],
      case .table(let deep)? = params["deep"], case .table(let values)? = deep["values"]
    else {
      Issue.record("params not read as nested tables")
      return
    }
    #expect(values.items == [.string("x"), .string("y"), .string("z]]")])
    #expect(params["n"] == .integer(-3))
    #expect(params["f"] == .integer(16))
    #expect(params["e"] == .number(150))
  }

  @Test func absentHeaderIsNil() throws {
    #expect(try extract("print('hi')") == nil)
    #expect(try extract("") == nil)
    #expect(try extract("-- only a comment") == nil)
    #expect(try extract("local runbook = 1") == nil)
    #expect(try extract("runbook = { }") == nil)
  }

  @Test func refusesExpressionsAndCalls() {
    #expect(throws: HeaderSyntaxError.self) { try extract("runbook { name = os.getenv('X') }") }
    #expect(throws: HeaderSyntaxError.self) { try extract("runbook { name = 'a' .. 'b' }") }
    do {
      _ = try extract("runbook {\n  name = string.rep('x', 1e9),\n}")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == 2)
      #expect(error.message.contains("only literal values"))
    }
  }

  @Test func reportsUnfinishedTablesAndStrings() {
    do {
      _ = try extract("runbook {\n name = 'x'\n")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("'}' expected"))
      #expect(error.line == 1)
    }
    do {
      _ = try extract("runbook { name = [[x }")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("unfinished long string"))
    }
    do {
      _ = try extract("runbook { name = \"x }\n")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("unfinished string"))
    }
  }

  @Test func refusesDuplicateFields() {
    do {
      _ = try extract("runbook { name = 'a', name = 'b' }")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("field 'name' is given twice"))
    }
  }
}
