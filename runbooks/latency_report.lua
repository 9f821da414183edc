-- latency_report.lua: a self-contained HTML page with an SVG line chart of a network metric
-- per agent over a window, and a per-agent summary table (rounds, min, median, p95, max).
-- No scripts, no external files: open it in any browser or attach it to a ticket.
--
--   terun latency_report test_id=123456
--   terun latency_report test_id=123456 window=24h metric=jitter out=jitter.html

runbook {
  name = "latency_report",
  description = "An HTML report with an SVG chart of a test's metric per agent and a min/median/p95/max table.",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    window = { type = "duration", default = "1h", help = "how far back from now: 30m, 1h, 24h, 7d (ignored when start is given)" },
    start = { type = "datetime", help = "start of the range, ISO 8601" },
    ["end"] = { type = "datetime", help = "end of the range, ISO 8601 (default now; needs start)" },
    metric = { type = "enum", values = { "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, default = "avgLatency", help = "the network metric to chart" },
    out = { type = "string", default = "latency_report.html", help = "output HTML file under --out-dir" },
  },
}

local stats = require("stats")
local svg = require("svg")
local tables = require("tables")
local time = require("time")

local UNITS = { avgLatency = "ms", minLatency = "ms", maxLatency = "ms", jitter = "ms", loss = "%" }

local params = te.params
local test_id = tostring(params.test_id)
local metric = params.metric
local out = params.out
local now = time.now()
local range = time.range(params, now)

local test = te.tests.get(test_id)

-- Per agent: its name and points {roundId, value}; pages are streamed, only numbers are kept.
local by_agent = {}
local results = 0
for result in te.results.each(test_id, "network", range.query) do
  results = results + 1
  local agent = result.agent or {}
  if agent.agentId ~= nil and result.roundId ~= nil then
    local id = tostring(agent.agentId)
    local entry = by_agent[id]
    if not entry then
      entry = { id = id, name = agent.agentName or id, points = {}, values = {} }
      by_agent[id] = entry
    end
    local v = result[metric]
    entry.points[#entry.points + 1] = { result.roundId, type(v) == "number" and v or nil }
    if type(v) == "number" then
      entry.values[#entry.values + 1] = v
    end
  end
end

local agents = tables.sort_by(tables.values(by_agent), function(a)
  return tostring(a.name):lower() .. "\0" .. a.id
end)

local unit = UNITS[metric]
local chart = svg.line_chart({
  title = string.format("%s (%s) — %s", metric, unit, range.label),
  y_label = string.format("%s (%s)", metric, unit),
  width = 960,
  height = 420,
  series = tables.map(agents, function(a)
    return { name = a.name, points = a.points }
  end),
})

local function esc(s)
  return svg.escape(s)
end

local function fmt(v)
  if v == nil then
    return ""
  end
  if math.type(v) == "integer" then
    return tostring(v)
  end
  return string.format("%.2f", v)
end

local rows = {}
for _, a in ipairs(agents) do
  local s = stats.summary(a.values)
  rows[#rows + 1] = string.format(
    "<tr><td>%s</td><td>%s</td><td class=\"n\">%d</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>",
    esc(a.name),
    esc(a.id),
    s.count,
    fmt(s.min),
    fmt(s.median),
    fmt(s.p95),
    fmt(s.max)
  )
end
if #rows == 0 then
  rows[1] = '<tr><td colspan="7">No results in this range.</td></tr>'
end

local title = string.format("%s — test %s", tostring(test.testName or ("test " .. test_id)), test_id)
local html = table.concat({
  "<!DOCTYPE html>",
  '<html lang="en">',
  "<head>",
  '<meta charset="utf-8">',
  "<title>" .. esc(title) .. "</title>",
  "<style>",
  "body{font-family:sans-serif;margin:24px;color:#222}",
  "table{border-collapse:collapse;margin-top:16px}",
  "th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}",
  "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}",
  "p.meta{color:#666}",
  "</style>",
  "</head>",
  "<body>",
  "<h1>" .. esc(title) .. "</h1>",
  string.format(
    '<p class="meta">%s (%s), %s, %s; %d result(s) from %d agent(s); generated %s by terun.</p>',
    esc(tostring(test.type or "")),
    esc(metric),
    esc(unit),
    esc(range.label),
    results,
    #agents,
    esc(time.format_iso(now))
  ),
  chart,
  string.format(
    '<table><thead><tr><th>Agent</th><th>Agent ID</th><th class="n">Rounds</th><th class="n">Min</th><th class="n">Median</th><th class="n">p95</th><th class="n">Max</th></tr></thead><tbody>'
  ),
  table.concat(rows, "\n"),
  "</tbody></table>",
  '<p class="meta">p95: 95th percentile by linear interpolation between ranks. Values in ' .. esc(unit) .. ".</p>",
  "</body>",
  "</html>",
  "",
}, "\n")

te.fs.write(out, html)
print(string.format("Wrote %s: %s of %d agent(s), %s", out, metric, #agents, range.label))
