/// Control characters in schedule text: what validation refuses, exports never write, and
/// messages show escaped.
///
/// A control character is any Unicode `Cc` scalar (C0 `U+0000`-`U+001F`, `DEL`, C1
/// `U+0080`-`U+009F`, which includes `NEL`), plus the line and paragraph separators
/// `U+2028` and `U+2029`, which some readers take as line breaks.
public enum ControlCharacters {
  /// Whether `scalar` is a control character.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
  }

  /// The first control character of `text`, if any.
  public static func first(in text: String) -> Unicode.Scalar? {
    text.unicodeScalars.first(where: isControl)
  }

  /// `U+000A`: how a control character is named in messages.
  public static func name(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// `text` with every control character written as `\u{A}`, so it can be shown on a terminal
  /// or in a file without breaking or forging lines.
  public static func escaped(_ text: String) -> String {
    guard first(in: text) != nil else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if isControl(scalar) {
        result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
