-- The sandbox: run once per Lua state, before any other code, to finish it in place (see
-- docs/architecture.md, "The sandbox"). The host gives it:
--   violation(message)   stops the run with a sandbox violation (it never returns);
--   patterns             string.find/match/gmatch/gsub that obey the limits;
--   find_module(name)    the compiled chunk and path of a module, or nil and a message;
--   guarded              xpcall, coroutine.wrap/close, string.rep, table.move and a
--                        setmetatable maker, in versions that keep the limits where stock Lua
--                        runs code with hooks off or loops in C;
--   internal_prefixes    the chunk-name prefixes of terun's own Lua ("te/", "terun/"), whose
--                        frames users never see: `load` gives no runbook chunk such a name.
local violation, patterns, find_module, guarded, internal_prefixes = ...

-- Policy ---------------------------------------------------------------------------------

-- Globals of plain Lua that do not exist here: reading one is a violation.
local forbidden_globals = {
  "io", "debug", "package", "dofile", "loadfile", "loadstring", "module", "setfenv", "getfenv",
  "ffi", "jit", "newproxy",
}
-- The `os` functions kept; reading another is a violation.
local allowed_os = { "time", "date", "clock", "difftime" }
-- Modules `require` returns from the standard library without searching.
local standard_modules = { "string", "table", "math", "utf8", "coroutine", "os" }
-- Modules `require` refuses with a violation.
local denied_modules = { "io", "debug", "package", "ffi", "jit" }
-- The one `collectgarbage` option kept: a runbook may read its memory use, not steer the GC.
local allowed_collect = "count"
-- `load` takes text chunks only (mode "t"): binary chunks can break the VM.

-- Set-up ---------------------------------------------------------------------------------

local G = _G
local orig_load, orig_collect = load, collectgarbage
local type, setmetatable, getmetatable, tostring, select, pairs, ipairs, pcall, error, rawget =
  type, setmetatable, getmetatable, tostring, select, pairs, ipairs, pcall, error, rawget
local byte, string, os, concat = string.byte, string, os, table.concat

local function set(list)
  local s = {}
  for _, name in ipairs(list) do
    s[name] = true
  end
  return s
end
local forbidden_global, standard_module, denied_module =
  set(forbidden_globals), set(standard_modules), set(denied_modules)

G.xpcall = guarded.xpcall
G.coroutine.wrap, G.coroutine.close = guarded.wrap, guarded.close
string.rep, G.table.move = guarded.rep, guarded.move

-- Lua runs __gc finalizers with hooks off, where no limit can stop them: refused (as Luau
-- does). Lua only marks an object for finalization if its metatable has __gc when set.
G.setmetatable = guarded.make_setmetatable(violation)

G.dofile, G.loadfile = nil, nil
string.dump = function()
  violation("string.dump is not available in the sandbox")
end
for name, f in pairs(patterns) do
  string[name] = f
end

-- A chunk name that would read as terun's own (`@te/x.lua`) gets a "./", as LuaState.load does.
local function user_chunk_name(name)
  local marker = type(name) == "string" and name:match("^[@=]")
  if not marker then
    return name
  end
  for _, prefix in ipairs(internal_prefixes) do
    if name:sub(2, #prefix + 1) == prefix then
      return marker .. "./" .. name:sub(2)
    end
  end
  return name
end

G.load = function(chunk, name, mode, ...)
  name = user_chunk_name(name)
  if mode ~= nil and mode ~= "t" then
    violation("load: only text chunks are allowed (mode '" .. tostring(mode) .. "' refused)")
  end
  if type(chunk) == "string" and byte(chunk, 1) == 27 then
    violation("load: binary chunks are not allowed")
  end
  if select("#", ...) > 0 then
    local env = ...
    if type(env) ~= "table" then
      violation("load: the environment must be a table")
    end
    return orig_load(chunk, name, "t", env)
  end
  return orig_load(chunk, name, "t")
end

G.collectgarbage = function(opt, ...)
  if opt ~= allowed_collect then
    violation("collectgarbage('" .. tostring(opt or "collect") .. "') is not allowed in the sandbox (only '"
      .. allowed_collect .. "')")
  end
  return orig_collect(allowed_collect)
end

local safe_os = {}
for _, name in ipairs(allowed_os) do
  safe_os[name] = os[name]
end
local allowed_os_text = "os." .. concat(allowed_os, ", os.")
G.os = setmetatable(safe_os, {
  __index = function(_, name)
    violation("os." .. (type(name) == "string" and name or "?") .. " is not available in the sandbox (allowed: "
      .. allowed_os_text .. ")")
  end,
  __metatable = false,
})

-- `require`: Lua source only, from the host's folders and built-in modules (find_module),
-- cached in a table only this chunk can reach.
local loaded, loading = {}, {}
G.require = function(name)
  local module = loaded[name]
  if module ~= nil then
    return module
  end
  if denied_module[name] then
    violation("require('" .. name .. "'): module '" .. name .. "' is not available in the sandbox")
  end
  if standard_module[name] then
    return rawget(G, name)
  end
  local chunk, path = find_module(name)
  if chunk == nil then
    error(path, 2)
  end
  if loading[name] then
    error("require('" .. name .. "'): loop while loading the module", 2)
  end
  loading[name] = true
  local ok, result = pcall(chunk, name, path)
  loading[name] = nil
  if not ok then
    error(result, 0)
  end
  if result == nil then
    result = true
  end
  loaded[name] = result
  return result
end

local string_meta = getmetatable("")
local frozen = setmetatable({}, {
  __index = string_meta,
  __newindex = function(_, key)
    violation("the string metatable is read-only (tried to set '" .. tostring(key) .. "')")
  end,
  __metatable = false,
})
string_meta.__metatable = frozen

setmetatable(G, {
  __index = function(_, name)
    if forbidden_global[name] then
      violation("'" .. name .. "' is not available in the sandbox")
    end
  end,
  __metatable = false,
})
