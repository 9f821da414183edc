import XCTest

final class PlaceholderRunbookTests: XCTestCase {
  func testPlaceholder() {}
}
