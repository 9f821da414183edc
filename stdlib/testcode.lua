--- testcode: tests as code. The desired-state form of a test (what `export_tests` writes and
--- `sync_tests` compares), in which agents and alert rules appear by name so that a file is
--- portable between account groups. Field names are the API's; only fields the spec lets a
--- request set (`te.spec.writable_fields`) are kept.
local testcode = {}

--- The test types a desired-state file may name.
testcode.TYPES = {
  "agent-to-server", "agent-to-agent", "bgp", "dns-server", "dns-trace", "dnssec", "http-server",
  "page-load", "web-transactions", "api", "ftp-server", "sip-server", "voice",
}

--- Writable fields that hold ids of one account group (labels, shared accounts, monitors,
--- tags): left out of exported files, which must be portable. A file may still set them.
testcode.GROUP_REFERENCES = { labels = true, sharedWithAccounts = true, monitors = true, tags = true }

local is_type = {}
for _, t in ipairs(testcode.TYPES) do
  is_type[t] = true
end

--- Whether `name` is a test type.
---@param name any
---@return boolean
function testcode.is_type(name)
  return is_type[name] == true
end

local writable_cache = {}

--- The fields a test of `type` can be created with (a set), from the spec.
---@param te table
---@param type string
---@return table<string, boolean>
function testcode.writable(te, type)
  if not writable_cache[type] then
    local set = {}
    for _, name in ipairs(te.spec.writable_fields("POST", "/tests/" .. type) or {}) do
      set[name] = true
    end
    writable_cache[type] = set
  end
  return writable_cache[type]
end

local write_only_cache = {}

--- The fields of a test of `type` the spec marks write-only (a set): the API takes them but
--- never returns them (passwords), so a file cannot be compared with them.
---@param te table
---@param type string
---@return table<string, boolean>
function testcode.write_only(te, type)
  if not write_only_cache[type] then
    local set = {}
    for _, name in ipairs(te.spec.write_only_fields("POST", "/tests/" .. type) or {}) do
      set[name] = true
    end
    write_only_cache[type] = set
  end
  return write_only_cache[type]
end

local function sorted_names(list, key)
  local names = {}
  for _, item in ipairs(list or {}) do
    names[#names + 1] = tostring(item[key])
  end
  table.sort(names, function(a, b)
    return a:lower() < b:lower() or (a:lower() == b:lower() and a < b)
  end)
  return names
end

--- The desired-state form of a test as read (`te.tests.get`, agents expanded): `type`,
--- `testName`, and every other writable field it has, with `agents` and `alertRules` as sorted
--- lists of names and `dnsServers` as server names. Group references are left out.
---@param te table
---@param test table
---@return table
function testcode.desired_form(te, test)
  local writable = testcode.writable(te, test.type)
  local out = te.json.object({ type = test.type, testName = test.testName })
  for name, value in pairs(test) do
    if writable[name] and not testcode.GROUP_REFERENCES[name] and name ~= "testName" then
      if name == "agents" then
        out.agents = te.json.array(sorted_names(value, "agentName"))
      elseif name == "alertRules" then
        out.alertRules = te.json.array(sorted_names(value, "ruleName"))
      elseif name == "dnsServers" then
        local servers = {}
        for i, server in ipairs(value) do
          servers[i] = type(server) == "table" and server.serverName or server
        end
        out.dnsServers = te.json.array(servers)
      else
        out[name] = value
      end
    end
  end
  return out
end

--- Whether two decoded JSON values are equal (arrays in order; numbers by value; an empty
--- array equals an empty object, as Lua cannot tell them apart).
---@param a any
---@param b any
---@return boolean
function testcode.equal(a, b)
  if type(a) ~= type(b) then
    return false
  end
  if type(a) ~= "table" then
    return a == b
  end
  for k, v in pairs(a) do
    if not testcode.equal(v, b[k]) then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end

return testcode
