/// The rounds a test-results request covers: round ids `from, from+interval, ... < to`.
///
/// Round ids are epoch seconds aligned to the test's interval, so consecutive windows line
/// up. Without `window` or dates the latest completed round is returned. A round that has
/// not finished yet (it began at or after the last aligned boundary before now) is never
/// included, so a window fixed by `startDate`/`endDate` in the past is fully stable.
struct ResultWindow: Equatable {
  var from: Int
  var to: Int
  var interval: Int

  var roundCount: Int { max(0, (to - from) / interval) }

  /// Parses `window` (`12h`, `2d`, `90` seconds), `startDate`, `endDate` from the query.
  static func resolve(_ request: SimRequest, interval: Int, now: Int) throws -> ResultWindow {
    let latest = now / interval * interval
    let window = request.queryValue("window")
    let startText = request.queryValue("startDate")
    let endText = request.queryValue("endDate")
    if window != nil && (startText != nil || endText != nil) {
      throw APIError.badRequest(
        "Use either window or startDate/endDate, not both.",
        errors: [
          .init(
            code: "INVALID_VALUE", field: "window",
            message: "window cannot be combined with startDate or endDate.")
        ])
    }
    var start: Int
    var end = latest
    if let window {
      guard let seconds = parseWindow(window), seconds > 0 else {
        throw APIError.badRequest(
          "Invalid window.",
          errors: [
            .init(
              code: "INVALID_VALUE", field: "window",
              message: "window must match ^\\d+[smhdw]?$, for example 12h.")
          ])
      }
      start = end - seconds
    } else if startText != nil || endText != nil {
      var startEpoch: Int?
      if let startText {
        guard let s = ISODate.parse(startText) else { throw dateError("startDate", startText) }
        startEpoch = s
      }
      if let endText {
        guard let e = ISODate.parse(endText) else { throw dateError("endDate", endText) }
        if let startEpoch, startEpoch > e {
          throw APIError.badRequest(
            "startDate is after endDate.",
            errors: [
              .init(
                code: "INVALID_VALUE", field: "startDate", message: "startDate must not be after endDate.")
            ])
        }
        end = min(latest, (e + interval - 1) / interval * interval)
      }
      start = startEpoch ?? end - interval
    } else {
      start = end - interval
    }
    let from = (start + interval - 1) / interval * interval
    return ResultWindow(from: from, to: max(from, end), interval: interval)
  }

  private static func dateError(_ field: String, _ text: String) -> APIError {
    APIError.badRequest(
      "Invalid \(field).",
      errors: [
        .init(
          code: "INVALID_VALUE", field: field, message: "\(field) must be an ISO 8601 date-time, not \(text)."
        )
      ])
  }

  /// `12h` → 43200; a bare number is seconds.
  static func parseWindow(_ text: String) -> Int? {
    guard let last = text.last else { return nil }
    let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
    if let scale = units[last] {
      guard let n = Int(text.dropLast()), n >= 0 else { return nil }
      let (value, overflow) = n.multipliedReportingOverflow(by: scale)
      return overflow ? nil : value
    }
    guard let n = Int(text), n >= 0 else { return nil }
    return n
  }
}
