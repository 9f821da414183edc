--- time: window strings, ISO 8601 date-times in UTC, and epoch helpers.
---
--- All arithmetic is done on the proleptic Gregorian calendar with the days-from-civil
--- algorithm (H. Hinnant), never with the local time zone, so results are the same on every
--- machine. Epochs are seconds since 1970-01-01T00:00:00Z; an epoch with a fraction is a float.
local time = {}

local UNITS = { s = 1, m = 60, h = 3600, d = 86400, w = 604800 }

--- Seconds in a window string: a number with an optional unit `s`, `m`, `h`, `d` or `w`
--- (seconds when none), as the API's `window` parameter takes it (`30s`, `5m`, `1h`, `2d`,
--- `1w`, `90`). Compound windows such as `1h30m` are accepted too. An integer is returned
--- unchanged. Raises `time: invalid window "..."` otherwise.
---@param window string|integer
---@return integer seconds
function time.parse_window(window)
  if math.type(window) == "integer" and window > 0 then
    return window
  end
  local text = type(window) == "string" and window:match("^%s*(.-)%s*$") or nil
  local function fail()
    error(
      string.format(
        'time: invalid window "%s" (expected a number with an optional unit s, m, h, d or w, such as 30m, 1h or 2d)',
        tostring(window)
      ),
      2
    )
  end
  if not text or text == "" then
    fail()
  end
  if text:match("^%d+$") then
    local n = math.tointeger(tonumber(text))
    if not n or n <= 0 then
      fail()
    end
    return n
  end
  local total, rest = 0, text
  while rest ~= "" do
    local digits, unit, tail = rest:match("^(%d+)([smhdwSMHDW])(.*)$")
    if not digits then
      fail()
    end
    total = total + math.tointeger(tonumber(digits)) * UNITS[unit:lower()]
    rest = tail
  end
  if total <= 0 then
    fail()
  end
  return total
end

--- The shortest window string for a number of seconds, in the largest unit that divides it
--- exactly (`3600` -> `"1h"`, `90` -> `"90s"`, `172800` -> `"2d"`). Suitable for the API.
---@param seconds integer
---@return string
function time.format_window(seconds)
  assert(math.type(seconds) == "integer" and seconds > 0, "time.format_window: seconds must be a positive integer")
  for _, unit in ipairs({ "w", "d", "h", "m" }) do
    if seconds % UNITS[unit] == 0 then
      return (seconds // UNITS[unit]) .. unit
    end
  end
  return seconds .. "s"
end

--- Days since 1970-01-01 of a civil date (proleptic Gregorian).
---@param y integer
---@param m integer 1..12
---@param d integer 1..31
---@return integer
function time.days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- The civil date of a day count since 1970-01-01.
---@param z integer
---@return integer y
---@return integer m
---@return integer d
function time.civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then
    y = y + 1
  end
  return y, m, d
end

local function is_leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

--- Days in a month.
---@param y integer
---@param m integer
---@return integer
function time.days_in_month(y, m)
  if m == 2 then
    return is_leap(y) and 29 or 28
  end
  return (m == 4 or m == 6 or m == 9 or m == 11) and 30 or 31
end

--- Epoch seconds of a UTC civil date-time.
---@param y integer
---@param mo integer
---@param d integer
---@param h? integer
---@param mi? integer
---@param s? number
---@return number
function time.epoch(y, mo, d, h, mi, s)
  return time.days_from_civil(y, mo, d) * 86400 + (h or 0) * 3600 + (mi or 0) * 60 + (s or 0)
end

--- Parses an ISO 8601 date-time and returns epoch seconds (UTC).
--- Accepts `2026-11-27T03:00:00Z`, `2026-11-27T05:00:00+02:00`, `+0200`, `+02`, fractional
--- seconds (`03:00:00.250Z`, giving a float), a space instead of `T`, minutes without seconds
--- (`2026-11-27T03:00Z`) and a bare date (`2026-11-27`, midnight UTC). A date-time without
--- an offset is taken as UTC. Raises `time: invalid ISO 8601 date-time "..."` with the reason.
---@param text string
---@return number epoch  an integer unless the text has a fraction of a second
function time.parse_iso(text)
  local function fail(reason)
    error(string.format('time: invalid ISO 8601 date-time "%s"%s', tostring(text), reason and (": " .. reason) or ""), 2)
  end
  if type(text) ~= "string" then
    fail("not a string")
  end
  local s = text:match("^%s*(.-)%s*$")
  local y, mo, d, rest = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
  if not y then
    fail("expected YYYY-MM-DD")
  end
  y, mo, d = tonumber(y) // 1, tonumber(mo) // 1, tonumber(d) // 1
  local h, mi, sec, frac, zone = 0, 0, 0, nil, ""
  if rest ~= "" then
    local hh, mm, tail = rest:match("^[Tt ](%d%d):(%d%d)(.*)$")
    if not hh then
      fail("expected THH:MM after the date")
    end
    h, mi = tonumber(hh) // 1, tonumber(mm) // 1
    local ss, tail2 = tail:match("^:(%d%d)(.*)$")
    if ss then
      sec = tonumber(ss) // 1
      tail = tail2
      local f, tail3 = tail:match("^[.,](%d+)(.*)$")
      if f then
        frac = tonumber("0." .. f)
        tail = tail3
      end
    end
    zone = tail
  end
  if mo < 1 or mo > 12 then
    fail("month out of range")
  end
  if d < 1 or d > time.days_in_month(y, mo) then
    fail("day out of range")
  end
  if h > 23 or mi > 59 or sec > 59 then
    fail("time out of range")
  end
  local offset = 0
  if zone == "" or zone == "Z" or zone == "z" then
    offset = 0
  else
    local sign, oh, om = zone:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then
      sign, oh = zone:match("^([+-])(%d%d)$")
      om = "00"
    end
    if not sign then
      fail("bad time zone '" .. zone .. "'")
    end
    oh, om = tonumber(oh) // 1, tonumber(om) // 1
    if oh > 23 or om > 59 then
      fail("time zone out of range")
    end
    offset = (oh * 3600 + om * 60) * (sign == "-" and -1 or 1)
  end
  local epoch = time.epoch(y, mo, d, h, mi, sec) - offset
  if frac and frac > 0 then
    return epoch + frac
  end
  return epoch
end

---@class time.FormatOptions
---@field digits? integer  fractional-second digits, rounded (0..9; default 0: the fraction is dropped)
---@field offset? integer  seconds east of UTC to show the time in (default 0, printed as Z)

--- Formats epoch seconds as ISO 8601, UTC by default: `2026-11-27T03:00:00Z`.
---@param epoch number
---@param opts? time.FormatOptions
---@return string
function time.format_iso(epoch, opts)
  assert(type(epoch) == "number", "time.format_iso: epoch must be a number")
  opts = opts or {}
  local digits = opts.digits or 0
  local offset = opts.offset or 0
  local scale = 10 ^ digits
  local whole = math.floor(epoch)
  local frac_units = digits > 0 and math.floor((epoch - whole) * scale + 0.5) or 0
  if frac_units >= scale then
    whole = whole + 1
    frac_units = 0
  end
  whole = math.tointeger(whole) + offset
  local days = whole // 86400
  local secs = whole - days * 86400
  local y, m, d = time.civil_from_days(days)
  local out = string.format("%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, secs // 3600, secs % 3600 // 60, secs % 60)
  if digits > 0 then
    out = out .. string.format(".%0" .. digits .. "d", math.tointeger(frac_units))
  end
  if offset == 0 then
    return out .. "Z"
  end
  local sign = offset < 0 and "-" or "+"
  local a = math.abs(offset)
  return out .. string.format("%s%02d:%02d", sign, a // 3600, a % 3600 // 60)
end

--- The UTC date of an epoch: `2026-11-27`.
---@param epoch number
---@return string
function time.format_date(epoch)
  return time.format_iso(epoch):sub(1, 10)
end

--- Current epoch seconds (an integer). In a run this is `te.now()`, terun's clock (the one a
--- test harness or the simulator's runs see); without `te` (plain `lua5.4`) it is `os.time()`,
--- which does not depend on the zone.
---@return integer
function time.now()
  local te = rawget(_G, "te")
  if type(te) == "table" and type(te.now) == "function" then
    local now = time.to_epoch(te.now())
    if now ~= nil then
      return now
    end
  end
  return os.time()
end

--- An integer epoch from a number (floored) or an ISO 8601 string; nil for nil. Handy for
--- values such as `te.now()` whatever form they take.
---@param value number|string|nil
---@return integer?
function time.to_epoch(value)
  if value == nil then
    return nil
  end
  if type(value) == "string" then
    value = time.parse_iso(value)
  end
  if type(value) ~= "number" then
    error("time.to_epoch: expected a number or an ISO 8601 string, got a " .. type(value), 2)
  end
  return math.tointeger(math.floor(value))
end

--- Rounds an epoch down to a multiple of `step` seconds (for bucketing rounds).
---@param epoch number
---@param step integer
---@return integer
function time.floor(epoch, step)
  return math.tointeger(math.floor(epoch) // step * step)
end

---@class time.Range
---@field start integer epoch seconds
---@field finish integer epoch seconds
---@field query table  API query parameters: `{ window = "1h" }` or `{ startDate = ..., endDate = ... }`
---@field label string  human description ("last 1h", "2026-11-27T00:00:00Z .. 2026-11-27T06:00:00Z")

--- Stops with a usage error naming `param`: through `te.usage_error` in a run (exit 2), as a
--- plain error elsewhere.
local function refuse(param, message)
  local te = rawget(_G, "te")
  if type(te) == "table" and type(te.usage_error) == "function" then
    te.usage_error(param, message)
  end
  error(string.format("time: %s: %s", param, message), 3)
end

--- Resolves runbook parameters `window` or `start`/`end` (ISO 8601) into a time range and the
--- API query that asks for it, so that a runbook can pass `te.params` as it is. `start`
--- without `end` runs to `now` and must be in the past; `end` without `start`, and an `end`
--- not after `start`, are usage errors naming the parameter; a window is used when no
--- `start` is given.
---@param params {window?: string|integer, start?: string, ["end"]?: string}
---@param now? integer  current epoch (default `time.now()`)
---@param default_window? string  when params has no window (default "1h")
---@return time.Range
function time.range(params, now, default_window)
  now = now or time.now()
  local start_text, end_text = params.start, params["end"]
  if start_text == "" then
    start_text = nil
  end
  if end_text == "" then
    end_text = nil
  end
  if end_text and not start_text then
    refuse("end", "needs start=... as well (or use window=)")
  end
  if start_text then
    local start = math.tointeger(math.floor(time.parse_iso(start_text)))
    local finish = end_text and math.tointeger(math.floor(time.parse_iso(end_text))) or now
    if not end_text and start >= now then
      refuse("start", string.format("%s is not in the past; give end=... as well", start_text))
    end
    if finish <= start then
      refuse("end", string.format("must be after start (%s)", time.format_iso(start)))
    end
    local start_iso, end_iso = time.format_iso(start), time.format_iso(finish)
    return {
      start = start,
      finish = finish,
      query = { startDate = start_iso, endDate = end_iso },
      label = start_iso .. " .. " .. end_iso,
    }
  end
  local window = params.window
  if window == nil or window == "" then
    window = default_window or "1h"
  end
  local seconds = time.parse_window(window)
  local text = time.format_window(seconds)
  return { start = now - seconds, finish = now, query = { window = text }, label = "last " .. text }
end

return time
