import Crypto
import Foundation

/// Opaque, HMAC-signed pagination cursors: `base64url(payload).base64url(mac)`.
///
/// The payload names the collection and its fixed query (so a later page sees the same
/// window) and the offset of the next item. A cursor for another collection, an edited
/// payload or a forged signature is rejected.
struct CursorCodec {
  let key: SymmetricKey

  init(key: [UInt8]) {
    self.key = SymmetricKey(data: key)
  }

  /// Encodes a cursor from its fields.
  func encode(_ fields: [String]) -> String {
    let payload = Data(fields.joined(separator: "|").utf8)
    let mac = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
    return Self.base64url(payload) + "." + Self.base64url(mac)
  }

  /// Decodes and verifies a cursor; throws a 400 problem when it is not one of ours.
  func decode(_ cursor: String, kind: String) throws -> [String] {
    let invalid = APIError.badRequest(
      "The pagination cursor is invalid or has been tampered with.",
      errors: [
        .init(code: "INVALID_CURSOR", field: "cursor", message: "cursor is not a valid pagination cursor.")
      ])
    let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let payload = Self.unbase64url(String(parts[0])),
      let mac = Self.unbase64url(String(parts[1])),
      mac.count == 16
    else { throw invalid }
    let expected = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
    guard Self.constantTimeEqual(expected, mac), let text = String(data: payload, encoding: .utf8) else {
      throw invalid
    }
    let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard fields.first == kind else { throw invalid }
    return fields
  }

  private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for (x, y) in zip(a, b) { diff |= x ^ y }
    return diff == 0
  }

  static func base64url(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
      of: "/", with: "_"
    )
    .replacingOccurrences(of: "=", with: "")
  }

  static func unbase64url(_ text: String) -> Data? {
    guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
      text.allSatisfy(\.isASCII)
    else {
      return nil
    }
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s)
  }
}

/// One page of a collection: the items and the offset of the next page, if any.
struct Page {
  var start: Int
  var end: Int
  var next: Int?

  init(offset: Int, size: Int, total: Int) {
    start = min(max(0, offset), total)
    // `max=` comes from the query: a huge page size must not overflow.
    let (sum, overflow) = start.addingReportingOverflow(max(1, size))
    end = overflow ? total : min(total, sum)
    next = end < total ? end : nil
  }
}
