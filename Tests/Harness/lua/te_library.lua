-- Loads terun's own Lua (Sources/*/Lua) with plain lua5.4, under the chunk names terun gives it
-- (`@te/paging.lua`), against fake host primitives, for the specs of the `te` library, the
-- prelude and the sandbox set-up.
local here = (arg and arg[0] or ""):match("^(.*)[/\\]") or "."
local root = here .. "/../../.."

local library = {}

-- The targets' Lua/ folders (the EmbedLuaSources plugin embeds each into its target).
local folders = { "Sources/LuaHost/Lua/", "Sources/Runbook/Lua/" }

-- Compiles the embedded file `path` ("te/paging.lua", "terun/sandbox.lua") as terun does.
function library.load(path, env)
  local handle
  for _, folder in ipairs(folders) do
    handle = io.open(root .. "/" .. folder .. path, "rb")
    if handle then
      break
    end
  end
  assert(handle, "no embedded Lua file " .. path)
  local source = handle:read("a")
  handle:close()
  if env == nil then
    return assert(load(source, "@" .. path, "t"))
  end
  return assert(load(source, "@" .. path, "t", env))
end

local function ok_op(fields)
  fields.path_params = fields.path_params or {}
  fields.query_params = fields.query_params or {}
  return fields
end

-- The operations the fake catalog knows, by "METHOD path-pattern".
local operations = {
  { method = "GET", pattern = "^/agents$", op = ok_op({ id = "getAgents", method = "GET", path = "/agents",
    query_params = { "aid", "agentTypes", "countryId" }, paginated = false, collection_key = "agents" }) },
  { method = "GET", pattern = "^/agents/[^/]+$", op = ok_op({ id = "getAgent", method = "GET",
    path = "/agents/{agentId}", path_params = { "agentId" }, query_params = { "aid" } }) },
  { method = "GET", pattern = "^/tests$", op = ok_op({ id = "getTests", method = "GET", path = "/tests",
    query_params = { "aid" }, paginated = true, collection_key = "tests" }) },
  { method = "POST", pattern = "^/tests/http%-server$", op = ok_op({ id = "createHttpServerTest", method = "POST",
    path = "/tests/http-server", query_params = { "aid" } }) },
  { method = "GET", pattern = "^/tests/http%-server/[^/]+$", op = ok_op({ id = "getHttpServerTest", method = "GET",
    path = "/tests/http-server/{testId}", path_params = { "testId" }, query_params = { "aid", "expand" } }) },
  { method = "PUT", pattern = "^/tests/http%-server/[^/]+$", op = ok_op({ id = "updateHttpServerTest",
    method = "PUT", path = "/tests/http-server/{testId}", path_params = { "testId" }, query_params = { "aid" } }) },
  { method = "GET", pattern = "^/test%-results/[^/]+/network$", op = ok_op({ id = "getTestNetworkResults",
    method = "GET", path = "/test-results/{testId}/network", path_params = { "testId" },
    query_params = { "aid", "window", "cursor" }, paginated = true, collection_key = "results" }) },
}

-- A fresh `te` table with the library installed on fake primitives. `responses` maps
-- "METHOD path" to a response (a table) and `pages` maps "METHOD path" to a list of pages.
-- Returns te and a log of the requests sent ({ method, path, query, body }).
function library.install(responses, pages)
  responses, pages = responses or {}, pages or {}
  local sent = {}
  local prim = {
    settings = { base_url = "https://api.example.test/v7", aid = "1000", dry_run = false, mode = "live",
      user_agent = "terun-test" },
  }
  function prim.request(method, path, query, body)
    sent[#sent + 1] = { method = method, path = path, query = query, body = body }
    return responses[method .. " " .. path] or {}
  end
  function prim.pages(method, path, query, body, key, fields, values)
    sent[#sent + 1] = { method = method, path = path, query = query, body = body, pages = true }
    local list, i = pages[method .. " " .. path] or {}, 0
    return function()
      i = i + 1
      local page = list[i]
      if page ~= nil and values then
        local flat = { n = 0 }
        for _, item in ipairs(page[key] or {}) do
          for _, field in ipairs(fields) do
            flat.n = flat.n + 1
            flat[flat.n] = item[field]
          end
        end
        flat.n = flat.n // #fields
        return { [key] = flat }
      end
      return page
    end
  end
  function prim.match(method, path)
    local plain = path:match("^[^?]*")
    for _, entry in ipairs(operations) do
      if entry.method == method and plain:find(entry.pattern) then
        return entry.op
      end
    end
  end
  function prim.operation(id)
    for _, entry in ipairs(operations) do
      if entry.op.id == id then
        return entry.op
      end
    end
  end
  function prim.suggest(name, names)
    for candidate in names:gmatch("[^,]+") do
      if candidate:lower() == name:lower() then
        return candidate
      end
    end
  end
  function prim.update_body(_, _, current, changes)
    local body = {}
    for k, v in pairs(current) do
      body[k] = v
    end
    for k, v in pairs(changes) do
      body[k] = v
    end
    return body
  end
  prim.raise = error
  prim.sleep = function() end
  prim.now = function()
    return 1700000000
  end

  local te = { json = { array = function(t)
    return t
  end } }
  local env = setmetatable({ __terun_te_install = te }, { __index = _G })
  library.load("te/init.lua", env)(prim, function(name)
    return library.load("te/" .. name .. ".lua")
  end)
  return te, sent
end

-- Runs `source` as a runbook chunk named `@runbook.lua` with `te` as a global; returns what
-- pcall returns.
function library.run(te, source)
  local chunk = assert(load(source, "@runbook.lua", "t", setmetatable({ te = te }, { __index = _G })))
  return pcall(chunk)
end

return library
