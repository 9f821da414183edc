import JSONScan

/// Runs `body` with a scanner over the UTF-8 of `text` (or over `bytes`), positioned at the start.
func scanning<T>(
  _ bytes: [UInt8], maxDepth: Int = JSONScanner.defaultMaxDepth,
  _ body: (inout JSONScanner) throws(JSONScanError) -> T
) -> Result<T, JSONScanError> {
  // A trap past `end`: a quote that a scanner reading too far would take as a string's end,
  // turning an expected "unterminated string" into a success.
  let padded = bytes + [0x22]
  return padded.withUnsafeBufferPointer { buffer in
    var scanner = JSONScanner(
      start: buffer.baseAddress!, end: buffer.baseAddress! + bytes.count, maxDepth: maxDepth)
    do throws(JSONScanError) {
      return .success(try body(&scanner))
    } catch {
      return .failure(error)
    }
  }
}

func scanning<T>(
  _ text: String, maxDepth: Int = JSONScanner.defaultMaxDepth,
  _ body: (inout JSONScanner) throws(JSONScanError) -> T
) -> Result<T, JSONScanError> {
  scanning(Array(text.utf8), maxDepth: maxDepth, body)
}

/// The text of the string at the start of `text` (escapes decoded) and the offset after it.
func readString(_ bytes: [UInt8], validatesUTF8: Bool = true) -> Result<([UInt8], Int), JSONScanError> {
  scanning(bytes) { scanner throws(JSONScanError) in
    let string = try scanner.scanString(validatesUTF8: validatesUTF8)
    let text = [UInt8](unsafeUninitializedCapacity: max(string.count, 1)) { buffer, count in
      count = JSONScanner.unescape(string, into: buffer.baseAddress!)
    }
    return (text, scanner.start.distance(to: scanner.position))
  }
}

func readString(_ text: String, validatesUTF8: Bool = true) -> Result<([UInt8], Int), JSONScanError> {
  readString(Array(text.utf8), validatesUTF8: validatesUTF8)
}

/// The value of the number at the start of `text` and the offset after it.
func readNumber(_ text: String) -> Result<(JSONNumber, Int), JSONScanError> {
  scanning(text) { scanner throws(JSONScanError) in
    let number = try scanner.readNumber()
    return (number, scanner.start.distance(to: scanner.position))
  }
}

/// Skips the value at the start of `text` (at depth 0); the element count for a container and
/// the offset after it.
func skip(_ text: String, maxDepth: Int = JSONScanner.defaultMaxDepth) -> Result<(Int, Int), JSONScanError> {
  scanning(text, maxDepth: maxDepth) { scanner throws(JSONScanError) in
    var count = 0
    if scanner.at(JSONByte.openBrace) || scanner.at(JSONByte.openBracket) {
      count = try scanner.skipContainer(depth: 1)
    } else {
      try scanner.skipValue(depth: 0)
    }
    return (count, scanner.start.distance(to: scanner.position))
  }
}

extension Result {
  /// The error, or nil on success.
  var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
