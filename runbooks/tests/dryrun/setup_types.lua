-- setup_types.lua: creates one test of every type ("edit <type>"), for random_edits.sh.
runbook {
  name = "setup_types",
  description = "Creates one test of every type.",
}

local agents = te.agents.list()
local a1, a2 = agents[1].agentId, agents[2].agentId
local refs = { { agentId = a1 } }
local bodies = {
  ["agent-to-server"] = { testName = "edit a2s", server = "example.com", interval = 600, agents = refs },
  ["agent-to-agent"] = { testName = "edit a2a", targetAgentId = a2, interval = 600, agents = refs },
  ["bgp"] = { testName = "edit bgp", prefix = "10.0.0.0/8" },
  ["dns-server"] = { testName = "edit dns", domain = "example.com", dnsServers = { "ns1.example.com" }, interval = 600, agents = refs },
  ["dns-trace"] = { testName = "edit dnstrace", domain = "example.com", interval = 600, agents = refs },
  ["dnssec"] = { testName = "edit dnssec", domain = "example.com", interval = 600, agents = refs },
  ["http-server"] = { testName = "edit http", url = "https://example.com", interval = 600, agents = refs },
  ["page-load"] = { testName = "edit page", url = "https://example.com", interval = 600, agents = refs },
  ["web-transactions"] = { testName = "edit web", url = "https://example.com", transactionScript = "markStart('x')", interval = 600, agents = refs },
  ["api"] = { testName = "edit api", url = "https://example.com", requests = { { name = "r1", url = "https://example.com/a" } }, interval = 600, agents = refs },
  ["ftp-server"] = { testName = "edit ftp", url = "ftp://example.com", requestType = "download", username = "u", password = "p", interval = 600, agents = refs },
  ["sip-server"] = { testName = "edit sip", port = 5060, targetSipCredentials = { sipRegistrar = "sip.example.com", port = 5060, protocol = "tcp" }, interval = 600, agents = refs },
  ["voice"] = { testName = "edit voice", targetAgentId = a2, interval = 600, agents = refs },
}
local types = {}
for t in pairs(bodies) do types[#types + 1] = t end
table.sort(types)
for _, t in ipairs(types) do
  local created = te.tests.create(t, bodies[t])
  print(t, created.testId)
end
