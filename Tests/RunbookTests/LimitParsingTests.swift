import Testing

@testable import Runbook

@Suite("Sizes and durations")
struct LimitParsingTests {
  @Test(arguments: [
    ("67108864", 67_108_864), ("64MB", 64_000_000), ("64MiB", 67_108_864), ("1GiB", 1_073_741_824),
    ("1gib", 1_073_741_824), ("1.5KiB", 1536), ("10 kB", 10_000), ("512B", 512), ("2G", 2_000_000_000),
  ])
  func parsesSizes(text: String, bytes: Int) throws {
    let size = try ByteSize(parsing: text)
    #expect(size.bytes == bytes)
    #expect(size.spelling == text)
  }

  @Test(arguments: [
    ("64XB", "unknown unit 'XB'"), ("MB", "expected a number"), ("", "expected a number"),
    ("-1MB", "expected a number"), ("99999999999999TB", "too large"),
  ])
  func rejectsBadSizes(text: String, reason: String) {
    #expect {
      _ = try ByteSize(parsing: text)
    } throws: { error in
      let message = (error as? LimitParseError)?.message ?? ""
      return message.hasPrefix("invalid size '\(text)'") && message.contains(reason)
    }
  }

  @Test(arguments: [
    ("500ms", 0.5), ("2s", 2), ("10m", 600), ("1h", 3600), ("30", 30), ("1.5", 1.5), ("1h30m", 5400),
    ("0.25s", 0.25),
  ])
  func parsesDurations(text: String, seconds: Double) throws {
    let duration = try DurationSpec(parsing: text)
    #expect(abs(duration.seconds - seconds) < 1e-9)
    #expect(duration.spelling == text)
  }

  @Test(arguments: [
    ("2y", "unknown unit 'y'"), ("s", "expected a number"), ("", "empty"), ("-3s", "expected a number"),
    ("1 hour", "unknown unit ' hour'"), ("five minutes", "expected a number"),
  ])
  func rejectsBadDurations(text: String, reason: String) {
    #expect {
      _ = try DurationSpec(parsing: text)
    } throws: { error in
      let message = (error as? LimitParseError)?.message ?? ""
      return message.hasPrefix("invalid duration '\(text)'") && message.contains(reason)
    }
  }

  @Test func durationsAreEqualByLengthNotSpelling() throws {
    #expect(try DurationSpec(parsing: "60s") == DurationSpec(parsing: "1m"))
    #expect(try Set([DurationSpec(parsing: "1h"), DurationSpec(parsing: "60m")]).count == 1)
    #expect(try DurationSpec(parsing: "1h") != DurationSpec(parsing: "1h1s"))
  }

  @Test(arguments: [("1500ms", 2), ("2s", 2), ("0", 0), ("0.001", 1), ("1h", 3600)] as [(String, Int64)])
  func roundsUpToWholeSeconds(text: String, seconds: Int64) throws {
    #expect(try DurationSpec(parsing: text).wholeSecondsRoundedUp == seconds)
  }

  @Test func parseErrorsAreUsageErrors() {
    #expect(ExitStatus.of(LimitParseError("x")) == .usage)
  }
}
