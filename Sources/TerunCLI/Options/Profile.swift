import Foundation
import Runbook
import Yams

/// A named connection profile from `~/.config/terun/config.yaml`, selected with
/// `--profile NAME` or `TERUN_PROFILE`:
///
/// ```yaml
/// profiles:
///   prod:
///     base_url: https://api.thousandeyes.com
///     token_file: ~/.config/terun/prod.token
///     aid: "1234"
/// ```
///
/// A token is never stored in this file: a profile names a `token_file`, and a `token` key is
/// refused. Options on the command line win over the profile's values.
struct Profile: Equatable {
  var baseURL: String?
  var tokenFile: String?
  var aid: String?

  static let keys = ["base_url", "token_file", "aid"]

  /// The configuration file: `$XDG_CONFIG_HOME/terun/config.yaml`, else
  /// `~/.config/terun/config.yaml`.
  static func configPath(environment: [String: String]) -> String {
    if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
      return xdg + "/terun/config.yaml"
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.config/terun/config.yaml"
  }

  /// The profile to use: `--profile NAME`, else `TERUN_PROFILE`, else none.
  static func selected(
    name option: String?, environment: [String: String]
  ) throws -> Profile? {
    let fromEnvironment = environment["TERUN_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
    guard let name = option ?? fromEnvironment else { return nil }
    let source = option != nil ? "--profile \(name)" : "TERUN_PROFILE=\(name)"
    return try load(
      name: name, source: source, path: configPath(environment: environment), environment: environment)
  }

  /// Reads profile `name` from the file at `path`. Every problem is a usage error (exit 2)
  /// that says what to fix.
  static func load(name: String, source: String, path: String, environment: [String: String]) throws
    -> Profile
  {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw CommandFailure(
        .usage,
        "\(source): no profile file at \(path); create it with a profiles: mapping (base_url, token_file, aid)"
      )
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw CommandFailure(.usage, "\(path): not valid YAML: \(error)")
    }
    guard let profiles = root?.mapping?["profiles"]?.mapping else {
      throw CommandFailure(
        .usage, "\(path): expected a 'profiles' mapping of names to base_url, token_file, aid")
    }
    let names = profiles.keys.compactMap(\.string)
    guard let node = profiles[name] else {
      throw CommandFailure(
        .usage,
        "\(source): no profile named \(name) in \(path)"
          + (names.isEmpty ? "" : " (profiles: \(names.sorted().joined(separator: ", ")))"))
    }
    guard let mapping = node.mapping else {
      throw CommandFailure(.usage, "\(path): profile \(name) must be a mapping of base_url, token_file, aid")
    }
    var profile = Profile()
    for (keyNode, valueNode) in mapping {
      let key = keyNode.string ?? ""
      if key == "token" || key == "api_token" {
        throw CommandFailure(
          .usage,
          "\(path): profile \(name) stores a token inline; terun refuses that. Put the token in a file "
            + "readable only by you (chmod 600) and set token_file: FILE instead")
      }
      guard let value = valueNode.scalar?.string, !value.isEmpty else {
        throw CommandFailure(.usage, "\(path): profile \(name): \(key) must be a non-empty value")
      }
      switch key {
      case "base_url": profile.baseURL = value
      case "token_file": profile.tokenFile = expandHome(value, environment: environment, relativeTo: path)
      case "aid": profile.aid = value
      default:
        throw CommandFailure(
          .usage,
          "\(path): profile \(name): unknown key '\(key)' (expected \(keys.joined(separator: ", ")))")
      }
    }
    return profile
  }

  /// `~/x` is under the home folder; a relative path is relative to the config file's folder.
  private static func expandHome(_ path: String, environment: [String: String], relativeTo file: String)
    -> String
  {
    if path == "~" || path.hasPrefix("~/") {
      return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }
    if path.hasPrefix("/") { return path }
    return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
  }
}
