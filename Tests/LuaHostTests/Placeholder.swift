import XCTest

final class PlaceholderLuaHostTests: XCTestCase {
  func testPlaceholder() {}
}
