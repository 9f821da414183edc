-- Argument checks shared by every part of the `te` library, around one helper, `assert_arg`. A
-- check that fails raises an error at `level` (counted from the function that called the check,
-- as `error` counts: 2 is that function's caller), so the message's position is the runbook's
-- line.
local prim = ...
local match, suggest = prim.match, prim.suggest
local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local format, concat = string.format, table.concat
local math_type, floor = math.type, math.floor

local checks = {}

-- "; did you mean 'agentTypes'?" when `name` looks like a typo of one of `names`, else "".
function checks.did_you_mean(name, names)
  local best = suggest(tostring(name), concat(names, ","))
  return best and format("; did you mean '%s'?", best) or ""
end

-- Raises "bad argument #n to 'fname' (detail)" at `level`, counted from the caller of
-- bad_argument as error counts (2, the default: that caller's caller).
local function bad_argument(fname, n, detail, level)
  error(format("bad argument #%d to '%s' (%s)", n, fname, detail), (level or 2) + 1)
end

-- Penlight's `utils.assert_arg(n, val, tp, verify, msg, lev)`, with the function's name first
-- for the message: argument `n` of `fname` must have type `tp` and, given `verify`, satisfy
-- `verify(val)` (else the message says `msg`). `tp` is a type name, or a set of type names with
-- a `label` ({ string = true, number = true, label = "string or integer" }). `lev` counts from
-- the caller of assert_arg, as error's level does (2, the default: the runbook that called it).
-- Returns `val`.
--
--   assert_arg("te.items", 2, key, "string")  -- bad argument #2 to 'te.items' (string expected, got nil)
function checks.assert_arg(fname, n, val, tp, verify, msg, lev)
  local kind = type(val)
  if kind ~= tp and (type(tp) ~= "table" or not tp[kind]) then
    bad_argument(fname, n, format("%s expected, got %s", type(tp) == "table" and tp.label or tp, kind), (lev or 2) + 1)
  end
  if verify and not verify(val) then
    bad_argument(fname, n, msg, (lev or 2) + 1)
  end
  return val
end
local assert_arg = checks.assert_arg

-- A dot segment (`..`, `%2e%2e`) would name another resource once the path is normalised.
local function dot_segment(path)
  for segment in (path:match("^[^?]*")):gmatch("[^/]+") do
    local plain = segment:gsub("%%2[eE]", ".")
    if plain == "." or plain == ".." then
      return segment
    end
  end
end

function checks.path(fname, path)
  assert_arg(fname, 1, path, "string", nil, nil, 3)
  local dots = dot_segment(path)
  if dots then
    error(format("%s: the path %s has a '%s' segment; name each object by its id", fname,
      path:match("^[^?]*"), dots), 3)
  end
  return path
end

-- Query parameters, or the options of a resource call: nil or a table.
function checks.query(fname, n, query)
  if query ~= nil then
    assert_arg(fname, n, query, "table", nil, nil, 3)
  end
end
checks.opts = checks.query

-- A request body: a table.
function checks.body(fname, n, body)
  assert_arg(fname, n, body, "table", nil, nil, 3)
end

-- The terun options of an item iterator (`{ fields = {...}, as = "values" }`): returns the
-- fields (or nil) and whether items come as values. `as` is for iterators only.
function checks.options(fname, n, options, level, iterating)
  level = level or 3
  if options == nil then
    return nil, false
  end
  assert_arg(fname, n, options, "table", nil, nil, level)
  for k in pairs(options) do
    if k ~= "fields" and k ~= "as" then
      error(format("%s: unknown option '%s' (accepted: fields, as)", fname, tostring(k)), level)
    end
  end
  local as = options.as
  if as ~= nil and as ~= "objects" and as ~= "values" then
    error(format("%s: as must be \"objects\" or \"values\", got %s", fname,
      type(as) == "string" and format("\"%s\"", as) or type(as)), level)
  end
  local values = as == "values"
  if values and not iterating then
    error(format("%s: as = \"values\" is for iterators (each, te.items)", fname), level)
  end
  local fields = options.fields
  if fields == nil then
    if values then
      error(format("%s: as = \"values\" needs fields (the values to return, in order)", fname), level)
    end
    return nil, false
  end
  if type(fields) ~= "table" then
    error(format("%s: fields must be a list of member names like 'agent.agentId', got %s", fname, type(fields)), level)
  end
  local list = {}
  for i = 1, #fields do
    local f = fields[i]
    if type(f) ~= "string" or f == "" or f:find("^%.") or f:find("%.$") or f:find("%.%.") then
      error(format("%s: fields[%d] must be a member name like 'roundId' or 'agent.agentId', got %s", fname, i,
        type(f) == "string" and format("'%s'", f) or type(f)), level)
    end
    list[i] = f
  end
  for k in pairs(fields) do
    if math_type(k) ~= "integer" or k < 1 or k > #fields then
      error(format("%s: fields must be a list (found key %s)", fname, tostring(k)), level)
    end
  end
  if values then
    if #list == 0 then
      error(format("%s: as = \"values\" needs fields (the values to return, in order)", fname), level)
    end
    for i = 2, #list do
      for j = 1, i - 1 do
        local a, b = list[j], list[i]
        if a == b then
          error(format("%s: field '%s' is listed twice", fname, a), level)
        elseif b:sub(1, #a + 1) == a .. "." or a:sub(1, #b + 1) == b .. "." then
          error(format("%s: fields '%s' and '%s' overlap; as values, each field must be a value of its own", fname, a, b), level)
        end
      end
    end
  end
  return list, values
end

-- An id given as a string or a number (integers only), as a path segment.
function checks.id_text(fname, n, id, level)
  local kind = type(id)
  if kind == "string" and (id == "." or id == "..") then
    bad_argument(fname, n, format("id expected, got '%s'", id), (level or 2) + 1)
  elseif kind == "string" and id ~= "" then
    return (id:gsub("[^%w%-%._~]", function(c)
      return format("%%%02X", c:byte())
    end))
  elseif kind == "number" then
    if math_type(id) == "integer" then
      return tostring(id)
    elseif id == floor(id) then
      return format("%d", id)
    end
  end
  bad_argument(fname, n, format("id expected as a string or an integer, got %s",
    kind == "number" and tostring(id) or kind), (level or 2) + 1)
end

-- Refuses a query parameter the operation of `method path` does not take, as te.call
-- does: a filter the API would silently drop must not widen a bulk change.
function checks.params(fname, method, path, query, level)
  -- A query written into the path (`/agents?countryId=SG`) is checked as well.
  local in_path = path:match("%?(.*)$")
  if in_path ~= nil then
    local merged = {}
    for k, v in pairs(query or {}) do
      merged[k] = v
    end
    for name in in_path:gmatch("([^&=]+)=?[^&]*") do
      merged[name] = merged[name] or true
    end
    query = merged
  end
  if query == nil then
    return
  end
  local op = match(method, path)
  if op == nil then
    return
  end
  local accepted = { aid = true, cursor = op.paginated or nil }
  local names = {}
  for _, name in ipairs(op.query_params) do
    if name ~= "cursor" then
      accepted[name] = true
      names[#names + 1] = name
    end
  end
  if #names == 0 then
    names[1] = "aid"
  end
  for name in pairs(query) do
    if not accepted[name] then
      error(format("%s: unknown query parameter '%s' for %s %s%s (accepted: %s)", fname, tostring(name),
        method, op.path, checks.did_you_mean(name, names), concat(names, ", ")), (level or 2) + 1)
    end
  end
end

return checks
