import Foundation
import Runbook
import Yams

/// A parameter file (`--params FILE`): a YAML or JSON mapping of runbook parameters, the
/// counterpart of Ansible's `-e @file` and Terraform's tfvars. `key=value` arguments on the
/// command line override its entries.
///
/// ```yaml
/// test_id: 123456
/// window: 24h
/// severity: [critical, major]   # a list is the same as severity=critical,major
/// ```
struct ParameterFile {
  /// The file's entries as `key=value` arguments, in the file's order.
  let arguments: [(key: String, value: String)]
  let path: String

  /// Reads and parses `path`; every problem is a usage error naming the file.
  init(path: String) throws {
    self.path = path
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw CommandFailure(.usage, "--params \(path): cannot read the file (\(Self.reason(error)))")
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw CommandFailure(.usage, "--params \(path): not valid YAML or JSON: \(error)")
    }
    guard let mapping = root?.mapping else {
      throw CommandFailure(
        .usage, "--params \(path): expected a mapping of parameter names to values, such as test_id: 123")
    }
    var arguments: [(key: String, value: String)] = []
    for (keyNode, valueNode) in mapping {
      guard let key = keyNode.string else {
        throw CommandFailure(.usage, "--params \(path): parameter names must be text")
      }
      switch valueNode {
      case .scalar(let scalar):
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
          throw CommandFailure(
            .usage, "--params \(path): parameter \(key) has no value; give one or remove it")
        }
        arguments.append((key, scalar.string))
      case .sequence(let sequence):
        var items: [String] = []
        for item in sequence {
          guard let text = item.scalar?.string else {
            throw CommandFailure(
              .usage, "--params \(path): parameter \(key): list items must be plain values")
          }
          if text.contains(",") {
            throw CommandFailure(
              .usage, "--params \(path): parameter \(key): the list item \"\(text)\" contains a comma")
          }
          items.append(text)
        }
        arguments.append((key, items.joined(separator: ",")))
      default:
        throw CommandFailure(
          .usage, "--params \(path): parameter \(key) must be a value or a list of values, not a mapping")
      }
    }
    self.arguments = arguments
  }

  /// The arguments for `ParameterBinder`: the file's entries that `overrides` (the command
  /// line's `key=value` arguments) do not set, then `overrides`. An unknown name in the file is
  /// a usage error naming the file.
  func merged(with overrides: [String], header: RunbookHeader) throws -> [String] {
    let overridden = Set(
      overrides.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
    var result: [String] = []
    for (key, value) in arguments where !overridden.contains(key) {
      guard header.parameter(named: key) != nil else {
        throw CommandFailure(
          .usage, "--params \(path): " + ParameterBinder.unknownParameterMessage(key, header))
      }
      result.append("\(key)=\(value)")
    }
    return result + overrides
  }

  private static func reason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return nsError.localizedDescription
  }
}
