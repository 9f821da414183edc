-- export_metrics.lua: the latest round of each test's network metrics (latency, loss,
-- jitter) in the OpenMetrics text format, for Prometheus and Grafana: one sample per test,
-- agent and metric, labelled with the test, its type, the agent and its country, stamped with
-- the round's time. The file is written atomically (a temporary file renamed into place), so
-- a scraper or node_exporter's textfile collector never reads half a file. Meant to run every
-- minute from `terun schedule` (docs/schedule.md).
--
--   terun export_metrics
--   terun export_metrics tests=123456,200001 out=/var/lib/node_exporter/textfile/thousandeyes.prom --out-dir /
--   terun export_metrics timestamps=false out=-

runbook {
  name = "export_metrics",
  description = "Writes the latest network metrics (latency, loss, jitter) of tests as an OpenMetrics text file.",
  params = {
    tests = { type = "list", default = "all", help = "testIds, comma-separated, or all (every enabled test with network results)" },
    out = { type = "string", default = "thousandeyes.prom", help = "output file under --out-dir, or - for stdout" },
    timestamps = { type = "boolean", default = true, help = "stamp samples with the round's time (node_exporter's textfile collector refuses timestamps: use false there)" },
  },
}

local openmetrics = require("openmetrics")

local params = te.params
local out = params.out

-- Test types whose results include network metrics (GET /test-results/{testId}/network).
local NETWORK_TYPES = {
  ["agent-to-server"] = true,
  ["agent-to-agent"] = true,
  ["http-server"] = true,
  ["page-load"] = true,
  ["web-transactions"] = true,
  ["api"] = true,
  ["ftp-server"] = true,
  ["sip-server"] = true,
}

local FAMILIES = {
  { name = "thousandeyes_network_latency_seconds", field = "avgLatency", divisor = 1000, unit = "seconds", help = "Average latency of the test's latest round, per agent." },
  { name = "thousandeyes_network_loss_ratio", field = "loss", divisor = 100, unit = "ratio", help = "Packet loss of the test's latest round, per agent (0 to 1)." },
  { name = "thousandeyes_network_jitter_seconds", field = "jitter", divisor = 1000, unit = "seconds", help = "Jitter of the test's latest round, per agent." },
}

local wanted = params.tests
local tests = {}
local all = #wanted == 1 and tostring(wanted[1]):lower() == "all"
if all then
  for test in te.tests.each() do
    if NETWORK_TYPES[test.type] and test.enabled ~= false then
      tests[#tests + 1] = test
    end
  end
else
  local seen = {}
  for _, id in ipairs(wanted) do
    if not tostring(id):match("^%d+$") then
      te.usage_error("tests", string.format('"%s" is not a testId; give testIds (tests=123,456) or tests=all', tostring(id)))
    end
    if not seen[tostring(id)] then
      seen[tostring(id)] = true
      local test = te.tests.get(id)
      if not NETWORK_TYPES[test.type] then
        te.usage_error("tests", string.format('test %s "%s" is a %s test, which has no network metrics', tostring(id), tostring(test.testName), tostring(test.type)))
      end
      tests[#tests + 1] = test
    end
  end
end

local fields = { fields = { "roundId", "agent.agentId", "agent.agentName", "agent.countryId", "avgLatency", "loss", "jitter" } }
local samples = {} -- per family: list of { labels, value, timestamp }
for i = 1, #FAMILIES do
  samples[i] = {}
end
local rounds = {}
local exported = 0
for _, test in ipairs(tests) do
  -- Without a window the API returns the latest completed round.
  local ok, results = pcall(te.results.list, test.testId, "network", nil, fields)
  if not ok then
    if all and type(results) == "table" and (results.status == 404 or results.status == 400) then
      te.log.info("test %s (%s): no network results (%s); skipped", tostring(test.testId), tostring(test.type), tostring(results.status))
      results = {}
    else
      error(results, 0)
    end
  end
  local latest
  for _, r in ipairs(results) do
    if r.roundId and (latest == nil or r.roundId > latest) then
      latest = r.roundId
    end
  end
  if latest then
    exported = exported + 1
    rounds[#rounds + 1] = { labels = { test = test.testName, test_id = test.testId, test_type = test.type }, value = latest }
    local rows = {}
    for _, r in ipairs(results) do
      if r.roundId == latest and r.agent then
        rows[#rows + 1] = r
      end
    end
    table.sort(rows, function(a, b)
      if a.agent.agentName ~= b.agent.agentName then
        return tostring(a.agent.agentName) < tostring(b.agent.agentName)
      end
      return tostring(a.agent.agentId) < tostring(b.agent.agentId)
    end)
    for _, r in ipairs(rows) do
      local labels = {
        test = test.testName,
        test_id = test.testId,
        test_type = test.type,
        agent = r.agent.agentName,
        agent_id = r.agent.agentId,
        country = r.agent.countryId or "",
      }
      for f, family in ipairs(FAMILIES) do
        local v = r[family.field]
        if type(v) == "number" then
          local list = samples[f]
          list[#list + 1] = { labels = labels, value = v / family.divisor, timestamp = params.timestamps ~= false and latest or nil }
        end
      end
    end
  end
end

local doc = openmetrics.document()
for f, family in ipairs(FAMILIES) do
  doc:family(family.name, "gauge", family.help, family.unit, samples[f])
end
doc:family("thousandeyes_network_round_timestamp_seconds", "gauge", "Time of the test's latest round, as a Unix timestamp.", "seconds", rounds)
local text = doc:text()

local count = #samples[1] + #samples[2] + #samples[3]
if out == "-" then
  print((text:gsub("\n$", "")))
else
  te.fs.write(out, text)
  print(string.format("Wrote %d sample(s) of %d test(s) to %s", count, exported, out))
end
te.log.info("%d test(s) chosen, %d with a round, %d sample(s)", #tests, exported, count)
