/// Finds a runbook's header — a first statement `runbook { ... }` or `runbook({ ... })` — and reads
/// its table constructor as literal values, without running any of the file.
public enum HeaderExtractor {
  /// The header's table and where it sits in the source.
  public struct Extracted: Sendable, Equatable {
    /// The literal table given to `runbook`.
    public let table: LuaLiteralTable
    /// The 1-based line of the `runbook` keyword.
    public let line: Int
    /// The byte range of the whole statement in the source.
    public let range: Range<Int>
  }

  /// Returns the header of `source`, or nil when the first statement is not a `runbook` call.
  ///
  /// Throws `HeaderSyntaxError` when the first statement is a `runbook` call whose table is not a
  /// literal (only constants and nested table constructors are allowed) or is malformed.
  public static func extract(from source: [UInt8]) throws(HeaderSyntaxError) -> Extracted? {
    var lexer = LuaLexer(source)
    try lexer.skipTrivia()
    let start = lexer.position
    let line = lexer.line
    guard lexer.readName() == "runbook" else { return nil }
    try lexer.skipTrivia()
    var parenthesized = false
    if lexer.peek() == UInt8(ascii: "(") {
      parenthesized = true
      lexer.advance()
      try lexer.skipTrivia()
    }
    guard lexer.peek() == UInt8(ascii: "{") else {
      if parenthesized || lexer.peek() == UInt8(ascii: "\"") || lexer.peek() == UInt8(ascii: "'") {
        throw HeaderSyntaxError(line: lexer.line, message: "runbook header: expected a table '{'")
      }
      return nil  // e.g. `runbook = 1` or `runbook.x()`: not a header
    }
    var parser = LiteralParser(lexer: lexer)
    let table = try parser.parseTable()
    lexer = parser.lexer
    if parenthesized {
      try lexer.skipTrivia()
      guard lexer.peek() == UInt8(ascii: ")") else {
        throw HeaderSyntaxError(line: lexer.line, message: "runbook header: expected ')' after the table")
      }
      lexer.advance()
    }
    return Extracted(table: table, line: line, range: start..<lexer.position)
  }
}

/// Reads a literal table constructor (constants and nested tables only) from a `LuaLexer`.
struct LiteralParser {
  var lexer: LuaLexer
  private var depth = 0
  private let maximumDepth = 32

  init(lexer: LuaLexer) { self.lexer = lexer }

  /// Parses `{ ... }` at the lexer's position.
  mutating func parseTable() throws(HeaderSyntaxError) -> LuaLiteralTable {
    depth += 1
    defer { depth -= 1 }
    guard depth <= maximumDepth else {
      throw HeaderSyntaxError(line: lexer.line, message: "runbook header: tables nested too deeply")
    }
    let openLine = lexer.line
    lexer.advance()  // '{'
    var table = LuaLiteralTable()
    while true {
      try lexer.skipTrivia()
      guard let byte = lexer.peek() else {
        throw HeaderSyntaxError(line: openLine, message: "runbook header: '}' expected to close '{'")
      }
      if byte == UInt8(ascii: "}") {
        lexer.advance()
        return table
      }
      let fieldLine = lexer.line
      if byte == UInt8(ascii: "[") && lexer.longBracketLevel() == nil {
        lexer.advance()
        try lexer.skipTrivia()
        let key = try parseValue()
        try lexer.skipTrivia()
        try expect("]")
        try lexer.skipTrivia()
        try expect("=")
        let value = try parseValue()
        switch key {
        case .string(let name): try add(name, value, line: fieldLine, to: &table)
        case .integer(let index) where index == table.items.count + 1: table.items.append(value)
        default:
          throw HeaderSyntaxError(
            line: fieldLine, message: "runbook header: only string keys are allowed, found \(key.kindName)")
        }
      } else if isNameStart(byte) {
        let save = lexer
        let name = lexer.readName()!
        try lexer.skipTrivia()
        if lexer.peek() == UInt8(ascii: "=") && lexer.peek(1) != UInt8(ascii: "=") {
          lexer.advance()
          try add(name, try parseValue(), line: fieldLine, to: &table)
        } else {
          lexer = save
          table.items.append(try parseValue())
        }
      } else {
        table.items.append(try parseValue())
      }
      try lexer.skipTrivia()
      if lexer.peek() == UInt8(ascii: ",") || lexer.peek() == UInt8(ascii: ";") {
        lexer.advance()
      } else if lexer.atEnd {
        throw HeaderSyntaxError(line: openLine, message: "runbook header: '}' expected to close '{'")
      } else if lexer.peek() != UInt8(ascii: "}") {
        throw HeaderSyntaxError(
          line: lexer.line, message: "runbook header: ',' or '}' expected near \(nearText())")
      }
    }
  }

  private mutating func add(
    _ name: String, _ value: LuaLiteral, line: Int, to table: inout LuaLiteralTable
  ) throws(HeaderSyntaxError) {
    guard table[name] == nil else {
      throw HeaderSyntaxError(line: line, message: "runbook header: field '\(name)' is given twice")
    }
    if value != .nil {
      table.fields.append((name, value))
      table.fieldLines[name] = line
    }
  }

  /// Parses one literal value.
  mutating func parseValue() throws(HeaderSyntaxError) -> LuaLiteral {
    try lexer.skipTrivia()
    guard let byte = lexer.peek() else {
      throw HeaderSyntaxError(line: lexer.line, message: "runbook header: unexpected end of file")
    }
    let value: LuaLiteral
    switch byte {
    case UInt8(ascii: "{"):
      value = .table(try parseTable())
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      value = .string(String(decoding: try lexer.readQuotedString(), as: UTF8.self))
    case UInt8(ascii: "["):
      guard let level = lexer.longBracketLevel() else {
        throw HeaderSyntaxError(line: lexer.line, message: "runbook header: unexpected '['")
      }
      value = .string(
        String(decoding: try lexer.readLongBracket(level: level, what: "string"), as: UTF8.self))
    case UInt8(ascii: "-"):
      lexer.advance()
      try lexer.skipTrivia()
      switch try parseValue() {
      case .integer(let number): value = .integer(0 &- number)
      case .number(let number): value = .number(-number)
      default:
        throw HeaderSyntaxError(line: lexer.line, message: "runbook header: '-' applies to numbers only")
      }
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
      value = try lexer.readNumber()
    default:
      let line = lexer.line
      let save = lexer
      switch lexer.readName() {
      case "true": value = .boolean(true)
      case "false": value = .boolean(false)
      case "nil": value = .nil
      default:
        lexer = save
        throw HeaderSyntaxError(
          line: line,
          message: "runbook header: only literal values (strings, numbers, booleans, tables) are allowed, "
            + "found \(nearText())")
      }
    }
    try lexer.skipTrivia()
    if let next = lexer.peek(), !Self.endsValue(next) {
      throw HeaderSyntaxError(
        line: lexer.line,
        message: "runbook header: only literal values are allowed, found an expression near \(nearText())")
    }
    return value
  }

  private static func endsValue(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "}")
      || byte == UInt8(ascii: "]")
  }

  private mutating func expect(_ character: Character) throws(HeaderSyntaxError) {
    guard let byte = lexer.peek(), Character(Unicode.Scalar(byte)) == character else {
      throw HeaderSyntaxError(
        line: lexer.line, message: "runbook header: '\(character)' expected near \(nearText())")
    }
    lexer.advance()
  }

  private func nearText() -> String {
    guard !lexer.atEnd else { return "<eof>" }
    let end = min(lexer.bytes.count, lexer.position + 20)
    var text = String(decoding: lexer.bytes[lexer.position..<end], as: UTF8.self)
    if let newline = text.firstIndex(of: "\n") { text = String(text[..<newline]) }
    return "'\(text)'"
  }
}
