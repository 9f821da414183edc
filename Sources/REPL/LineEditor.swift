import AtomicFile
import CREPLSupport
import Foundation

/// One read from the terminal.
enum LineInput: Equatable {
  case line(String)
  /// Ctrl-C while editing: the line is dropped.
  case interrupted
  /// Ctrl-D on an empty line (or the end of input).
  case endOfInput
}

/// The completer libedit's C callback reaches (one line editor per process).
nonisolated(unsafe) private var activeCompleter: ((String, Bool, String) -> [String])?

/// Line editing through libedit's readline-compatible interface: prompts, history persisted
/// in a file, Tab completion. Ctrl-C is taken by the REPL's SIGINT handler (libedit's own
/// signal handling is off), which makes the blocking read return so the line is dropped.
final class LineEditor {
  private let historyPath: String?
  /// Lines kept in the history file.
  static let historyLimit: Int32 = 1000

  /// Sets libedit up; `complete(word, atLineStart, before)` gives Tab's candidates (`before`
  /// is the line's text before the word, e.g. `sg[1]` for the word `.pub`).
  init(historyPath: String?, complete: @escaping (String, Bool, String) -> [String]) {
    self.historyPath = historyPath
    activeCompleter = complete
    terun_repl_editline_setup(
      { text, start in
        let word = text.map { String(cString: $0) } ?? ""
        let line = Array(String(cString: terun_repl_editline_line()).utf8)
        let before = String(decoding: line.prefix(max(0, Int(start))), as: UTF8.self)
        return LineEditor.matches(activeCompleter?(word, start == 0, before) ?? [])
      }, Self.historyLimit)
    if let historyPath { _ = terun_repl_editline_load_history(historyPath) }
  }

  /// Reads a line after showing `prompt`.
  func read(prompt: String) -> LineInput {
    _ = terun_repl_take_sigint()
    let line = terun_repl_editline_read(prompt)
    let interrupted = terun_repl_take_sigint() != 0
    defer { free(line) }
    if interrupted { return .interrupted }
    guard let line else { return .endOfInput }
    return .line(String(cString: line))
  }

  /// Adds a line to the history and saves the history file.
  func remember(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    terun_repl_editline_remember(line)
    save()
  }

  /// Writes the history file (atomically: a failed save keeps the old history).
  func save() {
    guard let historyPath else { return }
    try? AtomicFile.replace(historyPath, permissions: 0o600) { temporary in
      if terun_repl_editline_save_history(temporary) != 0 {
        throw AtomicFileError(path: historyPath, reason: "libedit could not write the history")
      }
    }
  }

  /// The readline match list: the common prefix first (when there are several), then the
  /// candidates, then NULL; libedit frees it.
  static func matches(_ candidates: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard !candidates.isEmpty else { return nil }
    let entries = candidates.count == 1 ? candidates : [Completer.commonPrefix(candidates)] + candidates
    guard let list = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)) else {
      return nil
    }
    let typed = list.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (position, entry) in entries.enumerated() { typed[position] = strdup(entry) }
    typed[entries.count] = nil
    return typed
  }
}
