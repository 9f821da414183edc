-- Paging: `te.pages` and `te.items`, and the page and item iterators the resources use.
local prim, te, checks, context = ...
local open_pages = prim.pages
local json = te.json
local type, rawget, error = type, rawget, error
local format, unpack = string.format, table.unpack
local math_type = math.type

local paging = {}

-- The pages of `method path`, each decoded (only `key`'s `fields` when given).
local function page_iterator(method, path, query, body, key, fields, values)
  return open_pages(method, path, context.query(query), body, key, fields, values)
end
paging.pages = page_iterator

-- Iterates the items of `key` across pages; holds one page (plus the one prefetched).
-- With `fields`, only those members of each item are decoded.
--
-- With `values`, each step returns the item's position in the whole stream, then its
-- fields' values in order (nil where absent), from the page's flat array of values: no
-- table is made per item.
local function item_iterator(path, key, query, fields, values)
  local next_page = page_iterator("GET", path, query, nil, key, fields, values)
  if values then
    local width = #fields
    local list, i, n, count = nil, 0, 0, 0
    return function()
      while true do
        if i < n then
          local base = i * width
          i = i + 1
          count = count + 1
          return count, unpack(list, base + 1, base + width)
        end
        local page = next_page()
        if page == nil then
          return nil
        end
        list, i, n = page[key], 0, 0
        if list ~= nil then
          n = type(list) == "table" and rawget(list, "n") or nil
          if math_type(n) ~= "integer" then
            error(format("te.items: '%s' of %s is not a list", key, path), 2)
          end
        end
      end
    end
  end
  local list, i = nil, 0
  return function()
    while true do
      if list ~= nil then
        i = i + 1
        local item = list[i]
        if item ~= nil then
          return item
        end
      end
      local page = next_page()
      if page == nil then
        return nil
      end
      list, i = page[key], 0
      if list ~= nil and type(list) ~= "table" then
        error(format("te.items: '%s' of %s is not a list", key, path), 2)
      end
    end
  end
end
paging.items = item_iterator

-- Every item of `key` across pages, as one JSON array.
function paging.collect(path, key, query, fields)
  local out = json.array({})
  local n = 0
  for item in item_iterator(path, key, query, fields) do
    n = n + 1
    out[n] = item
  end
  return out
end

function te.pages(path, query)
  checks.path("te.pages", path)
  checks.query("te.pages", 2, query)
  checks.params("te.pages", "GET", path, query)
  return page_iterator("GET", path, query, nil, nil)
end

function te.items(path, key, query, options)
  checks.path("te.items", path)
  checks.assert_arg("te.items", 2, key, "string")
  checks.query("te.items", 3, query)
  local fields, values = checks.options("te.items", 4, options, nil, true)
  return item_iterator(path, key, query, fields, values)
end

return paging
