import Foundation
import LuaHost
import Yams

/// `te.yaml`: YAML for runbooks, the way `te.json` is JSON. Values cross as JSON: `encode`
/// encodes the Lua value with `te.json`'s encoder (same rules: arrays, objects, `te.json.null`,
/// integers) and writes that document as YAML; `decode` reads YAML with Yams and hands the
/// document to `te.json`'s decoder, so a YAML file gives exactly the Lua values its JSON would.
///
/// - `te.yaml.encode(value)`: block-style YAML, mapping keys sorted; a string that YAML would
///   read as another type (`"600"`, `"true"`, `"null"`, `""`) is quoted.
/// - `te.yaml.decode(text)`: one document. Tags and anchors are resolved as YAML 1.1 core
///   (Yams's default); mapping keys must be strings; a document that expands to more than
///   ``maxValues`` values (aliases repeating aliases) is refused.
enum YAMLModule {
  /// The most values a decoded document may expand to.
  static let maxValues = 1_000_000

  /// Installs `te.yaml.encode` and `te.yaml.decode` into `module`.
  static func install(into module: TEModule) {
    module.setFunction("yaml.encode") { call in
      guard call.argumentCount >= 1 else { throw LuaScriptError("te.yaml.encode: expected a value") }
      let json: [UInt8]
      do {
        json = try call.encodeJSON(1)
      } catch let error as LuaJSONError {
        throw LuaScriptError("te.yaml.encode: \(error.message)")
      }
      let value: PlanJSON
      do {
        value = try PlanJSON.decode(json)
      } catch {
        throw LuaScriptError("te.yaml.encode: \(error)")
      }
      let text: String
      do {
        text = try Yams.serialize(node: node(value), width: -1, allowUnicode: true)
      } catch {
        throw LuaScriptError("te.yaml.encode: \(error)")
      }
      try call.push(.text(text))
      return 1
    }
    module.setFunction("yaml.decode") { call in
      let text = try call.string(1)
      let document: Node?
      do {
        document = try Yams.compose(yaml: text)
      } catch {
        throw LuaScriptError("te.yaml.decode: \(describe(error))")
      }
      var budget = maxValues
      let value = try document.map { try json($0, path: "$", budget: &budget) } ?? .null
      do {
        try call.pushJSON(value.encoded())
      } catch let error as LuaJSONError {
        throw LuaScriptError("te.yaml.decode: \(error.message)")
      }
      return 1
    }
  }

  /// A YAML node for a JSON value.
  static func node(_ value: PlanJSON) -> Node {
    switch value {
    case .null: return Node("null", Tag(.null))
    case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
    case .integer(let number): return Node(String(number), Tag(.int))
    case .number(let number):
      return Node(Int64(exactly: number).map { "\($0).0" } ?? "\(number)", Tag(.float))
    case .string(let text):
      let plain = Node(text)
      let readsBack = !text.isEmpty && Resolver.default.resolveTag(of: plain) == .str
      return .scalar(.init(text, Tag(.str), readsBack ? .any : .doubleQuoted))
    case .array(let items): return .sequence(.init(items.map(node), Tag(.seq), .block))
    case .object(let fields):
      let pairs = fields.keys.sorted().map { (Node($0, Tag(.str), .any), node(fields[$0]!)) }
      return .mapping(.init(pairs, Tag(.map), .block))
    }
  }

  /// The JSON value of a YAML node; `path` names it in errors (`$.tests[2].interval`).
  static func json(_ node: Node, path: String, budget: inout Int) throws -> PlanJSON {
    budget -= 1
    guard budget >= 0 else {
      throw LuaScriptError("te.yaml.decode: the document expands to more than \(maxValues) values (aliases?)")
    }
    switch node {
    case .scalar(let scalar):
      // An explicit tag (`!!str 600`) wins; otherwise the value's form decides.
      let explicit = Tag.Name(rawValue: scalar.tag.rawValue)
      let tag = explicit == .implicit ? Resolver.default.resolveTag(of: node) : explicit
      switch tag {
      case .null: return .null
      case .bool: return node.bool.map(PlanJSON.bool) ?? .string(scalar.string)
      case .int: return node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
      case .float:
        guard let number = node.float, number.isFinite else {
          throw LuaScriptError("te.yaml.decode: \(path): \(scalar.string) is not a finite number")
        }
        return .number(number)
      default: return .string(scalar.string)
      }
    case .sequence(let sequence):
      var items: [PlanJSON] = []
      for (i, item) in sequence.enumerated() {
        items.append(try json(item, path: "\(path)[\(i + 1)]", budget: &budget))
      }
      return .array(items)
    case .mapping(let mapping):
      var fields: [String: PlanJSON] = [:]
      for (key, value) in mapping {
        guard case .scalar(let scalar) = key else {
          throw LuaScriptError("te.yaml.decode: \(path): mapping keys must be strings")
        }
        let name = scalar.string
        if fields[name] != nil {
          throw LuaScriptError("te.yaml.decode: \(path): the key '\(name)' appears twice")
        }
        fields[name] = try json(value, path: "\(path).\(name)", budget: &budget)
      }
      return .object(fields)
    case .alias:
      throw LuaScriptError("te.yaml.decode: \(path): an alias that names no anchor")
    }
  }

  /// A Yams error as one line: `line 3, column 5: did not find expected key`.
  static func describe(_ error: Error) -> String {
    if let yaml = error as? YamlError, case .parser(_, let problem, let mark, _) = yaml {
      return "line \(mark.line), column \(mark.column): \(problem)"
    }
    if let yaml = error as? YamlError, case .scanner(_, let problem, let mark, _) = yaml {
      return "line \(mark.line), column \(mark.column): \(problem)"
    }
    return String(describing: error).split(separator: "\n").first.map(String.init) ?? "invalid YAML"
  }
}
