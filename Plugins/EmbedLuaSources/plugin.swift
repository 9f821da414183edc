import Foundation
import PackagePlugin

/// Embeds the package's top-level `stdlib/` and `runbooks/` Lua sources into the target as a
/// generated Swift file, so an installed terun needs no files beside it and the copy cannot go stale.
@main
struct EmbedLuaSources: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
    let root = context.package.directoryURL
    let folders = ["stdlib", "runbooks", "Sources/Runbook/Lua"].map { root.appendingPathComponent($0) }
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedLuaSources.swift")
    var inputs: [URL] = []
    for folder in folders {
      inputs.append(contentsOf: luaFiles(under: folder))
    }
    let tool = try context.tool(named: "EmbedLuaSourcesTool")
    return [
      .buildCommand(
        displayName: "Embedding \(inputs.count) Lua sources from stdlib/, runbooks/ and Sources/Runbook/Lua/",
        executable: tool.url,
        arguments: [output.path] + folders.map(\.path),
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
