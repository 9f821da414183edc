--- selection: choosing tests and agents by name pattern, type or agent, for runbooks that
--- act on "every test that ...". Functions that read the API take the `te` to read through.
local admin = require("admin")

local selection = {}

--- Turns a test-name glob into an anchored Lua pattern over lower-cased text: `*` is any
--- text, `?` one character; text without `*` or `?` matches names containing it.
---@param glob string
---@return string
function selection.glob_pattern(glob)
  if not glob:find("[%*%?]") then
    glob = "*" .. glob .. "*"
  end
  local parts = { "^" }
  for ch in glob:lower():gmatch(".") do
    if ch == "*" then
      parts[#parts + 1] = ".*"
    elseif ch == "?" then
      parts[#parts + 1] = "."
    elseif ch:match("%W") then
      parts[#parts + 1] = "%" .. ch
    else
      parts[#parts + 1] = ch
    end
  end
  parts[#parts + 1] = "$"
  return table.concat(parts)
end

--- Whether `name` matches the glob (ignoring case).
---@param name any
---@param glob string
---@return boolean
function selection.name_matches(name, glob)
  return tostring(name or ""):lower():find(selection.glob_pattern(glob)) ~= nil
end

--- Resolves an agent by `agentId` or `agentName` (ignoring case) among `agents`. Returns the
--- agent, or nil and a message such as `agent "Tokyo" is unknown`.
---@param agents table[]
---@param text any
---@return table?, string?
function selection.find_agent(agents, text)
  local agent, reason = admin.finder(agents, "agentId", "agentName")(text)
  if agent then
    return agent
  end
  return nil, string.format('agent "%s" %s', admin.trim(text), reason)
end

--- The ids of a test's agents (`agents[].agentId`, and `targetAgentId` for agent-to-agent tests).
---@param test table
---@return table<string, boolean>
function selection.agent_ids(test)
  local ids = {}
  for _, agent in ipairs(test.agents or {}) do
    ids[tostring(agent.agentId)] = true
  end
  if test.targetAgentId ~= nil then
    ids[tostring(test.targetAgentId)] = true
  end
  return ids
end

--- The tests of the current account group (or `opts.aid`) that match `opts.pattern` (a name
--- glob), `opts.type` (a test type) and `opts.agent_id` (an agent the test runs on or
--- targets), all given criteria at once, sorted by name then id. With `opts.agent_id` or
--- `opts.with_agents`, each test carries its agents: read per type (`GET /tests/{type}`), or
--- one by one when a listing leaves them out.
---@param te table
---@param opts { pattern: string?, type: string?, agent_id: string?, with_agents: boolean?, aid: string? }
---@return table[]
function selection.tests(te, opts)
  local query = opts.aid and { aid = opts.aid } or nil
  local chosen = {}
  local lua_pattern = opts.pattern and selection.glob_pattern(opts.pattern)
  for test in te.tests.each(query) do
    local ok = (not lua_pattern or tostring(test.testName or ""):lower():find(lua_pattern))
      and (not opts.type or test.type == opts.type)
    if ok then
      chosen[#chosen + 1] = test
    end
  end
  if opts.agent_id or opts.with_agents then
    local full, types = {}, {}
    for _, test in ipairs(chosen) do
      if not types[test.type] then
        types[test.type] = true
        for item in te.items("/tests/" .. test.type, "tests", query) do
          full[tostring(item.testId)] = item
        end
      end
    end
    local kept = {}
    for _, test in ipairs(chosen) do
      local item = full[tostring(test.testId)]
      if not item or (item.agents == nil and test.type ~= "bgp") then
        item = te.tests.get(test.testId, query)
      end
      if not opts.agent_id or selection.agent_ids(item)[tostring(opts.agent_id)] then
        kept[#kept + 1] = item
      end
    end
    chosen = kept
  end
  table.sort(chosen, function(a, b)
    local na, nb = tostring(a.testName or ""):lower(), tostring(b.testName or ""):lower()
    if na ~= nb then
      return na < nb
    end
    return tostring(a.testId) < tostring(b.testId)
  end)
  return chosen
end

return selection
