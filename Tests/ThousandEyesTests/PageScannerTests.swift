import XCTest

@testable import ThousandEyes

final class PageScannerTests: XCTestCase {
  private func scan(_ text: String, key: String? = nil) throws -> PageScanner.Result {
    try PageScanner.scan(Array(text.utf8), collectionKey: key)
  }

  func testFindsNextHrefAfterSkippingNestedValues() throws {
    let body = """
      {"tests":[{"name":"a}\\"]","_links":{"next":{"href":"wrong"}}},{"x":[1,2,{"y":null}]}],
       "meta":{"n":-1.5e3,"t":true},
       "_links":{"self":{"href":"https://h/v7/tests"},"next":{"href":"https:\\/\\/h\\/v7\\/tests?cursor=a%2Bb\\u00e9"}}}
      """
    let result = try scan(body, key: "tests")
    XCTAssertEqual(result.nextHref, "https://h/v7/tests?cursor=a%2Bbé")
    XCTAssertEqual(result.itemCount, 2)
  }

  func testLastPageHasNoNext() throws {
    let result = try scan(#"{"_links":{"self":{"href":"/v7/agents"}},"agents":[]}"#, key: "agents")
    XCTAssertNil(result.nextHref)
    XCTAssertEqual(result.itemCount, 0)
    XCTAssertNil(try scan("{}").nextHref)
  }

  func testMalformedBodiesFailWithOffset() {
    XCTAssertThrowsError(try scan("[1,2]")) { error in
      XCTAssertEqual("\(error)", "malformed JSON page body at byte 0")
    }
    XCTAssertThrowsError(try scan(#"{"a":[1,2"#))
    XCTAssertThrowsError(try scan(#"{"a" 1}"#))
    XCTAssertThrowsError(try scan(#"{"a":"unterminated}"#))
    XCTAssertThrowsError(try scan(""))
  }
}
