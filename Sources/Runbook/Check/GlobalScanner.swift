/// Finds reads of undefined globals and uses of `te` fields that do not exist, as luacheck does
/// for globals: a scope-aware walk over the tokens (locals, function parameters, loop variables
/// and blocks), without running anything.
///
/// A global that the file assigns anywhere (`x = 1`, `function helper() end`) counts as
/// defined. The walk is conservative: where it cannot tell, it reports nothing.
struct GlobalScanner {
  /// One finding, at a 1-based line.
  struct Finding: Equatable {
    let line: Int
    let message: String
  }

  /// The globals every runbook may read (the sandbox's, `te`, `runbook`, `print`).
  let knownGlobals: Set<String>
  /// The `te` table's fields, as dotted paths (`tests`, `tests.list`, ...).
  let teFields: TEFieldTree

  private enum Block {
    case function
    case plain
  }

  func scan(_ tokens: [LuaToken]) -> [Finding] {
    var scopes: [Set<String>] = [[]]
    var blocks: [Block] = []
    var pendingLoopDo = 0
    var brackets: [String] = []
    var outerBrackets: [[String]] = []
    var reads: [(name: String, line: Int)] = []
    var assigned = Set<String>()
    var findings: [Finding] = []

    func isLocal(_ name: String) -> Bool { scopes.contains { $0.contains(name) } }
    func declare(_ name: String) { scopes[scopes.count - 1].insert(name) }
    func push(_ block: Block) {
      blocks.append(block)
      scopes.append([])
      if block == .function {
        // A function body starts statements afresh, even inside f(function() ... end).
        outerBrackets.append(brackets)
        brackets = []
      }
    }
    func pop() {
      if blocks.popLast() == .function, let outer = outerBrackets.popLast() { brackets = outer }
      if scopes.count > 1 { scopes.removeLast() }
    }
    func token(_ index: Int) -> LuaToken? { index < tokens.count && index >= 0 ? tokens[index] : nil }

    /// Declares the parameters of a function whose `(` is at `index`; returns the index after `)`.
    func parameters(from index: Int) -> Int {
      var i = index
      guard token(i)?.isSymbol("(") == true else { return i }
      i += 1
      while let t = token(i), !t.isSymbol(")") {
        if t.kind == .name { declare(t.text) }
        i += 1
      }
      return i + 1
    }

    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      let previous = token(i - 1)
      switch t.kind {
      case .keyword:
        switch t.text {
        case "local":
          if token(i + 1)?.isKeyword("function") == true, let name = token(i + 2), name.kind == .name {
            declare(name.text)
            push(.function)
            i = parameters(from: i + 3)
            continue
          }
          var j = i + 1
          while let name = token(j), name.kind == .name {
            declare(name.text)
            j += 1
            if token(j)?.isSymbol("<") == true { j += 3 }  // <const>, <close>
            guard token(j)?.isSymbol(",") == true else { break }
            j += 1
          }
          i = j
          continue
        case "function":
          var j = i + 1
          var isMethod = false
          if let name = token(j), name.kind == .name {
            // function a.b:c(...): `a` is used (or, alone, assigned) where the statement is.
            let isChain = token(j + 1)?.isSymbol(".") == true || token(j + 1)?.isSymbol(":") == true
            if !isLocal(name.text) {
              if isChain {
                if name.text == "te" {
                  // Adding functions to te is the runbook's business.
                } else if !knownGlobals.contains(name.text) {
                  reads.append((name.text, name.line))
                }
              } else {
                assigned.insert(name.text)
              }
            }
            j += 1
            while let separator = token(j), separator.isSymbol(".") || separator.isSymbol(":") {
              if separator.isSymbol(":") { isMethod = true }
              j += 2
            }
          }
          push(.function)
          if isMethod { declare("self") }
          i = parameters(from: j)
          continue
        case "for":
          push(.plain)
          pendingLoopDo += 1
          var j = i + 1
          while let name = token(j), name.kind == .name {
            declare(name.text)
            j += 1
            guard token(j)?.isSymbol(",") == true else { break }
            j += 1
          }
          i = j
          continue
        case "do":
          if pendingLoopDo > 0 { pendingLoopDo -= 1 } else { push(.plain) }
        case "then", "repeat":
          push(.plain)
        case "elseif":
          pop()
        case "else":
          pop()
          push(.plain)
        case "end":
          pop()
        case "until":
          // The loop body's locals are visible in the `until` condition: keep them (in the
          // enclosing scope, which can only hide a finding, never invent one).
          let body = scopes.count > 1 ? scopes[scopes.count - 1] : []
          pop()
          scopes[scopes.count - 1].formUnion(body)
        case "goto":
          i += 2
          continue
        default:
          break
        }
      case .symbol:
        switch t.text {
        case "(", "{", "[": brackets.append(t.text)
        case ")", "}", "]": if !brackets.isEmpty { brackets.removeLast() }
        case "::":
          i += 3  // ::label::
          continue
        default: break
        }
      case .name:
        let afterAccess = previous?.isSymbol(".") == true || previous?.isSymbol(":") == true
        if afterAccess || isLocal(t.text) { break }
        let next = token(i + 1)
        let nextIsAssign = next?.isSymbol("=") == true
        let inTable = brackets.last == "{"
        if inTable && nextIsAssign
          && (previous?.isSymbol("{") == true || previous?.isSymbol(",") == true
            || previous?.isSymbol(";") == true)
        {
          break  // a table constructor's key: { name = ... }
        }
        if nextIsAssign && brackets.isEmpty {
          assigned.insert(t.text)
          break
        }
        if t.text == "te" {
          if let finding = checkTE(tokens, at: i) { findings.append(finding) }
          break
        }
        if !knownGlobals.contains(t.text) { reads.append((t.text, t.line)) }
      default:
        break
      }
      i += 1
    }
    for read in reads where !assigned.contains(read.name) {
      var message = "undefined global '\(read.name)'"
      // Short names are too close to too many others for a suggestion to help.
      if read.name.count >= 4,
        let suggestion = ParameterBinder.closestName(to: read.name, among: knownGlobals.sorted())
      {
        message += "; did you mean '\(suggestion)'?"
      }
      findings.append(Finding(line: read.line, message: message))
    }
    return findings.sorted { $0.line < $1.line }
  }

  /// Checks the chain `te.a.b...` starting at `index` (the `te` token) against the `te` table.
  private func checkTE(_ tokens: [LuaToken], at index: Int) -> Finding? {
    var path: [String] = []
    var i = index + 1
    while i + 1 < tokens.count, tokens[i].isSymbol("."), tokens[i + 1].kind == .name {
      let field = tokens[i + 1].text
      // terun's own hand-over fields (`te.__terun_test`) are not the runbook API.
      if field.hasPrefix("__") { return nil }
      let candidate = path + [field]
      switch teFields.lookup(path) {
      case .table(let fields):
        guard fields.contains(field) else {
          // Assigning a new field (te.x = ...) is allowed.
          if i + 2 < tokens.count, tokens[i + 2].isSymbol("=") { return nil }
          let name = "te." + candidate.joined(separator: ".")
          var message = "\(name) does not exist"
          let parent = "te" + path.map { "." + $0 }.joined()
          if let suggestion = ParameterBinder.closestName(to: field, among: fields.sorted()) {
            message += "; did you mean \(parent).\(suggestion)?"
          } else {
            message += " (\(parent) has: \(fields.sorted().joined(separator: ", ")))"
          }
          return Finding(line: tokens[i + 1].line, message: message)
        }
      case .open, .value:
        return nil
      }
      path = candidate
      i += 2
    }
    return nil
  }
}

/// The shape of a run's `te` table: which fields each table holds. Tables whose fields depend
/// on the run (`te.params`) are open: anything goes below them.
public struct TEFieldTree: Sendable {
  enum Node: Equatable {
    case table(Set<String>)
    case open
    case value
  }

  /// Dotted paths to their fields ("" is `te` itself).
  var nodes: [String: Node]

  func lookup(_ path: [String]) -> Node {
    nodes[path.joined(separator: ".")] ?? .value
  }
}
