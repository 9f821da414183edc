-- A small in-memory stand-in for terun's `te` module (issue 4's Lua surface), so the shipped
-- runbooks can be exercised with plain lua5.4 before the Swift host exists. It models only
-- what the runbooks use; terun's own runbook tests (`terun test`, against the simulator)
-- are the real check.
local fake_te = {}

local json_kind = setmetatable({}, { __mode = "k" })

local function copy(v)
  if type(v) ~= "table" then
    return v
  end
  local out = {}
  for k, x in pairs(v) do
    out[k] = copy(x)
  end
  return out
end

local function api_error(status, title, detail, method, path)
  return setmetatable({ status = status, title = title, detail = detail, method = method, path = path }, {
    __tostring = function(e)
      return string.format("%s %s: %d %s: %s", e.method, e.path, e.status, e.title, e.detail)
    end,
  })
end

-- Minimal JSON encoder: sorted object keys, arrays by kind or by shape.
local function encode(v, pretty, indent)
  indent = indent or ""
  local t = type(v)
  if t == "nil" then
    return "null"
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "number" then
    return math.type(v) == "integer" and tostring(v) or string.format("%.17g", v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  end
  local is_array = json_kind[v] == "array" or (json_kind[v] ~= "object" and (#v > 0 or next(v) == nil))
  local inner = indent .. "  "
  local nl = pretty and "\n" or ""
  local parts = {}
  if is_array then
    for i = 1, #v do
      parts[i] = (pretty and inner or "") .. encode(v[i], pretty, inner)
    end
    if #parts == 0 then
      return "[]"
    end
    return "[" .. nl .. table.concat(parts, "," .. nl) .. nl .. (pretty and indent or "") .. "]"
  end
  local keys = {}
  for k in pairs(v) do
    keys[#keys + 1] = tostring(k)
  end
  table.sort(keys)
  for i, k in ipairs(keys) do
    parts[i] = (pretty and inner or "") .. encode(k) .. ":" .. (pretty and " " or "") .. encode(v[k], pretty, inner)
  end
  return "{" .. nl .. table.concat(parts, "," .. nl) .. nl .. (pretty and indent or "") .. "}"
end

local function iterate(list)
  local i = 0
  return function()
    i = i + 1
    return list[i]
  end
end

-- The value at a dotted path ("agent.agentId") of an item, or nil.
local function at_path(item, path)
  local v = item
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" then
      return nil
    end
    v = v[part]
  end
  return v
end

-- Like te's item iterators with { fields = ..., as = "values" }: the position, then the values.
local function iterate_values(list, fields)
  local i = 0
  return function()
    i = i + 1
    local item = list[i]
    if item == nil then
      return nil
    end
    local values = {}
    for f, path in ipairs(fields) do
      values[f] = at_path(item, path)
    end
    return i, table.unpack(values, 1, #fields)
  end
end

--- Creates a fake te over `state` (agents, tests, results, users, roles, account_groups,
--- permissions, alerts, windows, files). `opts.dry_run` records writes without applying them.
function fake_te.new(state, opts)
  opts = opts or {}
  state = copy(state)
  for _, key in ipairs({ "agents", "tests", "results", "users", "roles", "account_groups", "permissions", "alerts", "windows" }) do
    state[key] = state[key] or {}
  end
  local te = {
    params = copy(opts.params or {}),
    dry_run = opts.dry_run == true,
    mode = opts.dry_run and "plan" or "live",
    requests = {}, -- every call: { method, path, body, query }
    writes = {}, -- write requests only
    logs = {},
    files = {}, -- files written through te.fs.write: path -> text
    file_writes = 0,
  }
  local next_id = 1000

  local function record(method, path, body, query)
    local r = { method = method, path = path, body = copy(body), query = copy(query) }
    te.requests[#te.requests + 1] = r
    if method ~= "GET" then
      te.writes[#te.writes + 1] = r
    end
  end

  local function new_id()
    next_id = next_id + 1
    return tostring(next_id)
  end

  local function find(list, key, id)
    for _, item in ipairs(list) do
      if tostring(item[key]) == tostring(id) then
        return item
      end
    end
    return nil
  end

  te.json = {
    null = setmetatable({}, { __name = "null" }),
    array = function(t)
      json_kind[t] = "array"
      return t
    end,
    object = function(t)
      json_kind[t] = "object"
      return t
    end,
    encode = function(v, o)
      return encode(v, o and o.pretty)
    end,
  }
  te.log = {}
  for _, level in ipairs({ "debug", "info", "warn", "error" }) do
    te.log[level] = function(fmt, ...)
      te.logs[#te.logs + 1] = level .. ": " .. string.format(fmt, ...)
    end
  end
  te.fs = {
    read = function(path)
      local text = (state.files or {})[path]
      if not text then
        error("te.fs.read: no such file: " .. path, 2)
      end
      return text
    end,
    write = function(path, text)
      te.files[path] = text
      te.file_writes = te.file_writes + 1
    end,
  }
  te.now = function()
    return opts.now or 1795748400
  end
  te.config = function()
    return { base_url = "https://api.example", aid = opts.aid, dry_run = te.dry_run, mode = te.mode, user_agent = "terun/test" }
  end

  -- te.parallel: terun's own scheduler (te/parallel.lua) over stand-in primitives. The fake's
  -- calls answer at once and never yield, so the items run one after another, in order.
  local prim = {
    request = function()
      error("fake te: no raw requests")
    end,
    settings = { dry_run = te.dry_run, max_concurrency = 8 },
    new_group = function()
      return 1
    end,
    cancel = function() end,
    default_concurrency = function()
      return 8
    end,
    wait_any = function()
      return nil
    end,
  }
  local te_library = require("te_library")
  te_library.load("te/parallel.lua")(prim, te, te_library.load("te/checks.lua")(prim))

  local function list_of(key, collection)
    return {
      list = function(query)
        record("GET", "/" .. collection, nil, query)
        return copy(state[key])
      end,
      each = function(query)
        record("GET", "/" .. collection, nil, query)
        return iterate(copy(state[key]))
      end,
    }
  end

  te.agents = list_of("agents", "agents")
  local agents_each = te.agents.each
  te.agents.each = function(query)
    local it = agents_each(query)
    local wanted = query and query.agentTypes
    return function()
      while true do
        local a = it()
        if not a or not wanted or a.agentType == wanted then
          return a
        end
      end
    end
  end

  te.tests = list_of("tests", "tests")
  te.tests.get = function(id, query)
    local t = find(state.tests, "testId", id)
    record("GET", "/tests/" .. (t and t.type or "?") .. "/" .. tostring(id), nil, query)
    if not t then
      error(api_error(404, "Not Found", "no test " .. tostring(id), "GET", "/v7/tests/" .. tostring(id)), 0)
    end
    return copy(t)
  end
  te.tests.update = function(id, changes)
    local t = find(state.tests, "testId", id)
    record("PUT", "/tests/" .. t.type .. "/" .. tostring(id), changes)
    if not te.dry_run then
      for k, v in pairs(changes) do
        t[k] = copy(v)
      end
    end
    return copy(t)
  end

  te.results = {
    each = function(test_id, kind, query, options)
      record("GET", "/test-results/" .. tostring(test_id) .. "/" .. (kind or "network"), nil, query)
      local list = {}
      for _, r in ipairs(state.results[tostring(test_id)] or {}) do
        list[#list + 1] = copy(r)
      end
      if options and options.as == "values" then
        return iterate_values(list, options.fields)
      end
      return iterate(list)
    end,
  }

  te.alerts = list_of("alerts", "alerts")
  te.alerts.suppression_windows = list_of("windows", "alert-suppression-windows")
  te.alerts.suppression_windows.create = function(body)
    record("POST", "/alert-suppression-windows", body)
    local w = copy(body)
    w.alertSuppressionWindowId = te.dry_run and "(known after apply)" or new_id()
    if not te.dry_run then
      state.windows[#state.windows + 1] = w
    end
    return copy(w)
  end
  te.alerts.suppression_windows.update = function(id, body)
    record("PUT", "/alert-suppression-windows/" .. tostring(id), body)
    local w = find(state.windows, "alertSuppressionWindowId", id)
    if not te.dry_run then
      for k, v in pairs(body) do
        w[k] = copy(v)
      end
    end
    return copy(w)
  end

  te.account_groups = list_of("account_groups", "account-groups")
  local groups_each = te.account_groups.each
  -- te.account_groups.each(fn): fn(aid, group) per group, as terun's (calls are not scoped here).
  te.account_groups.each = function(fn, ...)
    if type(fn) ~= "function" then
      return groups_each(fn, ...)
    end
    for _, group in ipairs(te.account_groups.list()) do
      fn(tostring(group.aid), group)
    end
  end
  te.account_groups.current = function()
    for _, group in ipairs(state.account_groups) do
      if opts.aid == nil or tostring(group.aid) == tostring(opts.aid) then
        return copy(group)
      end
    end
    return { aid = opts.aid }
  end
  te.permissions = list_of("permissions", "permissions")

  te.roles = list_of("roles", "roles")
  te.roles.get = function(id)
    record("GET", "/roles/" .. tostring(id))
    return copy(find(state.roles, "roleId", id))
  end
  local function role_permissions(ids)
    local out = {}
    for _, id in ipairs(ids) do
      out[#out + 1] = copy(find(state.permissions, "permissionId", id))
    end
    return out
  end
  te.roles.create = function(body)
    record("POST", "/roles", body)
    local role = { roleId = te.dry_run and "(known after apply)" or new_id(), name = body.name, isBuiltin = false, permissions = role_permissions(body.permissions) }
    if not te.dry_run then
      state.roles[#state.roles + 1] = role
    end
    return copy(role)
  end
  te.roles.update = function(id, body)
    record("PUT", "/roles/" .. tostring(id), body)
    local role = find(state.roles, "roleId", id)
    if not te.dry_run then
      role.name = body.name or role.name
      role.permissions = role_permissions(body.permissions)
    end
    return copy(role)
  end

  local function user_detail(body, uid)
    local groups = {}
    for _, g in ipairs(body.accountGroupRoles or {}) do
      local roles = {}
      for _, id in ipairs(g.roleIds) do
        local r = find(state.roles, "roleId", id) or { roleId = id, name = "?" }
        roles[#roles + 1] = { roleId = r.roleId, name = r.name }
      end
      local ag = find(state.account_groups, "aid", g.accountGroupId) or {}
      groups[#groups + 1] = { accountGroup = { aid = g.accountGroupId, accountGroupName = ag.accountGroupName }, roles = roles }
    end
    local login = body.loginAccountGroupId or (groups[1] and groups[1].accountGroup.aid)
    return { uid = uid, name = body.name, email = body.email, loginAccountGroup = { aid = login }, accountGroupRoles = groups }
  end
  -- opts.reject_uids: users whose writes the fake API refuses (400); opts.unreadable_uids:
  -- users it lists but answers 404 for when read.
  local function reject_user(method, uid)
    if (opts.reject_uids or {})[uid] then
      error(api_error(400, "Bad Request", "user " .. tostring(uid) .. " rejected", method, "/v7/users/" .. tostring(uid)), 0)
    end
  end
  te.users = {
    list = function()
      record("GET", "/users")
      local out = {}
      for i, u in ipairs(state.users) do
        out[i] = { uid = u.uid, name = u.name, email = u.email, loginAccountGroup = copy(u.loginAccountGroup) }
      end
      return out
    end,
    get = function(uid)
      record("GET", "/users/" .. tostring(uid))
      local u = find(state.users, "uid", uid)
      if not u or (opts.unreadable_uids or {})[uid] then
        error(api_error(404, "Not Found", "no user " .. tostring(uid), "GET", "/v7/users/" .. tostring(uid)), 0)
      end
      return copy(u)
    end,
    create = function(body)
      record("POST", "/users", body)
      if (opts.reject_emails or {})[body.email] then
        error(api_error(400, "Bad Request", "email rejected", "POST", "/v7/users"), 0)
      end
      if find(state.users, "email", body.email) then
        error(api_error(409, "Conflict", "user exists: " .. body.email, "POST", "/v7/users"), 0)
      end
      local user = user_detail(body, te.dry_run and "(known after apply)" or new_id())
      if not te.dry_run then
        state.users[#state.users + 1] = user
      end
      return copy(user)
    end,
    current = function()
      record("GET", "/users/current")
      return { uid = opts.current_uid or "me", email = "me@example.com" }
    end,
    update = function(uid, body)
      record("PUT", "/users/" .. tostring(uid), body)
      reject_user("PUT", uid)
      local u = find(state.users, "uid", uid)
      local updated = user_detail(body, uid)
      if not body.loginAccountGroupId then
        updated.loginAccountGroup = copy(u.loginAccountGroup)
      end
      if not te.dry_run then
        for k, v in pairs(updated) do
          u[k] = v
        end
      end
      return copy(updated)
    end,
    delete = function(uid)
      record("DELETE", "/users/" .. tostring(uid))
      reject_user("DELETE", uid)
      if not te.dry_run then
        for i, u in ipairs(state.users) do
          if u.uid == uid then
            table.remove(state.users, i)
            break
          end
        end
      end
    end,
  }

  te.state = state
  return te
end

--- Runs a runbook file against `te` with stdlib's testing.run_runbook. Returns ok, error,
--- printed lines.
function fake_te.run(path, te)
  local f = assert(io.open(path, "rb"))
  local source = f:read("a")
  f:close()
  local result = require("testing").run_runbook(te, path, te.params, { source = source })
  for file, text in pairs(result.files) do
    te.files[file] = text
  end
  te.file_writes = #result.writes
  return result.ok, result.error, result.output
end

return fake_te
