// page-scan-bench: measures ThousandEyes' PageScanner on page bodies.
//
// Usage: page-scan-bench [--runs N] FILE...
// For each file prints `pagescan <mode> <file> <MB/s> <µs per page>`, the median of N runs
// (default 7) of CPU time. Modes:
// - counting: `countingItems: true`, as with a progress line: the collection is walked (and
//   checked) forwards to count its items;
// - links: `countingItems: false`, as in a quiet export: `_links` is read backwards from the end.

import Foundation
import ThousandEyes

/// CPU time of this process (the machine is shared, so wall time would measure the neighbours).
func now() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

var runs = 7
var files: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  if argument == "--runs", let value = arguments.popFirst(), let count = Int(value) {
    runs = count
  } else {
    files.append(argument)
  }
}
if files.isEmpty {
  FileHandle.standardError.write("usage: page-scan-bench [--runs N] FILE...\n".data(using: .utf8)!)
  exit(2)
}

for file in files {
  guard let data = FileManager.default.contents(atPath: file) else {
    FileHandle.standardError.write("page-scan-bench: cannot read \(file)\n".data(using: .utf8)!)
    exit(1)
  }
  let name = (file as NSString).lastPathComponent
  let body = [UInt8](data)
  for (mode, counting) in [("counting", true), ("links", false)] {
    let result = try PageScanner.scan(body, collectionKey: "results", countingItems: counting)
    guard result.nextHref != nil else {
      FileHandle.standardError.write("page-scan-bench: \(file) has no _links.next.href\n".data(using: .utf8)!)
      exit(1)
    }
    // Each run repeats the scan until at least 64 MB went through.
    let repeats = max(1, 64_000_000 / max(body.count, 1))
    var seconds: [Double] = []
    for _ in 0..<runs {
      let start = now()
      for _ in 0..<repeats {
        _ = try PageScanner.scan(body, collectionKey: "results", countingItems: counting)
      }
      seconds.append((now() - start) / Double(repeats))
    }
    let median = seconds.sorted()[seconds.count / 2]
    print(
      "pagescan \(mode) \(name) \(String(format: "%.1f", Double(body.count) / median / 1e6))"
        + " \(String(format: "%.1f", median * 1e6))")
  }
}
