/// Lexical facts about Lua the REPL needs: identifiers and keywords.
public enum LuaSyntax {
  /// Lua 5.4's reserved words.
  public static let keywords: [String] = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
  ]

  /// Whether `text` is a Lua name (letters, digits, `_`; not starting with a digit; not a keyword).
  public static func isIdentifier(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, !keywords.contains(text) else { return false }
    func isLetter(_ c: Unicode.Scalar) -> Bool {
      (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    return isLetter(first)
      && text.unicodeScalars.allSatisfy { isLetter($0) || ($0 >= "0" && $0 <= "9") }
  }
}
