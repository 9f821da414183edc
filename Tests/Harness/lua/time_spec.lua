-- Unit tests for stdlib/time.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local time = require("time")

describe("windows", function()
  it("parses units and bare seconds", function()
    assert.equals(30, time.parse_window("30s"))
    assert.equals(300, time.parse_window("5m"))
    assert.equals(3600, time.parse_window("1h"))
    assert.equals(172800, time.parse_window("2d"))
    assert.equals(604800, time.parse_window("1w"))
    assert.equals(90, time.parse_window("90"))
    assert.equals(5400, time.parse_window("1h30m"))
    assert.equals(3600, time.parse_window(" 1H "))
    assert.equals(120, time.parse_window(120))
  end)

  it("rejects nonsense with a clear message", function()
    for _, bad in ipairs({ "", "h", "1x", "-5m", "1.5h", "0", "0m", "m5" }) do
      assert.has_error(function()
        time.parse_window(bad)
      end, 'time: invalid window "' .. bad .. '"')
    end
    assert.has_error(function()
      time.parse_window(nil)
    end, "expected a number with an optional unit")
  end)

  it("formats in the largest exact unit", function()
    assert.equals("1h", time.format_window(3600))
    assert.equals("90s", time.format_window(90))
    assert.equals("2d", time.format_window(172800))
    assert.equals("1w", time.format_window(604800))
    assert.equals("25h", time.format_window(90000))
  end)
end)

describe("calendar", function()
  it("converts civil dates and days both ways", function()
    assert.equals(0, time.days_from_civil(1970, 1, 1))
    assert.equals(-1, time.days_from_civil(1969, 12, 31))
    assert.equals(11017, time.days_from_civil(2000, 3, 1))
    assert.equals(20419, time.days_from_civil(2025, 11, 27))
    for _, z in ipairs({ -719468, -1, 0, 59, 60, 11016, 11017, 20419, 2932896 }) do
      local y, m, d = time.civil_from_days(z)
      assert.equals(z, time.days_from_civil(y, m, d), "round trip of day " .. z)
    end
    assert.same({ 2000, 2, 29 }, { time.civil_from_days(time.days_from_civil(2000, 2, 29)) })
  end)

  it("knows leap years", function()
    assert.equals(29, time.days_in_month(2024, 2))
    assert.equals(28, time.days_in_month(1900, 2))
    assert.equals(29, time.days_in_month(2000, 2))
    assert.equals(30, time.days_in_month(2026, 11))
  end)
end)

describe("ISO 8601", function()
  -- 2026-11-27T03:00:00Z, checked with `date -u -d 2026-11-27T03:00:00Z +%s`
  local T = 1795748400

  it("parses Z, offsets, fractions and short forms", function()
    assert.equals(T, time.parse_iso("2026-11-27T03:00:00Z"))
    assert.equals(T, time.parse_iso("2026-11-27T05:00:00+02:00"))
    assert.equals(T, time.parse_iso("2026-11-26T22:30:00-04:30"))
    assert.equals(T, time.parse_iso("2026-11-27T05:00:00+0200"))
    assert.equals(T, time.parse_iso("2026-11-27T05:00:00+02"))
    assert.equals(T, time.parse_iso("2026-11-27 03:00:00z"))
    assert.equals(T, time.parse_iso("2026-11-27T03:00Z"))
    assert.equals(T, time.parse_iso("2026-11-27T03:00:00"))
    assert.equals(T - 3 * 3600, time.parse_iso("2026-11-27"))
    assert.equals(T + 0.25, time.parse_iso("2026-11-27T03:00:00.250Z"))
    assert.equals("float", math.type(time.parse_iso("2026-11-27T03:00:00.5Z")))
    assert.equals("integer", math.type(time.parse_iso("2026-11-27T03:00:00.000Z")))
    assert.equals(951782400, time.parse_iso("2000-02-29T00:00:00Z"))
    assert.equals(-86400, time.parse_iso("1969-12-31T00:00:00Z"))
  end)

  it("rejects malformed or out-of-range values with a reason", function()
    local cases = {
      { "2026-13-01T00:00:00Z", "month out of range" },
      { "2026-02-29T00:00:00Z", "day out of range" },
      { "2026-11-27T24:00:00Z", "time out of range" },
      { "2026-11-27T03:00:00+25:00", "time zone out of range" },
      { "2026-11-27T03:00:00 UTC", "bad time zone" },
      { "27/11/2026", "expected YYYY-MM-DD" },
      { "2026-11-27T3:00Z", "expected THH:MM" },
    }
    for _, c in ipairs(cases) do
      assert.has_error(function()
        time.parse_iso(c[1])
      end, 'time: invalid ISO 8601 date-time "' .. c[1] .. '": ' .. c[2])
    end
  end)

  it("formats UTC, with fractions and offsets", function()
    assert.equals("2026-11-27T03:00:00Z", time.format_iso(T))
    assert.equals("1970-01-01T00:00:00Z", time.format_iso(0))
    assert.equals("1969-12-31T23:59:59Z", time.format_iso(-1))
    assert.equals("2026-11-27T03:00:00.250Z", time.format_iso(T + 0.25, { digits = 3 }))
    assert.equals("2026-11-27T03:00:01.000Z", time.format_iso(T + 0.9996, { digits = 3 }))
    assert.equals("2026-11-27T03:00:00Z", time.format_iso(T + 0.7))
    assert.equals("2026-11-27T05:30:00+02:30", time.format_iso(T, { offset = 9000 }))
    assert.equals("2026-11-26T23:00:00-04:00", time.format_iso(T, { offset = -14400 }))
    assert.equals("2026-11-27", time.format_date(T))
  end)

  it("round-trips through parse", function()
    for _, e in ipairs({ 0, 1, 951782400, T, 4102444799, -62135596800 }) do
      assert.equals(e, time.parse_iso(time.format_iso(e)))
    end
  end)
end)

describe("ranges", function()
  local now = 1795748400

  it("uses a window, defaulting to 1h", function()
    local r = time.range({}, now)
    assert.same({ window = "1h" }, r.query)
    assert.equals(now - 3600, r.start)
    assert.equals(now, r.finish)
    assert.equals("last 1h", r.label)
    assert.same({ window = "1d" }, time.range({ window = "24h" }, now).query)
    assert.same({ window = "2h" }, time.range({ window = "" }, now, "2h").query)
  end)

  it("uses start and end, normalised to UTC", function()
    local r = time.range({ start = "2026-11-27T01:00:00+01:00", ["end"] = "2026-11-27T03:00:00Z", window = "1h" }, now)
    assert.same({ startDate = "2026-11-27T00:00:00Z", endDate = "2026-11-27T03:00:00Z" }, r.query)
    assert.equals(now - 3 * 3600, r.start)
    local open = time.range({ start = "2026-11-27T02:00:00Z" }, now)
    assert.equals("2026-11-27T03:00:00Z", open.query.endDate)
  end)

  it("rejects end without start, end before start, and an open start in the future", function()
    assert.has_error(function()
      time.range({ ["end"] = "2026-11-27T03:00:00Z" }, now)
    end, "time: end: needs start=... as well (or use window=)")
    assert.has_error(function()
      time.range({ start = "2026-11-27T03:00:00Z", ["end"] = "2026-11-27T02:00:00Z" }, now)
    end, "time: end: must be after start (2026-11-27T03:00:00Z)")
    assert.has_error(function()
      time.range({ start = "2026-11-27T04:00:00Z" }, now)
    end, "time: start: 2026-11-27T04:00:00Z is not in the past; give end=... as well")
  end)

  it("converts numbers and ISO strings to integer epochs", function()
    assert.equals(now, time.to_epoch(now + 0.9))
    assert.equals("integer", math.type(time.to_epoch(1.0)))
    assert.equals(now, time.to_epoch("2026-11-27T03:00:00Z"))
    assert.is_nil(time.to_epoch(nil))
    assert.has_error(function()
      time.to_epoch({})
    end, "time.to_epoch: expected a number or an ISO 8601 string, got a table")
  end)

  it("takes now from te.now when te is there, and from os.time otherwise", function()
    local saved = rawget(_G, "te")
    local function now_with(te)
      _G.te = te
      local ok, value = pcall(time.now)
      _G.te = saved
      assert.truthy(ok, value)
      return value
    end
    assert.equals(now, now_with({ now = function() return now end }))
    assert.equals(now, now_with({ now = function() return now + 0.75 end }), "a fraction is dropped")
    assert.equals("integer", math.type(now_with({ now = function() return now + 0.75 end })))
    assert.equals(now, now_with({ now = function() return "2026-11-27T03:00:00Z" end }), "an ISO string")
    for _, te in ipairs({ false, {}, { now = "soon" }, { now = function() return nil end } }) do
      local before = os.time()
      local got = now_with(te or nil)
      assert.truthy(got >= before and got <= os.time(), "os.time() without a te.now clock")
    end
    -- time.range's default now is the same clock.
    _G.te = { now = function() return now end }
    local ok, r = pcall(time.range, { window = "1h" })
    _G.te = saved
    assert.truthy(ok, r)
    assert.equals(now, r.finish)
    assert.equals(now - 3600, r.start)
  end)

  it("floors to steps", function()
    assert.equals(now, time.floor(now + 59, 60))
    assert.equals(-60, time.floor(-1, 60))
  end)
end)
