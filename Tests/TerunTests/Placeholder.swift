import XCTest

final class PlaceholderTerunTests: XCTestCase {
  func testPlaceholder() {}
}
