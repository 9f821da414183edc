import Foundation
import Testing

@testable import ThousandEyes

@Suite struct PageScannerTests {
  private func scan(_ text: String, key: String? = nil) throws -> PageScanner.Result {
    try PageScanner.scan(Array(text.utf8), collectionKey: key)
  }

  @Test func findsNextHrefAfterSkippingNestedValues() throws {
    let body = """
      {"tests":[{"name":"a}\\"]","_links":{"next":{"href":"wrong"}}},{"x":[1,2,{"y":null}]}],
       "meta":{"n":-1.5e3,"t":true},
       "_links":{"self":{"href":"https://h/v7/tests"},"next":{"href":"https:\\/\\/h\\/v7\\/tests?cursor=a%2Bb\\u00e9"}}}
      """
    let result = try scan(body, key: "tests")
    #expect(result.nextHref == "https://h/v7/tests?cursor=a%2Bbé")
    #expect(result.itemCount == 2)
  }

  @Test func lastPageHasNoNext() throws {
    let result = try scan(#"{"_links":{"self":{"href":"/v7/agents"}},"agents":[]}"#, key: "agents")
    #expect(result.nextHref == nil)
    #expect(result.itemCount == 0)
    #expect(try scan("{}").nextHref == nil)
  }

  @Test func malformedBodiesFailWithOffset() throws {
    let error = try #require(throws: (any Error).self) { try scan("[1,2]") }
    #expect("\(error)" == "malformed JSON page body at byte 0")
    #expect(throws: (any Error).self) { try scan(#"{"a":[1,2"#) }
    #expect(throws: (any Error).self) { try scan(#"{"a" 1}"#) }
    #expect(throws: (any Error).self) { try scan(#"{"a":"unterminated}"#) }
    #expect(throws: (any Error).self) { try scan("") }
  }

  /// Item counts and the next link over generated pages: strings of every length with escaped
  /// quotes and backslashes at every position (the scanner skips eight bytes at a time), commas
  /// and brackets inside strings and nested values, whitespace around everything.
  @Test func countsItemsOfGeneratedPagesLikeAFullParser() throws {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "\\\"", "\\\\", ",", "]", "}", "[", "{", "é", " "]
    for _ in 0..<300 {
      let count = Int.random(in: 0...12, using: &generator)
      let items = (0..<count).map { _ -> String in
        let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
          pieces.randomElement(using: &generator)!
        }
        .joined()
        return #"{ "s" : "\#(text)", "n": [1, {"k": [ ]}, -2.5e3], "o": {} }"#
      }
      let body =
        #"{"results" : [ "# + items.joined(separator: " ,\n ")
        + #" ], "_links": {"next": {"href": "/v7/x?c=1"}}}"#
      let parsed = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
      #expect((parsed?["results"] as? [Any])?.count == count, "\(body)")
      let result = try scan(body, key: "results")
      #expect(result.itemCount == count, "\(body)")
      #expect(result.nextHref == "/v7/x?c=1", "\(body)")
    }
  }

  /// Without counting, the next link is found wherever `_links` is, however it is spelled,
  /// with escapes and brackets inside its strings: the same answer as the full scan.
  @Test func withoutCountingTheNextLinkIsTheSameWhereverLinksIs() throws {
    let hrefs = [
      #"/v7/x?cursor=a"#, #"/v7/x?c=\"}]{["#, #"/v7/x?c=\\"#, #"/v7/x?c=\\\"\\"#, #"\u002Fv7\/x"#,
    ]
    let items = #"[{"s":"}\"]\\","n":[1,{"k":"]"}]},{}]"#
    for href in hrefs {
      let links = #"{"self":{"href":"/v7/x"},"next":{"note":"}{\"","href":"\#(href)"}}"#
      let bodies = [
        #"{"results":\#(items),"_links":\#(links)}"#,
        #" { "_links" : \#(links) , "results" : \#(items) } "#,
        #"{"a":1,"_links":\#(links),"results":\#(items),"z":{"_links":{"next":{"href":"wrong"}}}}"#,
        #"{"results":\#(items),"_l\u0069nks":\#(links)}"#,
        "{\n\"results\": \(items),\n\"_links\": \(links)\n}\n",
      ]
      for body in bodies {
        let full = try scan(body, key: "results")
        #expect(full.itemCount == 2, "\(body)")
        let fast = try PageScanner.scan(Array(body.utf8), collectionKey: "results", countingItems: false)
        #expect(fast.nextHref != nil, "\(body)")
        #expect(fast.nextHref == full.nextHref, "\(body)")
        #expect(fast.itemCount == nil)
      }
    }
    let last = try PageScanner.scan(
      Array(#"{"results":[],"_links":{"self":{"href":"/v7/x"}}}"#.utf8), collectionKey: "results",
      countingItems: false)
    #expect(last.nextHref == nil)
    let trailing = try PageScanner.scan(
      Array(#"{"_links":{"next":{"href":"/v7/n"}},"results":[1]}"#.utf8), collectionKey: "results",
      countingItems: false)
    #expect(trailing.nextHref == "/v7/n")
    #expect(
      try PageScanner.scan(Array("{}".utf8), collectionKey: "results", countingItems: false).nextHref == nil)
  }
}
