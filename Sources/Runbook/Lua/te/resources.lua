-- The resource factory (`list`, `each`, `get`, `create`, `update`, `delete` on a collection
-- addressed by id) and the resources built with it.
local prim, te, checks, context, paging = ...
local update_body = prim.update_body
local settings = prim.settings
local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local send, collect, item_iterator = context.send, paging.collect, paging.items
local id_text = checks.id_text

local resources = {}

-- PUT `path` with `changes` applied to the object as it is now: read it (with `read` added
-- to the query), merge, drop what the request cannot take, reduce expanded objects to
-- references (see RequestShape), then send. For a resource whose PUT replaces the whole
-- object this is what makes `update(id, { interval = 300 })` work.
function resources.update_object(path, changes, opts, read)
  local query = opts
  if read ~= nil then
    query = {}
    for k, v in pairs(opts or {}) do
      query[k] = v
    end
    for k, v in pairs(read) do
      if query[k] == nil then
        query[k] = v
      end
    end
  end
  local current = send("GET", path, nil, query)
  return send("PUT", path, update_body("PUT", path, current, changes), opts)
end
local update_object = resources.update_object

-- A resource at `base` whose list is under `key` and whose items are addressed by id.
function resources.resource(name, base, key, verbs)
  local r = {}
  local prefix = "te." .. name .. "."
  if verbs.list then
    r.list = function(opts, options)
      checks.opts(prefix .. "list", 1, opts)
      checks.params(prefix .. "list", "GET", base, opts)
      return collect(base, key, opts, checks.options(prefix .. "list", 2, options))
    end
    r.each = function(opts, options)
      checks.opts(prefix .. "each", 1, opts)
      checks.params(prefix .. "each", "GET", base, opts)
      return item_iterator(base, key, opts, checks.options(prefix .. "each", 2, options, nil, true))
    end
  end
  if verbs.get then
    r.get = function(id, opts)
      local segment = id_text(prefix .. "get", 1, id)
      checks.opts(prefix .. "get", 2, opts)
      checks.params(prefix .. "get", "GET", base .. "/" .. segment, opts)
      return send("GET", base .. "/" .. segment, nil, opts)
    end
  end
  if verbs.create then
    r.create = function(body, opts)
      checks.body(prefix .. "create", 1, body)
      checks.opts(prefix .. "create", 2, opts)
      checks.params(prefix .. "create", "POST", base, opts)
      return send("POST", base, body, opts)
    end
  end
  if verbs.update then
    r.update = function(id, changes, opts)
      local segment = id_text(prefix .. "update", 1, id)
      checks.body(prefix .. "update", 2, changes)
      checks.opts(prefix .. "update", 3, opts)
      checks.params(prefix .. "update", "PUT", base .. "/" .. segment, opts)
      return update_object(base .. "/" .. segment, changes, opts)
    end
  end
  if verbs.delete then
    r.delete = function(id, opts)
      local segment = id_text(prefix .. "delete", 1, id)
      checks.opts(prefix .. "delete", 2, opts)
      checks.params(prefix .. "delete", "DELETE", base .. "/" .. segment, opts)
      send("DELETE", base .. "/" .. segment, nil, opts)
      return true
    end
  end
  return r
end
local resource = resources.resource

local all = { list = true, get = true, create = true, update = true, delete = true }

te.agents = resource("agents", "/agents", "agents", { list = true, get = true, update = true, delete = true })
te.users = resource("users", "/users", "users", all)
function te.users.current(opts)
  checks.opts("te.users.current", 1, opts)
  checks.params("te.users.current", "GET", "/users/current", opts)
  return send("GET", "/users/current", nil, opts)
end
te.roles = resource("roles", "/roles", "roles", all)
te.account_groups = resource("account_groups", "/account-groups", "accountGroups", all)
-- te.account_groups.each(fn): calls fn(aid, group) once per account group the token can
-- see, with requests inside going to that group (as te.with_aid). With a table or nothing,
-- it is the item iterator of every resource.
local each_group_item = te.account_groups.each
function te.account_groups.each(fn, options)
  if type(fn) ~= "function" then
    return each_group_item(fn, options)
  end
  if options ~= nil then
    error("te.account_groups.each(fn) takes no second argument", 2)
  end
  for _, group in ipairs(collect("/account-groups", "accountGroups", nil)) do
    local aid = tostring(group.aid)
    te.with_aid(aid, function()
      fn(aid, group)
    end)
  end
end

-- te.account_groups.current(): the account group requests go to now (te.with_aid, --aid,
-- TE_AID, else the token's default), as the API lists it: { aid, accountGroupName, ... }.
function te.account_groups.current()
  for _, group in ipairs(collect("/account-groups", "accountGroups", nil)) do
    if group.isCurrentAccountGroup == true then
      return group
    end
  end
  local aid = context.aid() or settings.aid
  return { aid = aid, accountGroupName = aid and ("account group " .. tostring(aid)) or "the default account group" }
end
te.permissions = {
  list = function(opts)
    checks.opts("te.permissions.list", 1, opts)
    checks.params("te.permissions.list", "GET", "/permissions", opts)
    return collect("/permissions", "permissions", opts)
  end,
}
te.alerts = resource("alerts", "/alerts", "alerts", { list = true, get = true })
te.alerts.rules = resource("alerts.rules", "/alerts/rules", "alertRules", all)
te.alerts.suppression_windows =
  resource("alerts.suppression_windows", "/alert-suppression-windows", "alertSuppressionWindows", all)

return resources
