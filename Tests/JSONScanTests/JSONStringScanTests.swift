import JSONScan
import Testing

@Suite("JSONScanner strings")
struct JSONStringScanTests {
  @Test("plain, escaped and non-ASCII strings read back as their text")
  func readsStrings() throws {
    let cases: [(String, String)] = [
      (#""""#, ""),
      (#""plain text longer than eight bytes""#, "plain text longer than eight bytes"),
      (#""a\"b\\c\/d\be\ff\ng\rh\ti""#, "a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti"),
      (#""\u0041\u00e9\u20AC\uD83D\uDE00""#, "Aé€😀"),
      (#""Zürich, São Paulo""#, "Zürich, São Paulo"),
    ]
    for (json, text) in cases {
      let (bytes, end) = try readString(json).get()
      #expect(bytes == Array(text.utf8), "\(json)")
      #expect(end == json.utf8.count, "\(json)")
    }
  }

  @Test("the scanner stops at the closing quote, not at the end of the input")
  func stopsAtTheClosingQuote() throws {
    let (bytes, end) = try readString(#""ab\"c" , "next""#).get()
    #expect(bytes == Array("ab\"c".utf8))
    #expect(end == 7)
  }

  @Test("a quote, backslash or control byte at every position of an eight-byte word is seen")
  func specialBytesAtEveryPosition() throws {
    for length in 0..<20 {
      for position in 0...length {
        var plain = Array(repeating: UInt8(ascii: "x"), count: length)
        plain.insert(contentsOf: Array(#"\""#.utf8), at: position)
        let (bytes, end) = try readString([0x22] + plain + [0x22]).get()
        var expected = Array(repeating: UInt8(ascii: "x"), count: length)
        expected.insert(0x22, at: position)
        #expect(bytes == expected)
        #expect(end == plain.count + 2)

        var control = Array(repeating: UInt8(ascii: "x"), count: length)
        control.insert(0x1F, at: position)
        let error = readString([0x22] + control + [0x22]).failure
        #expect(error == JSONScanError(reason: "control character 0x1f in string", offset: 1 + position))
      }
    }
  }

  @Test("a truncated string is unterminated, reported at its opening quote")
  func truncatedStrings() {
    for json in [#"""#, #""abc"#, #""abcdefghijklmnop"#, #""abc\"#, #""abc\""#, #""\u12"#, #""\uD83D"#] {
      let error = readString(json).failure
      if json.hasSuffix(#"\u12"#) {
        #expect(
          error == JSONScanError(reason: "invalid \\u escape, expected 4 hex digits", offset: 1), "\(json)")
      } else if json.hasSuffix(#"\uD83D"#) {
        #expect(error == JSONScanError(reason: "lone high surrogate \\uD83D in string", offset: 1), "\(json)")
      } else {
        #expect(error == JSONScanError(reason: "unterminated string", offset: 0), "\(json)")
      }
    }
  }

  @Test("lone and reversed surrogates are refused with their offset")
  func loneSurrogates() {
    let cases: [(String, JSONScanError)] = [
      (#""ab\uD800""#, JSONScanError(reason: "lone high surrogate \\uD800 in string", offset: 3)),
      (#""\uDBFFx""#, JSONScanError(reason: "lone high surrogate \\uDBFF in string", offset: 1)),
      (#""\uD800\u0041""#, JSONScanError(reason: "lone high surrogate \\uD800 in string", offset: 1)),
      (#""\uD800\uD800""#, JSONScanError(reason: "lone high surrogate \\uD800 in string", offset: 1)),
      (#""\uDC00""#, JSONScanError(reason: "lone low surrogate \\uDC00 in string", offset: 1)),
      (#""\uDE00\uD83D""#, JSONScanError(reason: "lone low surrogate \\uDE00 in string", offset: 1)),
    ]
    for (json, expected) in cases {
      #expect(readString(json).failure == expected, "\(json)")
      #expect(readString(json, validatesUTF8: false).failure == expected, "\(json) skipped")
    }
  }

  @Test("bad escapes and control bytes are refused")
  func badEscapesAndControlBytes() {
    #expect(
      readString(#""\x""#).failure == JSONScanError(reason: "invalid escape '\\x' in string", offset: 1))
    #expect(
      readString(#""\u00G0""#).failure
        == JSONScanError(reason: "invalid \\u escape, expected 4 hex digits", offset: 1))
    #expect(
      readString([0x22, 0x61, 0x0A, 0x22]).failure
        == JSONScanError(reason: "control character 0xa in string", offset: 2))
    #expect(
      readString([0x22, 0x00, 0x22]).failure
        == JSONScanError(reason: "control character 0x0 in string", offset: 1))
  }

  @Test("invalid UTF-8 is refused when checked and passed over when not")
  func invalidUTF8() throws {
    let cases: [[UInt8]] = [
      [0x80],  // a continuation byte alone
      [0xC3],  // a truncated sequence
      [0xC0, 0xAF],  // overlong '/'
      [0xE0, 0x80, 0xAF],  // overlong
      [0xED, 0xA0, 0x80],  // a UTF-8 encoded surrogate
      [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
      [0xFF],
      [0xE2, 0x82],  // € cut short
    ]
    for sequence in cases {
      let json = [0x22, 0x61] + sequence + [0x22]
      #expect(
        readString(json).failure == JSONScanError(reason: "invalid UTF-8 in string", offset: 2), "\(sequence)"
      )
      let (bytes, end) = try readString(json, validatesUTF8: false).get()
      #expect(bytes == [0x61] + sequence)
      #expect(end == json.count)
    }
  }

  @Test("UTF8Sequence writes every scalar range as the standard library does")
  func writesUTF8() {
    for scalar: UInt32 in [0x41, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF] {
      var out = [UInt8](repeating: 0, count: 4)
      let count = out.withUnsafeMutableBufferPointer { UTF8Sequence.write(scalar, to: $0.baseAddress!) }
      let expected = Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
      #expect(Array(out.prefix(count)) == expected)
      let length = out.withUnsafeBufferPointer { UTF8Sequence.validLength($0.baseAddress!, available: count) }
      #expect(scalar < 0x80 ? length == nil : length == count)
    }
  }
}
