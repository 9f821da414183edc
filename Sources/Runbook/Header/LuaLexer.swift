/// A small lexer over Lua source bytes: whitespace, comments, strings, long brackets, numbers.
///
/// It is used to find and read a runbook's header without running anything.
struct LuaLexer {
  let bytes: [UInt8]
  var position: Int
  /// The 1-based line of `position`.
  var line: Int

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    self.position = 0
    self.line = 1
    if bytes.starts(with: Array("#".utf8)) {  // a shebang line, as lua itself skips it
      while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
    }
  }

  var atEnd: Bool { position >= bytes.count }

  func peek(_ offset: Int = 0) -> UInt8? {
    let index = position + offset
    return index < bytes.count ? bytes[index] : nil
  }

  mutating func advance() {
    if bytes[position] == UInt8(ascii: "\n") { line += 1 }
    position += 1
  }

  /// Skips whitespace, line comments and long comments.
  mutating func skipTrivia() throws(HeaderSyntaxError) {
    while let byte = peek() {
      if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C
      {
        advance()
      } else if byte == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-") {
        advance()
        advance()
        if let level = longBracketLevel() {
          _ = try readLongBracket(level: level, what: "comment")
        } else {
          while let next = peek(), next != UInt8(ascii: "\n") { advance() }
        }
      } else {
        return
      }
    }
  }

  /// If a long bracket `[`, `=`*, `[` starts at `position`, its level.
  func longBracketLevel() -> Int? {
    guard peek() == UInt8(ascii: "[") else { return nil }
    var level = 0
    while peek(1 + level) == UInt8(ascii: "=") { level += 1 }
    return peek(1 + level) == UInt8(ascii: "[") ? level : nil
  }

  /// Reads a long bracket of `level` starting at `position`; returns its content.
  mutating func readLongBracket(level: Int, what: String) throws(HeaderSyntaxError) -> [UInt8] {
    let startLine = line
    for _ in 0..<(level + 2) { advance() }
    // A newline right after the opening bracket is skipped.
    if peek() == UInt8(ascii: "\r") { advance() }
    if peek() == UInt8(ascii: "\n") { advance() }
    var content: [UInt8] = []
    while let byte = peek() {
      if byte == UInt8(ascii: "]") {
        var equals = 0
        while peek(1 + equals) == UInt8(ascii: "=") { equals += 1 }
        if equals == level && peek(1 + equals) == UInt8(ascii: "]") {
          for _ in 0..<(level + 2) { advance() }
          return content
        }
      }
      content.append(byte)
      advance()
    }
    throw HeaderSyntaxError(line: startLine, message: "unfinished long \(what)")
  }

  /// Reads an identifier or keyword at `position`, or nil.
  mutating func readName() -> String? {
    guard let first = peek(), isNameStart(first) else { return nil }
    let start = position
    while let byte = peek(), isNameStart(byte) || isDigit(byte) { advance() }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  /// Reads a quoted string starting at `position` (which holds the quote).
  mutating func readQuotedString() throws(HeaderSyntaxError) -> [UInt8] {
    let quote = bytes[position]
    let startLine = line
    advance()
    var content: [UInt8] = []
    while true {
      guard let byte = peek(), byte != UInt8(ascii: "\n") else {
        throw HeaderSyntaxError(line: startLine, message: "unfinished string")
      }
      advance()
      if byte == quote { return content }
      if byte != UInt8(ascii: "\\") {
        content.append(byte)
        continue
      }
      guard let escape = peek() else {
        throw HeaderSyntaxError(line: startLine, message: "unfinished string")
      }
      advance()
      switch escape {
      case UInt8(ascii: "n"): content.append(0x0A)
      case UInt8(ascii: "t"): content.append(0x09)
      case UInt8(ascii: "r"): content.append(0x0D)
      case UInt8(ascii: "a"): content.append(0x07)
      case UInt8(ascii: "b"): content.append(0x08)
      case UInt8(ascii: "f"): content.append(0x0C)
      case UInt8(ascii: "v"): content.append(0x0B)
      case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): content.append(escape)
      case UInt8(ascii: "\n"): content.append(0x0A)
      case UInt8(ascii: "z"):
        while let next = peek(), next == 0x20 || (next >= 0x09 && next <= 0x0D) { advance() }
      case UInt8(ascii: "x"):
        guard let high = peek().flatMap(hexValue), let low = peek(1).flatMap(hexValue) else {
          throw HeaderSyntaxError(line: line, message: "hexadecimal digit expected in \\x escape")
        }
        advance()
        advance()
        content.append(UInt8(high * 16 + low))
      case UInt8(ascii: "u"):
        guard peek() == UInt8(ascii: "{") else {
          throw HeaderSyntaxError(line: line, message: "missing '{' in \\u{xxxx}")
        }
        advance()
        var scalar: UInt32 = 0
        while let digit = peek().flatMap(hexValue) {
          scalar = scalar &* 16 &+ UInt32(digit)
          advance()
        }
        guard peek() == UInt8(ascii: "}"), let unicode = Unicode.Scalar(scalar) else {
          throw HeaderSyntaxError(line: line, message: "invalid \\u{xxxx} escape")
        }
        advance()
        content.append(contentsOf: Array(String(Character(unicode)).utf8))
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        var value = Int(escape - UInt8(ascii: "0"))
        var count = 1
        while count < 3, let digit = peek(), isDigit(digit) {
          value = value * 10 + Int(digit - UInt8(ascii: "0"))
          advance()
          count += 1
        }
        guard value <= 255 else {
          throw HeaderSyntaxError(line: line, message: "decimal escape too large")
        }
        content.append(UInt8(value))
      default:
        throw HeaderSyntaxError(
          line: line, message: "invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))'")
      }
    }
  }

  /// Reads a numeral (decimal or hexadecimal, integer or float) at `position`.
  mutating func readNumber() throws(HeaderSyntaxError) -> LuaLiteral {
    let start = position
    let isHex =
      peek() == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X"))
    if isHex {
      advance()
      advance()
    }
    while let byte = peek() {
      let exponent: Bool =
        isHex
        ? (byte == UInt8(ascii: "p") || byte == UInt8(ascii: "P"))
        : (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E"))
      if exponent {
        advance()
        if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
      } else if isDigit(byte) || byte == UInt8(ascii: ".") || (isHex && hexValue(byte) != nil) {
        advance()
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if let value = parseLuaNumber(text) { return value }
    throw HeaderSyntaxError(line: line, message: "malformed number near '\(text)'")
  }
}

/// A syntax problem in a runbook header, with the 1-based line where it was found.
public struct HeaderSyntaxError: Error, Equatable, CustomStringConvertible {
  /// The 1-based source line.
  public let line: Int
  /// What is wrong.
  public let message: String

  public var description: String { "line \(line): \(message)" }
}

func isNameStart(_ byte: UInt8) -> Bool {
  (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
}

func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func hexValue(_ byte: UInt8) -> Int? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
  case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
  default: return nil
  }
}

/// Converts a Lua numeral to an integer or a float, as Lua 5.4 reads it.
func parseLuaNumber(_ text: String) -> LuaLiteral? {
  let lower = text.lowercased()
  if lower.hasPrefix("0x") {
    let digits = lower.dropFirst(2)
    if !digits.contains(".") && !digits.contains("p") {
      // Hexadecimal integers wrap around, as in Lua.
      var value: UInt64 = 0
      for character in digits {
        guard let digit = character.hexDigitValue else { return nil }
        value = value &* 16 &+ UInt64(digit)
      }
      return digits.isEmpty ? nil : .integer(Int64(bitPattern: value))
    }
    return Double(text).map { .number($0) }
  }
  if !lower.contains(".") && !lower.contains("e") {
    if let value = Int64(text) { return .integer(value) }
    return Double(text).map { .number($0) }  // decimal integers that overflow become floats
  }
  return Double(text).map { .number($0) }
}
