import XCTest

final class PlaceholderThousandEyesTests: XCTestCase {
  func testPlaceholder() {}
}
