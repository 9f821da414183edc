/// One of the five fields of a cron expression, with its range and names.
public enum CronField: Int, Sendable, CaseIterable, CustomStringConvertible {
  case minute, hour, dayOfMonth, month, dayOfWeek

  /// The smallest value the field takes.
  public var lowerBound: Int {
    switch self {
    case .minute, .hour, .dayOfWeek: return 0
    case .dayOfMonth, .month: return 1
    }
  }

  /// The largest value the field takes (7 for day-of-week, an alias of Sunday).
  public var upperBound: Int {
    switch self {
    case .minute: return 59
    case .hour: return 23
    case .dayOfMonth: return 31
    case .month: return 12
    case .dayOfWeek: return 7
    }
  }

  /// Names accepted for values (JAN-DEC, SUN-SAT), upper-cased.
  var names: [String: Int] {
    switch self {
    case .month:
      let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
      return Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, $0 + 1) })
    case .dayOfWeek:
      let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
      return Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
    default:
      return [:]
    }
  }

  public var description: String {
    switch self {
    case .minute: return "minute"
    case .hour: return "hour"
    case .dayOfMonth: return "day-of-month"
    case .month: return "month"
    case .dayOfWeek: return "day-of-week"
    }
  }
}
