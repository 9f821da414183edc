-- cloud_agent_ips_test.lua: runs cloud_agent_ips against the simulator and checks each format
-- against the Cloud Agents read independently through te.
local testing = require("testing")
local csv = require("csv")
local describe, it, assert = testing.describe, testing.it, testing.assert

-- The Cloud Agents as the API lists them, sorted by name, each with its unique addresses.
local function cloud_agents()
  local agents = {}
  for _, agent in ipairs(te.agents.list()) do
    if agent.agentType:lower() == "cloud" then
      local seen, ips = {}, {}
      for _, list in ipairs({ agent.ipAddresses or {}, agent.publicIpAddresses or {} }) do
        for _, ip in ipairs(list) do
          if not seen[ip] then
            seen[ip] = true
            ips[#ips + 1] = ip
          end
        end
      end
      agents[#agents + 1] = { id = tostring(agent.agentId), name = agent.agentName, country = agent.countryId, ips = ips }
    end
  end
  table.sort(agents, function(a, b)
    return a.name:lower() < b.name:lower()
  end)
  return agents
end

local function is_v6(ip)
  return ip:find(":", 1, true) ~= nil
end

describe("cloud_agent_ips", function()
  it("prints agentId,agentName,ipAddresses for every Cloud Agent by default", function()
    local run = te.run_runbook("cloud_agent_ips", {})
    assert.is_true(run.ok, run.error)
    local rows = csv.parse(run.stdout)
    local agents = cloud_agents()
    assert.truthy(#agents >= 2, "the simulator has Cloud Agents")
    assert.same({ "agentId", "agentName", "ipAddresses" }, rows[1])
    assert.equals(#agents + 1, #rows)
    for i, agent in ipairs(agents) do
      assert.same({ agent.id, agent.name, table.concat(agent.ips, " ") }, rows[i + 1])
    end
  end)

  it("lists unique IPv4 addresses in numeric order with format=ips ip_version=4", function()
    local run = te.run_runbook("cloud_agent_ips", { format = "ips", ip_version = "4" })
    assert.is_true(run.ok, run.error)
    local expected, seen = {}, {}
    for _, agent in ipairs(cloud_agents()) do
      for _, ip in ipairs(agent.ips) do
        if not is_v6(ip) and not seen[ip] then
          seen[ip] = true
          expected[#expected + 1] = ip
        end
      end
    end
    local function key(ip)
      local a, b, c, d = ip:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
      return ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
    end
    table.sort(expected, function(x, y)
      return key(x) < key(y)
    end)
    local lines = {}
    for line in run.stdout:gmatch("[^\n]+") do
      lines[#lines + 1] = line
    end
    assert.same(expected, lines)
  end)

  it("keeps only IPv6 addresses with ip_version=6", function()
    local run = te.run_runbook("cloud_agent_ips", { format = "ips", ip_version = "6" })
    assert.is_true(run.ok, run.error)
    local count = 0
    for line in run.stdout:gmatch("[^\n]+") do
      assert.truthy(is_v6(line), line .. " is IPv6")
      count = count + 1
    end
    local expected = 0
    for _, agent in ipairs(cloud_agents()) do
      for _, ip in ipairs(agent.ips) do
        expected = expected + (is_v6(ip) and 1 or 0)
      end
    end
    assert.equals(expected, count)
  end)

  it("filters by name and country and prints JSON", function()
    local agents = cloud_agents()
    -- The names list is comma-separated, so pick an agent whose name has no comma.
    local pick
    for _, agent in ipairs(agents) do
      if not pick and not agent.name:find(",", 1, true) then
        pick = agent
      end
    end
    local run = te.run_runbook("cloud_agent_ips", { names = { pick.name:upper() }, format = "json" })
    assert.is_true(run.ok, run.error)
    local list = te.json.decode(run.stdout)
    assert.equals(1, #list)
    assert.equals(pick.id, tostring(list[1].agentId))
    assert.same(pick.ips, list[1].ipAddresses)

    local by_country = te.run_runbook("cloud_agent_ips", { countries = { pick.country }, format = "json" })
    assert.is_true(by_country.ok, by_country.error)
    local expected = 0
    for _, agent in ipairs(agents) do
      expected = expected + (agent.country == pick.country and 1 or 0)
    end
    local got = te.json.decode(by_country.stdout)
    assert.equals(expected, #got)
    for _, entry in ipairs(got) do
      assert.equals(pick.country, entry.countryId)
    end
  end)

  it("warns about names that match no Cloud Agent", function()
    local run = te.run_runbook("cloud_agent_ips", { names = { "Atlantis" } })
    assert.is_true(run.ok, run.error)
    assert.matches("no Cloud Agent named Atlantis", run.log)
    assert.equals("agentId,agentName,ipAddresses\n", run.stdout)
  end)

  it("writes the file under the output folder with out=", function()
    local run = te.run_runbook("cloud_agent_ips", { out = "agents.csv" })
    assert.is_true(run.ok, run.error)
    assert.equals(#cloud_agents() + 1, #csv.parse(run.files["agents.csv"]))
    assert.matches("Wrote %d+ agents to agents.csv", run.stdout)
  end)

  it("refuses an unknown format", function()
    local run = te.run_runbook("cloud_agent_ips", { format = "xml" })
    assert.equals(2, run.status)
    assert.matches("format", run.error)
  end)
end)
