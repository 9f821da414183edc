-- cloud_agent_ips.lua: the guide's firewall allow-list job. Lists Cloud Agents and their IP
-- addresses, optionally only some agents (by name) or countries, as CSV, a plain list of
-- unique IPs, or JSON.
--
--   terun cloud_agent_ips
--   terun cloud_agent_ips format=ips ip_version=4 countries=US,GB
--   terun cloud_agent_ips names=Singapore,Tokyo format=json out=agents.json

runbook {
  name = "cloud_agent_ips",
  description = "Cloud Agent IP addresses for firewall allow-lists, as CSV, a unique IP list or JSON.",
  params = {
    names = { type = "list", help = "only these agents, by agentName (case-insensitive), e.g. Singapore,Tokyo" },
    countries = { type = "list", help = "only agents in these countries, by countryId, e.g. US,SG" },
    format = { type = "enum", values = { "csv", "ips", "json" }, default = "csv", help = "csv: agentId,agentName,ipAddresses; ips: one unique IP per line; json: an array of agents" },
    ip_version = { type = "enum", values = { "4", "6", "both" }, default = "both", help = "which addresses to include" },
    out = { type = "string", default = "-", help = "output file under --out-dir, or - for stdout" },
  },
}

local csv = require("csv")
local tables = require("tables")

local params = te.params
local format = params.format
local ip_version = params.ip_version
local out = params.out

--- Whether an address belongs to the requested IP version.
local function wanted(ip)
  local v6 = ip:find(":", 1, true) ~= nil
  if ip_version == "4" then
    return not v6
  elseif ip_version == "6" then
    return v6
  end
  return true
end

--- An agent's addresses (ipAddresses, then publicIpAddresses), unique, of the wanted version.
local function addresses(agent)
  local all = tables.concat_lists(agent.ipAddresses or {}, agent.publicIpAddresses or {})
  return tables.filter(tables.uniq(all), function(ip)
    return type(ip) == "string" and ip ~= "" and wanted(ip)
  end)
end

--- Orders IPv4 addresses numerically, then IPv6 addresses as text.
local function ip_sort_key(ip)
  local a, b, c, d = ip:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if a then
    return string.format("4:%03d.%03d.%03d.%03d", tonumber(a), tonumber(b), tonumber(c), tonumber(d))
  end
  return "6:" .. ip:lower()
end

local name_filter = params.names and #params.names > 0 and tables.set(tables.map(params.names, function(n)
  return n:lower()
end)) or nil
local country_filter = params.countries and #params.countries > 0 and tables.set(tables.map(params.countries, function(c)
  return c:upper()
end)) or nil

local agents = {}
local found_names = {}
for agent in te.agents.each({ agentTypes = "cloud" }) do
  -- The filter is repeated here in case the server ignores agentTypes.
  if tostring(agent.agentType or "cloud"):lower() == "cloud" then
    local name = tostring(agent.agentName or "")
    local name_ok = not name_filter or name_filter[name:lower()]
    local country_ok = not country_filter or country_filter[tostring(agent.countryId or ""):upper()]
    if name_ok and country_ok then
      agents[#agents + 1] = agent
      found_names[name:lower()] = true
    end
  end
end

if name_filter then
  local missing = {}
  for _, n in ipairs(params.names) do
    if not found_names[n:lower()] then
      missing[#missing + 1] = n
    end
  end
  if #missing > 0 then
    te.log.warn("no Cloud Agent named %s", table.concat(missing, ", "))
  end
end

agents = tables.sort_by(agents, function(a)
  return tostring(a.agentName or ""):lower()
end)

local text
local count
if format == "ips" then
  local ips = {}
  for _, agent in ipairs(agents) do
    for _, ip in ipairs(addresses(agent)) do
      ips[#ips + 1] = ip
    end
  end
  ips = tables.sort_by(tables.uniq(ips), ip_sort_key)
  count = #ips
  text = #ips > 0 and (table.concat(ips, "\n") .. "\n") or ""
elseif format == "json" then
  local list = {}
  for i, agent in ipairs(agents) do
    list[i] = {
      agentId = agent.agentId,
      agentName = agent.agentName,
      countryId = agent.countryId,
      location = agent.location,
      ipAddresses = te.json.array(addresses(agent)),
    }
  end
  count = #list
  text = te.json.encode(te.json.array(list), { pretty = true }) .. "\n"
else
  local sink, contents = csv.buffer_sink()
  local writer = csv.writer({
    sink = sink,
    out = out,
    header = { "agentId", "agentName", "ipAddresses" },
  })
  for _, agent in ipairs(agents) do
    -- Several addresses share one field, separated by spaces, as the guide's allow-list needs.
    writer:row({ agent.agentId, agent.agentName, table.concat(addresses(agent), " ") })
  end
  writer:close()
  count = #agents
  text = contents()
end

if out == "-" then
  if text ~= "" then
    print((text:gsub("\n$", "")))
  end
else
  te.fs.write(out, text)
  print(string.format("Wrote %d %s to %s", count, format == "ips" and "addresses" or "agents", out))
end
te.log.info("%d Cloud Agent(s) selected", #agents)
