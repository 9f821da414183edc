--- tables: helpers for arrays ("lists") and tables.
---
--- Named `tables` so it never shadows Lua's own `table`. It is not Penlight's `tablex` (it
--- was called that once): the list comes first, functions get `(value, index)`, `keys` and
--- `values` are sorted, and `index_by` maps key -> element. No function changes its input;
--- each returns a new table. Where a "key" is asked for, it is either a field name
--- (`"agentName"`) or a function of the element (`function(a) return a.agent.agentName end`).
local tables = {}

---@alias tables.Key string|integer|fun(value: any): any

local function accessor(key)
  if type(key) == "function" then
    return key
  end
  if key == nil then
    return function(v)
      return v
    end
  end
  return function(v)
    return v[key]
  end
end

--- Applies `fn(value, index)` to each element.
---@param list any[]
---@param fn fun(value: any, index: integer): any
---@return any[]
function tables.map(list, fn)
  local out = {}
  for i = 1, #list do
    out[i] = fn(list[i], i)
  end
  return out
end

--- Keeps the elements for which `pred(value, index)` is truthy, in order.
---@param list any[]
---@param pred fun(value: any, index: integer): any
---@return any[]
function tables.filter(list, pred)
  local out = {}
  for i = 1, #list do
    if pred(list[i], i) then
      out[#out + 1] = list[i]
    end
  end
  return out
end

--- The first element for which `pred(value, index)` is truthy, and its index.
---@param list any[]
---@param pred fun(value: any, index: integer): any
---@return any value
---@return integer? index
function tables.find(list, pred)
  for i = 1, #list do
    if pred(list[i], i) then
      return list[i], i
    end
  end
  return nil, nil
end

--- How many elements satisfy `pred` (all of them when `pred` is nil).
---@param list any[]
---@param pred? fun(value: any, index: integer): any
---@return integer
function tables.count(list, pred)
  if not pred then
    return #list
  end
  local n = 0
  for i = 1, #list do
    if pred(list[i], i) then
      n = n + 1
    end
  end
  return n
end

--- Groups elements by key. Returns the groups (key -> array, each in input order) and the
--- keys in order of first appearance. Elements whose key is nil are left out.
---@param list any[]
---@param key tables.Key
---@return table<any, any[]> groups
---@return any[] order
function tables.group_by(list, key)
  local get = accessor(key)
  local groups, order = {}, {}
  for i = 1, #list do
    local k = get(list[i])
    if k ~= nil then
      local g = groups[k]
      if not g then
        g = {}
        groups[k] = g
        order[#order + 1] = k
      end
      g[#g + 1] = list[i]
    end
  end
  return groups, order
end

--- Maps key -> element. When two elements share a key the last one wins; the keys seen more
--- than once are returned second. Elements whose key is nil are left out.
---@param list any[]
---@param key tables.Key
---@return table<any, any> index
---@return any[] duplicates
function tables.index_by(list, key)
  local get = accessor(key)
  local index, duplicates, seen = {}, {}, {}
  for i = 1, #list do
    local k = get(list[i])
    if k ~= nil then
      if index[k] ~= nil and not seen[k] then
        seen[k] = true
        duplicates[#duplicates + 1] = k
      end
      index[k] = list[i]
    end
  end
  return index, duplicates
end

local type_rank = { number = 1, string = 2, boolean = 3 }

--- A total order over mixed values: numbers, then strings, then booleans (false < true),
--- then anything else by type name; nil sorts last.
---@param a any
---@param b any
---@return boolean
function tables.less(a, b)
  if a == nil or b == nil then
    return a ~= nil and b == nil
  end
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local ra, rb = type_rank[ta] or 4, type_rank[tb] or 4
    if ra ~= rb then
      return ra < rb
    end
    return ta < tb
  end
  if ta == "number" or ta == "string" then
    return a < b
  end
  if ta == "boolean" then
    return (not a) and b
  end
  return false
end

---@class tables.SortOptions
---@field desc? boolean sort descending (nil keys still last)

--- A stably sorted copy: elements with equal keys keep their input order. `opts` may be
--- `{ desc = true }` or the string `"desc"`. Keys compare with `tables.less`, so numbers come
--- before strings and elements without the key come last, in either direction.
---@param list any[]
---@param key? tables.Key  nil sorts the values themselves
---@param opts? tables.SortOptions|"asc"|"desc"
---@return any[]
function tables.sort_by(list, key, opts)
  local get = accessor(key)
  local desc = opts == "desc" or (type(opts) == "table" and opts.desc == true)
  local decorated = {}
  for i = 1, #list do
    decorated[i] = { k = get(list[i]), i = i, v = list[i] }
  end
  table.sort(decorated, function(x, y)
    local a, b = x.k, y.k
    if a == nil or b == nil then
      if (a == nil) ~= (b == nil) then
        return b == nil
      end
      return x.i < y.i
    end
    if desc then
      if tables.less(b, a) then
        return true
      end
      if tables.less(a, b) then
        return false
      end
    else
      if tables.less(a, b) then
        return true
      end
      if tables.less(b, a) then
        return false
      end
    end
    return x.i < y.i
  end)
  local out = {}
  for i = 1, #decorated do
    out[i] = decorated[i].v
  end
  return out
end

--- The keys of `t`, sorted with `tables.less` (numbers, then strings, ...).
---@param t table
---@return any[]
function tables.keys(t)
  local out = {}
  for k in pairs(t) do
    out[#out + 1] = k
  end
  table.sort(out, tables.less)
  return out
end

--- The values of `t`, ordered by their sorted keys.
---@param t table
---@return any[]
function tables.values(t)
  local out = {}
  for i, k in ipairs(tables.keys(t)) do
    out[i] = t[k]
  end
  return out
end

--- Unique elements (or elements with unique keys), keeping the first of each, in order.
---@param list any[]
---@param key? tables.Key
---@return any[]
function tables.uniq(list, key)
  local get = accessor(key)
  local seen, out = {}, {}
  for i = 1, #list do
    local k = get(list[i])
    if k == nil then
      k = list
    end -- nil keys: keep one
    if not seen[k] then
      seen[k] = true
      out[#out + 1] = list[i]
    end
  end
  return out
end

--- The sum of the elements (or of their keys). Integers stay integers; nil keys count as 0.
---@param list any[]
---@param key? tables.Key
---@return number
function tables.sum(list, key)
  local get = accessor(key)
  local total = 0
  for i = 1, #list do
    local v = get(list[i])
    if v ~= nil then
      total = total + v
    end
  end
  return total
end

--- The lists given, one after the other, in one new list.
---@param ... any[]
---@return any[]
function tables.concat_lists(...)
  local out = {}
  for a = 1, select("#", ...) do
    local list = select(a, ...)
    for i = 1, #list do
      out[#out + 1] = list[i]
    end
  end
  return out
end

--- Whether `list` holds `value` (compared with ==).
---@param list any[]
---@param value any
---@return boolean
function tables.contains(list, value)
  for i = 1, #list do
    if list[i] == value then
      return true
    end
  end
  return false
end

--- A set (value -> true) of the elements or their keys.
---@param list any[]
---@param key? tables.Key
---@return table<any, boolean>
function tables.set(list, key)
  local get = accessor(key)
  local out = {}
  for i = 1, #list do
    local k = get(list[i])
    if k ~= nil then
      out[k] = true
    end
  end
  return out
end

return tables
