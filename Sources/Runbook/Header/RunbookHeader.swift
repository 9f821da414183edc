/// A runbook's header: its name, description and declared parameters.
///
/// Read by `RunbookHeader.parse(source:file:)`, which runs nothing in the file.
public struct RunbookHeader: Sendable, Equatable {
  /// The runbook's name (`name = "..."`), if given.
  public var name: String?
  /// Its description, if given.
  public var description: String?
  /// Its parameters, in the order the header declares them.
  public var parameters: [ParameterSpec]
  /// The 1-based line of the `runbook` statement, or nil when the file has no header.
  public var line: Int?

  /// Creates a header.
  public init(
    name: String? = nil, description: String? = nil, parameters: [ParameterSpec] = [], line: Int? = nil
  ) {
    self.name = name
    self.description = description
    self.parameters = parameters
    self.line = line
  }

  /// The declaration of the parameter `name`, if any.
  public func parameter(named name: String) -> ParameterSpec? {
    parameters.first { $0.name == name }
  }

  /// Reads the header of `source`. A file whose first statement is not `runbook { ... }` has an
  /// empty header. Throws `RunbookHeaderError` (naming `file` and a line) for a malformed one.
  public static func parse(source: [UInt8], file: String) throws(RunbookHeaderError) -> RunbookHeader {
    let extracted: HeaderExtractor.Extracted?
    do {
      extracted = try HeaderExtractor.extract(from: source)
    } catch {
      throw RunbookHeaderError(file: file, line: error.line, message: error.message)
    }
    guard let extracted else { return RunbookHeader() }
    return try interpret(extracted.table, line: extracted.line, file: file)
  }

  private static let knownFields: Set<String> = ["name", "description", "params", "version", "author"]
  private static let knownParameterFields: Set<String> = ["type", "required", "default", "help", "values"]

  private static func interpret(
    _ table: LuaLiteralTable, line: Int, file: String
  ) throws(RunbookHeaderError) -> RunbookHeader {
    func fail(_ message: String, at fieldLine: Int? = nil) -> RunbookHeaderError {
      RunbookHeaderError(file: file, line: fieldLine ?? line, message: "runbook header: " + message)
    }
    for field in table.fields where !knownFields.contains(field.key) {
      throw fail(
        "unknown field '\(field.key)' (expected name, description, params)", at: table.fieldLines[field.key])
    }
    if !table.items.isEmpty { throw fail("positional values are not allowed; use name = value") }
    var header = RunbookHeader(line: line)
    header.name = try stringField("name", of: table, fail: fail)
    header.description = try stringField("description", of: table, fail: fail)
    switch table["params"] {
    case nil:
      break
    case .table(let params)?:
      if !params.items.isEmpty {
        throw fail("params must map names to tables", at: table.fieldLines["params"])
      }
      for (name, value) in params.fields {
        let fieldLine = params.fieldLines[name]
        guard isIdentifier(name) else {
          throw fail("parameter name '\(name)' must be an identifier (letters, digits, _)", at: fieldLine)
        }
        guard case .table(let spec) = value else {
          throw fail("parameter '\(name)' must be a table such as { type = \"string\" }", at: fieldLine)
        }
        header.parameters.append(try parameter(name, spec, line: fieldLine, fail: fail))
      }
    case let other?:
      throw fail("params must be a table, found \(other.kindName)", at: table.fieldLines["params"])
    }
    return header
  }

  private static func parameter(
    _ name: String, _ spec: LuaLiteralTable, line: Int?, fail: (String, Int?) -> RunbookHeaderError
  ) throws(RunbookHeaderError) -> ParameterSpec {
    for field in spec.fields where !knownParameterFields.contains(field.key) {
      throw fail(
        "parameter '\(name)': unknown field '\(field.key)' (expected type, required, default, help, values)",
        spec.fieldLines[field.key] ?? line)
    }
    let typeName: String
    switch spec["type"] {
    case nil: typeName = "string"
    case .string(let value)?: typeName = value
    case let other?: throw fail("parameter '\(name)': type must be a string, found \(other.kindName)", line)
    }
    let type: ParameterType
    switch typeName {
    case "string": type = .string
    case "integer": type = .integer
    case "number": type = .number
    case "boolean": type = .boolean
    case "path": type = .path
    case "list": type = .list
    case "duration": type = .duration
    case "datetime": type = .datetime
    case "enum":
      guard case .table(let valuesTable)? = spec["values"], !valuesTable.items.isEmpty else {
        throw fail("parameter '\(name)': an enum needs values = { \"a\", \"b\", ... }", line)
      }
      var values: [String] = []
      for item in valuesTable.items {
        switch item {
        case .string(let value): values.append(value)
        case .integer(let value): values.append(String(value))
        default: throw fail("parameter '\(name)': enum values must be strings, found \(item.kindName)", line)
        }
      }
      type = .enumeration(values)
    default:
      throw fail(
        "parameter '\(name)': unknown type '\(typeName)' "
          + "(expected string, integer, number, boolean, path, enum, list, duration or datetime)", line)
    }
    if spec["values"] != nil, type.name != "enum" {
      throw fail("parameter '\(name)': values is only for type = \"enum\"", line)
    }
    let required: Bool
    switch spec["required"] {
    case nil: required = false
    case .boolean(let value)?: required = value
    case let other?:
      throw fail("parameter '\(name)': required must be a boolean, found \(other.kindName)", line)
    }
    let help: String
    switch spec["help"] {
    case nil: help = ""
    case .string(let value)?: help = value
    case let other?: throw fail("parameter '\(name)': help must be a string, found \(other.kindName)", line)
    }
    var defaultValue: ParameterValue?
    if let literal = spec["default"] {
      if required { throw fail("parameter '\(name)': a required parameter cannot have a default", line) }
      do {
        defaultValue = try ParameterConverter.convertDefault(literal, for: type)
      } catch {
        throw fail("parameter '\(name)': default: \(error.reason)", line)
      }
    }
    return ParameterSpec(name: name, type: type, required: required, defaultValue: defaultValue, help: help)
  }

  private static func stringField(
    _ key: String, of table: LuaLiteralTable, fail: (String, Int?) -> RunbookHeaderError
  ) throws(RunbookHeaderError) -> String? {
    switch table[key] {
    case nil: return nil
    case .string(let value)?: return value
    case let other?: throw fail("\(key) must be a string, found \(other.kindName)", table.fieldLines[key])
    }
  }
}

/// A malformed runbook header: file, line and what is wrong.
public struct RunbookHeaderError: Error, Equatable, CustomStringConvertible {
  /// The runbook's file name as shown to the user.
  public let file: String
  /// The 1-based line.
  public let line: Int
  /// What is wrong.
  public let message: String

  public var description: String { "\(file):\(line): \(message)" }
}

func isIdentifier(_ text: String) -> Bool {
  let bytes = Array(text.utf8)
  guard let first = bytes.first, isNameStart(first) else { return false }
  return bytes.allSatisfy { isNameStart($0) || isDigit($0) }
}
