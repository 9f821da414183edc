import Foundation
import PackagePlugin

/// Embeds Lua sources into a target as a generated Swift file, so an installed terun needs no
/// files beside it and the copy cannot go stale:
/// - the target's own `Lua/` folder (the Lua half of its Swift code: the `te` library, the
///   prelude, the sandbox set-up), keyed by path (`te/paging.lua`);
/// - for `Runbook`, the package's top-level `stdlib/` and `runbooks/` folders.
@main
struct EmbedLuaSources: BuildToolPlugin {
  /// Package-level folders embedded into a target beside its own `Lua/` folder.
  static let packageFolders = ["Runbook": ["stdlib", "runbooks"]]

  func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
    let root = context.package.directoryURL
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedLuaSources.swift")
    var arguments = [output.path]
    var inputs: [URL] = []
    let library = URL(fileURLWithPath: target.directory.string).appendingPathComponent("Lua")
    if FileManager.default.fileExists(atPath: library.path) {
      arguments += ["--library", library.path]
      inputs += luaFiles(under: library)
    }
    for name in Self.packageFolders[target.name] ?? [] {
      let folder = root.appendingPathComponent(name)
      arguments += ["--" + name, folder.path]
      inputs += luaFiles(under: folder)
    }
    let tool = try context.tool(named: "EmbedLuaSourcesTool")
    return [
      .buildCommand(
        displayName: "Embedding \(inputs.count) Lua sources into \(target.name)",
        executable: tool.url,
        arguments: arguments,
        inputFiles: inputs,
        outputFiles: [output]
      )
    ]
  }

  private func luaFiles(under folder: URL) -> [URL] {
    guard
      let enumerator = FileManager.default.enumerator(
        at: folder, includingPropertiesForKeys: nil)
    else { return [] }
    var files: [URL] = []
    for case let url as URL in enumerator where url.pathExtension == "lua" {
      files.append(url)
    }
    return files.sorted { $0.path < $1.path }
  }
}
