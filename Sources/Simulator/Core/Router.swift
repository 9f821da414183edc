/// A handler for one operation.
typealias Handler = @Sendable (SimRequest, World) throws -> SimResponse

/// One implemented operation: method, spec path template, operationId, handler.
struct Route: Sendable {
  let method: String
  let template: String
  let operationId: String
  let handler: Handler
  fileprivate let segments: [Segment]
  fileprivate let literalCount: Int

  init(_ method: String, _ template: String, _ operationId: String, _ handler: @escaping Handler) {
    self.method = method
    self.template = template
    self.operationId = operationId
    self.handler = handler
    self.segments = template.split(separator: "/").map { part in
      part.hasPrefix("{") && part.hasSuffix("}")
        ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
    }
    self.literalCount = segments.filter { if case .literal = $0 { return true } else { return false } }.count
  }
}

private enum Segment: Sendable {
  case literal(String)
  case parameter(String)
}

/// Matches request paths against the route table; literal segments beat parameters.
struct Router: Sendable {
  /// The outcome of a lookup.
  enum Match {
    case found(Route, [String: String])
    case methodNotAllowed
    case notFound
  }

  let routes: [Route]

  func match(method: String, path: String) -> Match {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    var best: (Route, [String: String])?
    var pathMatched = false
    for route in routes where route.segments.count == parts.count {
      var parameters: [String: String] = [:]
      var ok = true
      for (segment, part) in zip(route.segments, parts) {
        switch segment {
        case .literal(let literal):
          if literal != part { ok = false }
        case .parameter(let name):
          parameters[name] = String(part).removingPercentEncodingSafely
        }
        if !ok { break }
      }
      guard ok else { continue }
      pathMatched = true
      guard route.method == method else { continue }
      if best == nil || route.literalCount > best!.0.literalCount {
        best = (route, parameters)
      }
    }
    if let best {
      // A literal route of another method does not shadow a parameter route of this one:
      // `DELETE /tags/unassign` is `DELETE /tags/{id}` for a tag that does not exist (404, which
      // the operation documents), not 405, as the API's router matches the method first.
      return .found(best.0, best.1)
    }
    return pathMatched ? .methodNotAllowed : .notFound
  }
}

extension String {
  /// Percent-decodes, leaving the text as is when it is not valid percent-encoding.
  var removingPercentEncodingSafely: String {
    guard contains("%") else { return self }
    var bytes: [UInt8] = []
    var iterator = Array(utf8).makeIterator()
    while let byte = iterator.next() {
      if byte == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
        let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
      {
        bytes.append(value)
      } else {
        bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
