/// Checks `key=value` arguments against a runbook's header and converts them to typed values.
public enum ParameterBinder {
  /// Binds `arguments` (each `key=value`) to `header`'s parameters. Paths are resolved against
  /// `directory` (the user's current folder). Defaults fill parameters that were not given.
  ///
  /// Throws `ParameterError` (a usage error, exit 2) for an argument that is not `key=value`, an
  /// unknown or repeated parameter, a value of the wrong type, or a missing required parameter.
  public static func bind(
    _ arguments: [String], to header: RunbookHeader, relativeTo directory: String
  ) throws(ParameterError) -> [String: ParameterValue] {
    var given: [String: String] = [:]
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw ParameterError(
          parameter: nil,
          message: "expected a parameter as key=value, got \"\(argument)\"" + usageHint(header))
      }
      let key = String(argument[..<equals])
      let value = String(argument[argument.index(after: equals)...])
      guard header.parameter(named: key) != nil else {
        throw ParameterError(parameter: key, message: unknownParameterMessage(key, header))
      }
      guard given[key] == nil else {
        throw ParameterError(parameter: key, message: "parameter \(key) is given twice")
      }
      given[key] = value
    }
    var values: [String: ParameterValue] = [:]
    for spec in header.parameters {
      if let text = given[spec.name] {
        do {
          values[spec.name] = try ParameterConverter.convert(text, to: spec.type, relativeTo: directory)
        } catch {
          throw ParameterError(
            parameter: spec.name, message: "parameter \(spec.name) (\(spec.type.name)): \(error.reason)")
        }
      } else if spec.required {
        let help = spec.help.isEmpty ? "" : " — \(spec.help)"
        throw ParameterError(
          parameter: spec.name,
          message: "missing required parameter \(spec.name) (\(spec.type.expectation))\(help); "
            + "give it as \(spec.name)=VALUE")
      } else if let value = spec.defaultValue {
        values[spec.name] = value
      }
    }
    return values
  }

  private static func usageHint(_ header: RunbookHeader) -> String {
    header.parameters.isEmpty
      ? "" : " (parameters: " + header.parameters.map(\.name).joined(separator: ", ") + ")"
  }

  /// "unknown parameter testid; did you mean test_id? (parameters: ...)".
  public static func unknownParameterMessage(_ key: String, _ header: RunbookHeader) -> String {
    guard !header.parameters.isEmpty else {
      return "unknown parameter \(key): this runbook declares no parameters"
    }
    let names = header.parameters.map(\.name)
    var message = "unknown parameter \(key)"
    if let suggestion = closestName(to: key, among: names) {
      message += "; did you mean \(suggestion)?"
    }
    return message + " (parameters: " + names.joined(separator: ", ") + ")"
  }

  /// The name in `names` nearest to `key` by edit distance, if it is close enough to be a typo.
  static func closestName(to key: String, among names: [String]) -> String? {
    let scored = names.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let limit = max(2, min(key.count, best.0.count) / 3)
    if best.1 <= limit { return best.0 }
    // A prefix ("test" for "test_id") is also a likely slip.
    return names.first { $0.hasPrefix(key) || key.hasPrefix($0) }
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

/// A parameter problem: a usage error (exit 2) that names the parameter.
public struct ParameterError: Error, Equatable, CustomStringConvertible {
  /// The parameter concerned, when there is one.
  public let parameter: String?
  /// The full message.
  public let message: String

  public var description: String { message }
}
