/// One token of Lua source, for `terun check`'s static analysis.
struct LuaToken: Equatable {
  enum Kind: Equatable {
    case name
    case keyword
    case string
    case number
    case symbol
  }

  let kind: Kind
  /// The name, keyword or symbol text (empty for strings and numbers).
  let text: String
  /// The 1-based line where the token starts.
  let line: Int

  func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
  func isKeyword(_ keyword: String) -> Bool { kind == .keyword && text == keyword }
}

/// Splits Lua source into tokens with ``LuaLexer`` (comments, strings and numbers as the header
/// reader sees them). Only called on source that compiled, so lexing errors do not arise in
/// practice; one stops the token list where it happened.
enum LuaTokenizer {
  static let keywords: Set<String> = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
  ]

  private static let symbols = [
    "...", "..", "==", "~=", "<=", ">=", "::", "//", "<<", ">>",
  ]

  static func tokens(_ bytes: [UInt8]) -> [LuaToken] {
    var lexer = LuaLexer(bytes)
    var tokens: [LuaToken] = []
    do {
      while true {
        try lexer.skipTrivia()
        guard let byte = lexer.peek() else { break }
        let line = lexer.line
        if isNameStart(byte) {
          let name = lexer.readName() ?? ""
          tokens.append(LuaToken(kind: keywords.contains(name) ? .keyword : .name, text: name, line: line))
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          _ = try lexer.readQuotedString()
          tokens.append(LuaToken(kind: .string, text: "", line: line))
        } else if let level = lexer.longBracketLevel() {
          _ = try lexer.readLongBracket(level: level, what: "string")
          tokens.append(LuaToken(kind: .string, text: "", line: line))
        } else if isDigit(byte) || (byte == UInt8(ascii: ".") && lexer.peek(1).map(isDigit) == true) {
          _ = try lexer.readNumber()
          tokens.append(LuaToken(kind: .number, text: "", line: line))
        } else {
          let symbol =
            symbols.first { symbol in
              symbol.utf8.enumerated().allSatisfy { lexer.peek($0.offset) == $0.element }
            } ?? String(decoding: [byte], as: UTF8.self)
          for _ in 0..<symbol.utf8.count { lexer.advance() }
          tokens.append(LuaToken(kind: .symbol, text: symbol, line: line))
        }
      }
    } catch {
      return tokens
    }
    return tokens
  }
}
