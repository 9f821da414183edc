import Foundation

/// The string formats and patterns of the spec's request schemas, checked as JSON Schema
/// defines them (RFC 3339 dates, RFC 5321-style addresses, dotted and colon IP addresses).
enum StringFormats {
  /// The check for `format`, or nil for a format the simulator does not check.
  static func check(_ format: String) -> ((String) -> Bool)? {
    switch format {
    case "date-time": return isDateTime
    case "date": return isDate
    case "email": return isEmail
    case "ipv4": return { isAddress($0, family: AF_INET) }
    case "ipv6": return { isAddress($0, family: AF_INET6) }
    case "uuid": return isUUID
    case "uri": return isURI
    case "hostname": return isHostname
    default: return nil
    }
  }

  /// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` with a real calendar day.
  static func isDateTime(_ text: String) -> Bool {
    guard text.utf8.count > 10, ISODate.parse(text) != nil else { return false }
    return isDate(String(text.prefix(10)))
  }

  /// `YYYY-MM-DD` naming a day that exists.
  static func isDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
    else { return false }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return (1...lengths[month - 1]).contains(day)
  }

  /// `local@domain`: one `@`, a non-empty local part, a dotted domain, no spaces.
  static func isEmail(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
    let domain = parts[1]
    return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
  }

  static func isAddress(_ text: String, family: Int32) -> Bool {
    guard !text.isEmpty, !text.contains("\0") else { return false }
    var buffer = [UInt8](repeating: 0, count: 16)
    return inet_pton(family, text, &buffer) == 1
  }

  /// `8-4-4-4-12` hexadecimal digits.
  static func isUUID(_ text: String) -> Bool {
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
  }

  /// An absolute URI: a scheme, `:`, and no spaces.
  static func isURI(_ text: String) -> Bool {
    guard let colon = text.firstIndex(of: ":"), !text.contains(where: \.isWhitespace) else { return false }
    let scheme = text[..<colon]
    guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
    return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
  }

  /// Dot-separated labels of letters, digits and inner hyphens, 1-63 each, 253 in all.
  static func isHostname(_ text: String) -> Bool {
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    guard !text.isEmpty, text.utf8.count <= 253 else { return false }
    return labels.allSatisfy { label in
      (1...63).contains(label.count) && label.first != "-" && label.last != "-"
        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
  }

  private static let cache = PatternCache()

  /// Whether `pattern` (an ECMA-262 regular expression, unanchored) finds a match in `text`.
  /// A pattern that does not compile matches everything rather than rejecting every request.
  static func matches(_ text: String, pattern: String) -> Bool {
    guard let regex = cache.regex(pattern) else { return true }
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }
}

/// Compiled patterns, shared by all requests.
private final class PatternCache: @unchecked Sendable {
  private let lock = NSLock()
  private var compiled: [String: NSRegularExpression?] = [:]

  func regex(_ pattern: String) -> NSRegularExpression? {
    lock.withLock {
      if let known = compiled[pattern] { return known }
      let regex = try? NSRegularExpression(pattern: pattern)
      compiled[pattern] = regex
      return regex
    }
  }
}
