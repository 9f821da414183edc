/// Serializes ``JSONValue`` into compact UTF-8 bytes.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 1024) {
    bytes.reserveCapacity(capacity)
  }

  /// Serializes one value.
  static func serialize(_ value: JSONValue) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(value)
    return writer.bytes
  }

  mutating func write(_ value: JSONValue) {
    switch value {
    case .null: raw("null")
    case .bool(let b): raw(b ? "true" : "false")
    case .int(let i): raw(String(i))
    case .double(let d): writeDouble(d)
    case .string(let s): writeString(s)
    case .array(let elements):
      bytes.append(UInt8(ascii: "["))
      for (n, element) in elements.enumerated() {
        if n > 0 { bytes.append(UInt8(ascii: ",")) }
        write(element)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      for (n, member) in members.enumerated() {
        if n > 0 { bytes.append(UInt8(ascii: ",")) }
        writeString(member.0)
        bytes.append(UInt8(ascii: ":"))
        write(member.1)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  mutating func raw(_ text: String) {
    bytes.append(contentsOf: text.utf8)
  }

  /// Writes a double; finite values only (NaN and infinities become null).
  mutating func writeDouble(_ d: Double) {
    guard d.isFinite else {
      raw("null")
      return
    }
    if d == d.rounded(), abs(d) < 1e15 {
      raw(String(Int(d)))
      raw(".0")
    } else {
      raw(String(d))
    }
  }

  mutating func writeString(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 0x0A: raw("\\n")
      case 0x0D: raw("\\r")
      case 0x09: raw("\\t")
      case 0x00..<0x20:
        let hex = String(byte, radix: 16)
        raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
