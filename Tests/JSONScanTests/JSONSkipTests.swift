import JSONScan
import Testing

@Suite("JSONScanner skipping")
struct JSONSkipTests {
  @Test("containers are skipped whole, their elements counted, strings with brackets included")
  func skipsContainers() throws {
    let cases: [(String, Int)] = [
      ("[]", 0),
      ("{ }", 0),
      (#"[1, "a]", {"b": [2, {"c": null}]}, true, false, -1.5e3]"#, 6),
      (#"{"a}": "}\"]", "b": [], "c": {"d": [[]]}}"#, 3),
      ("[ [ [ ] ] ]", 1),
    ]
    for (json, count) in cases {
      let (elements, end) = try skip(json + " ,").get()
      #expect(elements == count, "\(json)")
      #expect(end == json.utf8.count, "\(json)")
    }
  }

  @Test("malformed containers fail where they go wrong")
  func malformedContainers() {
    let cases: [(String, JSONScanError)] = [
      ("[1, 2", JSONScanError(reason: "expected ',' or ']', found end of input", offset: 5)),
      ("[1 2]", JSONScanError(reason: "expected ',' or ']', found '2'", offset: 3)),
      ("[1,]", JSONScanError(reason: "trailing comma before ']'", offset: 3)),
      (#"{"a" 1}"#, JSONScanError(reason: "expected ':', found '1'", offset: 5)),
      ("{1: 2}", JSONScanError(reason: "expected a string key, found '1'", offset: 1)),
      (#"{"a": }"#, JSONScanError(reason: "expected a value, found '}'", offset: 6)),
      ("[tru]", JSONScanError(reason: "invalid literal, expected 'true'", offset: 1)),
      (#"["abc]"#, JSONScanError(reason: "unterminated string", offset: 1)),
      ("[\u{1}]", JSONScanError(reason: "expected a value, found byte 0x1", offset: 1)),
    ]
    for (json, expected) in cases {
      #expect(skip(json).failure == expected, "\(json)")
    }
  }

  @Test("nesting deeper than the limit fails at the bracket that crosses it, without recursing further")
  func deepNesting() throws {
    let limit = 16
    let fits = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    #expect(try skip(fits, maxDepth: limit).get().1 == 2 * limit)
    let deeper = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
    #expect(
      skip(deeper, maxDepth: limit).failure
        == JSONScanError(reason: "nesting deeper than 16 levels", offset: limit))
    // Far deeper than any stack could recurse: refused at the default limit.
    let hostile = String(repeating: #"{"a":["#, count: 100_000)
    let error = skip(hostile).failure
    #expect(error?.reason == "nesting deeper than 512 levels")
  }

  @Test("separators: whitespace around ':' and ',', and the closing bracket")
  func separators() throws {
    let result = scanning(" \t\n\r: 1 ,] ") { scanner throws(JSONScanError) -> [Int] in
      scanner.skipWhitespace()
      try scanner.expectColon()
      var offsets = [scanner.start.distance(to: scanner.position)]
      _ = try scanner.scanNumber()
      offsets.append(try scanner.endOfMember(closing: JSONByte.closeBracket) ? 1 : 0)
      offsets.append(scanner.start.distance(to: scanner.position))
      return offsets
    }
    // After "," the next byte is "]": a trailing comma.
    #expect(result.failure == JSONScanError(reason: "trailing comma before ']'", offset: 9))
    let closed = try scanning("1 ]x") { scanner throws(JSONScanError) -> (Bool, Int) in
      _ = try scanner.scanNumber()
      let closes = try scanner.endOfMember(closing: JSONByte.closeBracket)
      return (closes, scanner.start.distance(to: scanner.position))
    }.get()
    #expect(closed == (true, 3))
  }

  @Test("an error's description names the byte offset")
  func errorDescription() {
    #expect(
      JSONScanError(reason: "expected ':'", offset: 17).description == "invalid JSON at byte 17: expected ':'"
    )
  }
}
