-- export_metrics_test.lua: exports metrics from the simulator and checks every sample
-- against the latest round read back through te; the format itself is checked by a real
-- parser in Tests/Harness/runbooks/test_export_metrics.py.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

--- The latest round of a test's network results: roundId and results by agentId.
local function latest(test_id)
  local round, by_agent = nil, {}
  for _, r in ipairs(te.results.list(test_id, "network")) do
    if round == nil or r.roundId > round then
      round = r.roundId
    end
  end
  for _, r in ipairs(te.results.list(test_id, "network")) do
    if r.roundId == round then
      by_agent[r.agent.agentId] = r
    end
  end
  return round, by_agent
end

--- Samples of one family in the text: list of { labels = {...}, value, timestamp }.
local function samples(text, family)
  local out = {}
  for line in text:gmatch("[^\n]+") do
    local name, labels, rest = line:match("^([%w_]+){(.-)} (.+)$")
    if name == family then
      local l = {}
      for k, v in labels:gmatch('([%w_]+)="(.-[^\\]?)"') do
        l[k] = v
      end
      local value, ts = rest:match("^(%S+) ?(%S*)$")
      out[#out + 1] = { labels = l, value = tonumber(value), timestamp = tonumber(ts) }
    end
  end
  return out
end

describe("export_metrics", function()
  it("writes one sample per test, agent and metric of the latest round", function()
    local run = te.run_runbook("export_metrics", { tests = "123456,200001" })
    assert.is_true(run.ok, run.error)
    local text = run.files["thousandeyes.prom"]
    assert.truthy(text, "the file is written")
    assert.matches("# EOF\n$", text)
    assert.matches("Wrote %d+ sample%(s%) of 2 test%(s%) to thousandeyes.prom", run.stdout)
    for _, id in ipairs({ "123456", "200001" }) do
      local test = te.tests.get(id)
      local round, by_agent = latest(id)
      local n = 0
      for _, s in ipairs(samples(text, "thousandeyes_network_latency_seconds")) do
        if s.labels.test_id == id then
          n = n + 1
          local r = by_agent[s.labels.agent_id]
          assert.truthy(r, "agent " .. s.labels.agent_id .. " reported in round " .. round)
          assert.equals(test.testName, s.labels.test)
          assert.equals(test.type, s.labels.test_type)
          assert.equals(r.agent.agentName, s.labels.agent)
          assert.equals(r.agent.countryId, s.labels.country)
          assert.near(r.avgLatency / 1000, s.value, 1e-12)
          assert.equals(round, s.timestamp)
        end
      end
      local agents = 0
      for _ in pairs(by_agent) do
        agents = agents + 1
      end
      assert.equals(agents, n, "one latency sample per agent of test " .. id)
      local loss = samples(text, "thousandeyes_network_loss_ratio")
      local jitter = samples(text, "thousandeyes_network_jitter_seconds")
      assert.equals(#samples(text, "thousandeyes_network_latency_seconds"), #loss)
      assert.equals(#loss, #jitter)
    end
  end)

  it("exports every enabled test with network results by default, without timestamps on request", function()
    local run = te.run_runbook("export_metrics", { out = "-", timestamps = false })
    assert.is_true(run.ok, run.error)
    local ids = {}
    for _, s in ipairs(samples(run.stdout, "thousandeyes_network_latency_seconds")) do
      ids[s.labels.test_id] = true
      assert.is_nil(s.timestamp)
    end
    for test in te.tests.each() do
      local network = ({ ["agent-to-server"] = true, ["http-server"] = true, ["page-load"] = true, ["agent-to-agent"] = true })[test.type]
      if network and test.enabled ~= false then
        assert.truthy(ids[test.testId], "test " .. test.testId .. " exported")
      end
    end
  end)

  it("escapes quotes and backslashes in test names", function()
    local agent = te.tests.get(123456).agents[1]
    local made = te.tests.create("agent-to-server", {
      testName = 'Core "edge" \\ probe',
      server = "example.com",
      interval = 60,
      agents = { { agentId = agent.agentId } },
    })
    local run = te.run_runbook("export_metrics", { tests = made.testId, out = "-" })
    assert.is_true(run.ok, run.error)
    assert.matches('test="Core \\"edge\\" \\\\ probe"', run.stdout, nil, true)
  end)

  it("refuses bad test lists, and a failed export leaves no file", function()
    local bad = te.run_runbook("export_metrics", { tests = "abc" })
    assert.equals(2, bad.status)
    assert.matches('parameter tests: "abc" is not a testId', bad.error)
    local twice = te.run_runbook("export_metrics", { tests = "123456,123456", out = "-" })
    assert.is_true(twice.ok, twice.error)
    local once = te.run_runbook("export_metrics", { tests = "123456", out = "-" })
    assert.equals(once.stdout, twice.stdout, "a test named twice is exported once")
    local missing = te.run_runbook("export_metrics", { tests = "123456,42" })
    assert.is_false(missing.ok)
    assert.matches("no test with id 42", missing.error)
    assert.is_nil(missing.files["thousandeyes.prom"])
  end)
end)
