import JSONScan
import Testing

@Suite("JSONScanner numbers")
struct JSONNumberScanTests {
  @Test("integers that fit Int64 stay integers; everything else is the nearest double")
  func values() throws {
    let cases: [(String, JSONNumber)] = [
      ("0", .integer(0)),
      ("-0", .double(-0.0)),
      ("42", .integer(42)),
      ("-17", .integer(-17)),
      ("9223372036854775807", .integer(Int64.max)),
      ("-9223372036854775808", .integer(Int64.min)),
      ("9223372036854775808", .double(9_223_372_036_854_775_808)),
      ("12345678901234567890123", .double(Double("12345678901234567890123")!)),
      ("45.3", .double(45.3)),
      ("-0.125", .double(-0.125)),
      ("1e3", .double(1000)),
      ("1E+2", .double(100)),
      ("2.5e-3", .double(0.0025)),
      ("0.1000000000000000055511151231257827", .double(0.1)),
      ("1.7976931348623157e308", .double(1.7976931348623157e308)),
      ("5e-324", .double(.leastNonzeroMagnitude)),
      ("1e-400", .double(0)),
      ("1e-99999999999999999999", .double(0)),
    ]
    for (text, value) in cases {
      let (number, end) = try readNumber(text).get()
      #expect(number == value, "\(text)")
      #expect(end == text.utf8.count, "\(text)")
    }
  }

  @Test("huge exponents and magnitudes are out of range, reported at the number's start")
  func outOfRange() {
    for text in ["1e309", "1e99999999999999999999", "-1e400", "1" + String(repeating: "0", count: 400)] {
      #expect(readNumber(text).failure == JSONScanError(reason: "number out of range", offset: 0), "\(text)")
      // Skipping checks the grammar only.
      #expect((try? skip(text).get())?.1 == text.utf8.count, "\(text)")
    }
  }

  @Test("the grammar: a digit after '-' and '.', no leading zero, digits in the exponent")
  func grammar() {
    let cases: [(String, JSONScanError)] = [
      ("-", JSONScanError(reason: "expected a digit after '-'", offset: 1)),
      ("-x", JSONScanError(reason: "expected a digit after '-'", offset: 1)),
      ("01", JSONScanError(reason: "leading zero in number", offset: 0)),
      ("-00", JSONScanError(reason: "leading zero in number", offset: 0)),
      ("1.", JSONScanError(reason: "expected a digit after '.'", offset: 2)),
      ("1.e3", JSONScanError(reason: "expected a digit after '.'", offset: 2)),
      ("1e", JSONScanError(reason: "expected a digit in the exponent", offset: 2)),
      ("1e+", JSONScanError(reason: "expected a digit in the exponent", offset: 3)),
      ("", JSONScanError(reason: "expected a number, found end of input", offset: 0)),
    ]
    for (text, expected) in cases {
      #expect(readNumber(text).failure == expected, "\(text)")
    }
  }

  @Test("a number ends at the first byte outside its grammar")
  func stopsAfterTheNumber() throws {
    #expect(try readNumber("12,3").get().1 == 2)
    #expect(try readNumber("-1.5e3]").get().1 == 6)
    #expect(try readNumber("7 ").get().1 == 1)
  }
}
