-- latency_report_test.lua: runs latency_report against the simulator and checks its summary
-- table against statistics computed from results read independently through te.
local testing = require("testing")
local stats = require("stats")
local time = require("time")
local describe, it, assert = testing.describe, testing.it, testing.assert

local TEST_ID = 123456

local function fmt(v)
  if v == nil then
    return ""
  end
  if math.type(v) == "integer" then
    return tostring(v)
  end
  return string.format("%.2f", v)
end

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- The summary rows the report should hold: agent name, id, rounds, min, median, p95, max.
local function expected_rows(metric, start, finish)
  local by_agent = {}
  for _, r in ipairs(te.results.list(TEST_ID, "network", { startDate = start, endDate = finish })) do
    local id = tostring(r.agent.agentId)
    by_agent[id] = by_agent[id] or { id = id, name = r.agent.agentName, values = {} }
    if type(r[metric]) == "number" then
      table.insert(by_agent[id].values, r[metric])
    end
  end
  local agents = {}
  for _, a in pairs(by_agent) do
    agents[#agents + 1] = a
  end
  table.sort(agents, function(a, b)
    return a.name:lower() < b.name:lower()
  end)
  local rows = {}
  for i, a in ipairs(agents) do
    local s = stats.summary(a.values)
    rows[i] = { escape(a.name), a.id, tostring(s.count), fmt(s.min), fmt(s.median), fmt(s.p95), fmt(s.max) }
  end
  return rows
end

-- The summary table's rows as cell texts.
local function table_rows(html)
  local body = html:match("<tbody>(.-)</tbody>")
  assert.not_nil(body, "the summary table")
  local rows = {}
  for tr in body:gmatch("<tr>(.-)</tr>") do
    local cells = {}
    for cell in tr:gmatch("<td[^>]*>(.-)</td>") do
      cells[#cells + 1] = cell
    end
    rows[#rows + 1] = cells
  end
  return rows
end

local function fixed_range()
  local finish = time.floor(time.now(), 600) - 600
  return time.format_iso(finish - 2 * 3600), time.format_iso(finish)
end

describe("latency_report", function()
  it("writes an HTML page with a chart and a min/median/p95/max table per agent", function()
    local start, finish = fixed_range()
    local run = te.run_runbook("latency_report", { test_id = TEST_ID, start = start, ["end"] = finish })
    assert.is_true(run.ok, run.error)
    local html = run.files["latency_report.html"]
    assert.not_nil(html, "latency_report.html written")
    assert.matches("^<!DOCTYPE html>", html)
    local svg_part = html:match("<svg.-</svg>")
    assert.not_nil(svg_part, "an inline SVG chart")
    local expected = expected_rows("avgLatency", start, finish)
    assert.equals(#te.tests.get(TEST_ID).agents, #expected, "every agent has results")
    assert.same(expected, table_rows(html))
    assert.is_nil(html:find("<script", 1, true), "no scripts")
    assert.matches("Wrote latency_report.html: avgLatency of " .. #expected .. " agent%(s%)", run.stdout)
  end)

  it("charts another metric into another file", function()
    local start, finish = fixed_range()
    local run = te.run_runbook("latency_report", { test_id = TEST_ID, start = start, ["end"] = finish, metric = "loss", out = "loss.html" })
    assert.is_true(run.ok, run.error)
    assert.same(expected_rows("loss", start, finish), table_rows(run.files["loss.html"]))
  end)

  it("fails for an unknown test and writes nothing", function()
    local run = te.run_runbook("latency_report", { test_id = 31337 })
    assert.is_false(run.ok)
    assert.matches("no test with id 31337", run.error)
    assert.is_nil(next(run.files))
  end)
end)
