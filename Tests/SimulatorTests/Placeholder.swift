import XCTest

final class PlaceholderSimulatorTests: XCTestCase {
  func testPlaceholder() {}
}
