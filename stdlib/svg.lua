--- svg: small, dependency-free SVG charts.
---
--- ```lua
--- local svg = require("svg")
--- local picture = svg.line_chart({
---   title = "avgLatency (ms)",
---   series = {
---     { name = "Singapore", points = { { 1764212400, 41.5 }, { 1764212700, 43 } } },
---     { name = "Zürich & Co", points = { { 1764212400, 12 }, { 1764212700, nil } } },
---   },
--- })
--- ```
--- x values are epoch seconds (labelled as UTC times) unless `x_format` says otherwise; a nil
--- y leaves a gap in the line. Text is escaped, so names may hold `<`, `&` or quotes.
local time = require("time")

local svg = {}

--- A colour palette (Tableau 10), used in order and then repeated.
svg.palette = {
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
}

local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- Escapes text for SVG/XML content and attribute values. Control characters that XML 1.0
--- forbids are dropped.
---@param s any
---@return string
function svg.escape(s)
  s = tostring(s)
  s = s:gsub("[\0-\8\11\12\14-\31]", "")
  return (s:gsub("[&<>\"']", ESCAPES))
end

local function num(v)
  if math.type(v) == "integer" then
    return tostring(v)
  end
  local s = string.format("%.2f", v)
  s = s:gsub("0+$", ""):gsub("%.$", "")
  if s == "-0" then
    s = "0"
  end
  return s
end

--- "Nice" tick values from at or below `lo` to at or above `hi`: steps of 1, 2 or 5 times a power of ten, about
--- `count` of them. Returns the ticks and the step.
---@param lo number
---@param hi number
---@param count? integer  wanted number of intervals (default 5)
---@return number[] ticks
---@return number step
function svg.nice_ticks(lo, hi, count)
  count = count or 5
  if hi < lo then
    lo, hi = hi, lo
  end
  if hi == lo then
    local pad = lo == 0 and 1 or math.abs(lo) * 0.1
    lo, hi = lo - pad, hi + pad
  end
  local raw = (hi - lo) / count
  local mag = 10 ^ math.floor(math.log(raw, 10))
  local step
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    step = m * mag
    if step >= raw then
      break
    end
  end
  local first = math.floor(lo / step + 1e-9)
  local last = math.ceil(hi / step - 1e-9)
  local ticks = {}
  for k = first, math.min(last, first + 100) do
    local t = k * step
    if math.abs(t) < step * 1e-9 then
      t = 0
    end
    ticks[#ticks + 1] = math.tointeger(t) or t
  end
  return ticks, math.tointeger(step) or step
end

local TIME_STEPS = {
  1,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  10800,
  21600,
  43200,
  86400,
  172800,
  604800,
  1209600,
  2592000,
}

--- Tick values for a time axis (epoch seconds): round multiples of a step such as 5 min, 1 h
--- or 1 day, about `count` of them, inside [lo, hi].
---@param lo number
---@param hi number
---@param count? integer
---@return integer[] ticks
---@return integer step
function svg.time_ticks(lo, hi, count)
  count = count or 6
  local span = math.max(hi - lo, 1)
  local step = TIME_STEPS[#TIME_STEPS]
  for _, s in ipairs(TIME_STEPS) do
    if span / s <= count then
      step = s
      break
    end
  end
  local ticks = {}
  local t = math.ceil(lo / step) * step
  while t <= hi do
    ticks[#ticks + 1] = math.tointeger(t) or t
    t = t + step
  end
  return ticks, step
end

local function utc_label(epoch, step)
  epoch = math.floor(epoch)
  local days = epoch // 86400
  local secs = epoch - days * 86400
  local _, m, d = time.civil_from_days(days)
  local hm = string.format("%02d:%02d", secs // 3600, secs % 3600 // 60)
  if step >= 86400 then
    return string.format("%02d-%02d", m, d)
  elseif step < 60 then
    return string.format("%s:%02d", hm, secs % 60)
  elseif secs == 0 then
    return string.format("%02d-%02d", m, d)
  end
  return hm
end

---@class svg.Series
---@field name string
---@field points {[1]: number, [2]: number?}[]  {x, y} pairs; a nil y breaks the line
---@field color? string

---@class svg.LineChartOptions
---@field series svg.Series[]
---@field width? integer       default 800
---@field height? integer      default 400
---@field title? string
---@field x_label? string      default "time (UTC)"
---@field y_label? string
---@field x_format? fun(x: number, step: number): string  tick labels (default UTC HH:MM / MM-DD)
---@field y_format? fun(y: number): string
---@field palette? string[]
---@field y_zero? boolean      start the y axis at 0 when all values are positive (default true)

--- Draws a multi-series line chart and returns the SVG document as a string: axes with
--- ticks and labels, grid lines, one coloured polyline per series (with point markers while
--- points are at least ~8 px apart), and a legend on the right (names cut at 20 characters;
--- "+N more" when the series do not fit). With no data it draws the axes and "no data".
---@param opts svg.LineChartOptions
---@return string
function svg.line_chart(opts)
  assert(type(opts) == "table" and type(opts.series) == "table", "svg.line_chart: opts.series must be a list")
  local width, height = opts.width or 800, opts.height or 400
  local palette = opts.palette or svg.palette
  local series = opts.series
  local legend_w = #series > 0 and 170 or 0
  local left, right, top, bottom = 64, 16 + legend_w, opts.title and 36 or 16, 48
  local plot_w, plot_h = width - left - right, height - top - bottom

  local xmin, xmax, ymin, ymax
  for _, s in ipairs(series) do
    for _, p in ipairs(s.points or {}) do
      local x, y = p[1], p[2]
      if type(x) == "number" then
        xmin = (xmin == nil or x < xmin) and x or xmin
        xmax = (xmax == nil or x > xmax) and x or xmax
      end
      if type(x) == "number" and type(y) == "number" then
        ymin = (ymin == nil or y < ymin) and y or ymin
        ymax = (ymax == nil or y > ymax) and y or ymax
      end
    end
  end

  local out = {}
  local function add(fmt, ...)
    out[#out + 1] = string.format(fmt, ...)
  end
  add(
    '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">',
    width,
    height,
    width,
    height
  )
  add('<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>', width, height)
  if opts.title then
    add('<text x="%s" y="22" text-anchor="middle" font-size="15" font-weight="bold">%s</text>', num(left + plot_w / 2), svg.escape(opts.title))
  end

  if xmin == nil or ymin == nil then
    add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>', left, top + plot_h, left + plot_w, top + plot_h)
    add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>', left, top, left, top + plot_h)
    add('<text x="%s" y="%s" text-anchor="middle" fill="#666">no data</text>', num(left + plot_w / 2), num(top + plot_h / 2))
    out[#out + 1] = "</svg>"
    return table.concat(out, "\n")
  end

  if opts.y_zero ~= false and ymin > 0 then
    ymin = 0
  end
  local yticks, ystep = svg.nice_ticks(ymin, ymax, 5)
  local y_lo, y_hi = math.min(yticks[1], ymin), math.max(yticks[#yticks], ymax)
  if xmax == xmin then
    xmin, xmax = xmin - 30, xmax + 30
  end
  local xticks, xstep = svg.time_ticks(xmin, xmax, math.max(2, plot_w // 110))
  local function sx(x)
    return left + (x - xmin) / (xmax - xmin) * plot_w
  end
  local function sy(y)
    return top + plot_h - (y - y_lo) / (y_hi - y_lo) * plot_h
  end
  local x_format = opts.x_format or utc_label
  local y_format = opts.y_format or function(y)
    if ystep >= 1 then
      return num(math.tointeger(y) or y)
    end
    return num(y)
  end

  -- grid and y ticks
  add('<g stroke="#e5e5e5">')
  for _, t in ipairs(yticks) do
    add('<line x1="%d" y1="%s" x2="%d" y2="%s"/>', left, num(sy(t)), left + plot_w, num(sy(t)))
  end
  add("</g>")
  add('<g text-anchor="end" fill="#333">')
  for _, t in ipairs(yticks) do
    add('<text x="%d" y="%s" dy="4">%s</text>', left - 6, num(sy(t)), svg.escape(y_format(t)))
  end
  add("</g>")
  -- x ticks
  add('<g text-anchor="middle" fill="#333">')
  for _, t in ipairs(xticks) do
    local x = num(sx(t))
    add('<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#333"/>', x, top + plot_h, x, top + plot_h + 5)
    add('<text x="%s" y="%d">%s</text>', x, top + plot_h + 18, svg.escape(x_format(t, xstep)))
  end
  add("</g>")
  -- axes
  add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>', left, top + plot_h, left + plot_w, top + plot_h)
  add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>', left, top, left, top + plot_h)
  add('<text x="%s" y="%d" text-anchor="middle" fill="#333">%s</text>', num(left + plot_w / 2), height - 8, svg.escape(opts.x_label or "time (UTC)"))
  if opts.y_label then
    add(
      '<text x="14" y="%s" text-anchor="middle" fill="#333" transform="rotate(-90 14 %s)">%s</text>',
      num(top + plot_h / 2),
      num(top + plot_h / 2),
      svg.escape(opts.y_label)
    )
  end

  -- series
  for i, s in ipairs(series) do
    local color = s.color or palette[(i - 1) % #palette + 1]
    local pts = {}
    for _, p in ipairs(s.points or {}) do
      if type(p[1]) == "number" then
        pts[#pts + 1] = p
      end
    end
    table.sort(pts, function(a, b)
      return a[1] < b[1]
    end)
    local d, pen_down, markers = {}, false, {}
    for _, p in ipairs(pts) do
      if type(p[2]) == "number" then
        local x, y = num(sx(p[1])), num(sy(p[2]))
        d[#d + 1] = (pen_down and "L" or "M") .. x .. " " .. y
        markers[#markers + 1] = string.format('<circle cx="%s" cy="%s" r="2.5"/>', x, y)
        pen_down = true
      else
        pen_down = false
      end
    end
    add('<g class="series" data-name="%s">', svg.escape(s.name or ("series " .. i)))
    if #d > 0 then
      add('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>', table.concat(d, " "), svg.escape(color))
      -- Markers only while they stay apart (about 8 px per point).
      if #markers <= plot_w / 8 then
        add('<g fill="%s">%s</g>', svg.escape(color), table.concat(markers))
      end
    end
    add("</g>")
  end

  -- legend
  local lx = width - legend_w + 8
  add('<g class="legend">')
  local fits = math.max(1, (height - top - 8) // 18)
  local shown = #series <= fits and #series or fits - 1
  for i = 1, shown do
    local s = series[i]
    local color = s.color or palette[(i - 1) % #palette + 1]
    local ly = top + (i - 1) * 18
    local name = s.name or ("series " .. i)
    if (utf8.len(name) or #name) > 20 then
      local cut = utf8.offset(name, 20) or 20
      name = name:sub(1, cut - 1) .. "…"
    end
    add('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>', lx, ly, svg.escape(color))
    add('<text x="%d" y="%d">%s</text>', lx + 18, ly + 10, svg.escape(name))
  end
  if shown < #series then
    add('<text x="%d" y="%d" fill="#666">+%d more</text>', lx + 18, top + shown * 18 + 10, #series - shown)
  end
  add("</g>")
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

return svg
