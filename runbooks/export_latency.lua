-- export_latency.lua: the guide's CSV export, done right: one row per round, one column per
-- agent, a network metric in the cells. export.pivot_csv streams the rows into a file that
-- appears when the export is complete, so memory stays flat however long the range.
--
--   terun export_latency test_id=123456
--   terun export_latency test_id=123456 window=24h metric=loss out=loss.csv
--   terun export_latency test_id=123456 start=2026-11-27T00:00:00Z end=2026-11-27T06:00:00Z out=-

runbook {
  name = "export_latency",
  description = "Exports a network metric of a test, one row per round and one column per agent, as CSV.",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    window = { type = "duration", default = "1h", help = "how far back from now: 30m, 1h, 24h, 7d (ignored when start is given)" },
    start = { type = "datetime", help = "start of the range, ISO 8601 (e.g. 2026-11-27T00:00:00Z)" },
    ["end"] = { type = "datetime", help = "end of the range, ISO 8601 (default now; needs start)" },
    metric = { type = "enum", values = { "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, default = "avgLatency", help = "the network metric to export" },
    out = { type = "string", default = "test_data.csv", help = "output CSV under --out-dir, or - for stdout" },
    direction = { type = "enum", values = { "to-target", "from-target", "bidirectional" }, help = "agent-to-agent tests: which direction's results" },
  },
}

local export = require("export")
local time = require("time")

local params = te.params
local test_id = tostring(params.test_id)
local range = time.range(params)
range.query.direction = params.direction

local test = te.tests.get(test_id, { expand = "agent" }) -- its agents all get a column
te.log.info('exporting %s of test %s "%s" (%s), %s', params.metric, test_id, tostring(test.testName), tostring(test.type), range.label)

local summary = export.pivot_csv(te, test_id, "network", {
  query = range.query, metric = params.metric, agents = test.agents, out = params.out,
})

if summary.duplicates > 0 then
  te.log.warn("%d result(s) repeated an agent within a round; the first value was kept (set direction= for agent-to-agent tests)", summary.duplicates)
end
te.log.info("%d result(s) read", summary.results)
if params.out ~= "-" then
  print(string.format("Wrote %d round(s) x %d agent(s) of %s to %s", summary.rounds, summary.columns, params.metric, params.out))
end
