-- The generic calls: `te.get/post/put/patch/delete(path, ...)` and `te.call(operation_id, ...)`.
local prim, te, checks, context, paging = ...
local operation = prim.operation
local json = te.json
local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local format, concat = string.format, table.concat
local send, page_iterator = context.send, paging.pages
local assert_arg, id_text, did_you_mean = checks.assert_arg, checks.id_text, checks.did_you_mean

-- te.get(path [, query]) and te.delete(path [, query]).
local function call_without_body(method, fname)
  return function(path, query)
    checks.path(fname, path)
    checks.query(fname, 2, query)
    checks.params(fname, method, path, query)
    return send(method, path, nil, query)
  end
end

-- te.post/put/patch(path, body [, query]).
local function call_with_body(method, fname)
  return function(path, body, query)
    checks.path(fname, path)
    checks.query(fname, 3, query)
    checks.params(fname, method, path, query)
    return send(method, path, body, query)
  end
end

te.get = call_without_body("GET", "te.get")
te.delete = call_without_body("DELETE", "te.delete")
te.post = call_with_body("POST", "te.post")
te.put = call_with_body("PUT", "te.put")
te.patch = call_with_body("PATCH", "te.patch")

function te.call(operation_id, params, body)
  assert_arg("te.call", 1, operation_id, "string")
  local op = operation(operation_id)
  if op == nil then
    error(format("te.call: unknown operation '%s'", operation_id), 2)
  end
  params = params == nil and {} or assert_arg("te.call", 2, params, "table")
  local is_path, is_query = {}, { aid = true }
  for _, name in ipairs(op.path_params) do
    is_path[name] = true
  end
  for _, name in ipairs(op.query_params) do
    is_query[name] = true
  end
  local segments = {}
  for _, name in ipairs(op.path_params) do
    local value = params[name]
    if value == nil then
      error(format("te.call(%s): missing path parameter '%s' for %s %s", operation_id, name, op.method, op.path), 2)
    end
    local kind = type(value)
    if kind ~= "string" and kind ~= "number" then
      error(format("te.call(%s): path parameter '%s' must be a string or a number, got %s", operation_id, name, kind), 2)
    end
    segments[name] = id_text("te.call", 2, value)
  end
  local query = {}
  for name, value in pairs(params) do
    if not is_path[name] then
      if not is_query[name] then
        local accepted = concat(op.query_params, ", ")
        local known = {}
        for _, list in ipairs({ op.path_params, op.query_params, { "aid" } }) do
          for _, known_name in ipairs(list) do
            known[#known + 1] = known_name
          end
        end
        error(format("te.call(%s): unknown parameter '%s'%s (accepted: %s%s)", operation_id, tostring(name),
          did_you_mean(name, known), concat(op.path_params, ", ") .. (#op.path_params > 0 and ", " or ""),
          accepted ~= "" and accepted or "aid"), 2)
      end
      query[name] = value
    end
  end
  local path = op.path:gsub("{([^}]+)}", segments)
  if op.paginated and op.collection_key ~= nil then
    -- All pages, merged: the first page's object with every item under its key.
    local key = op.collection_key
    local first, n = nil, 0
    for page in page_iterator(op.method, path, query, body, key) do
      if first == nil then
        first = page
        n = first[key] and #first[key] or 0
      else
        local list = page[key]
        if list ~= nil then
          if first[key] == nil then
            first[key] = json.array({})
          end
          for i = 1, #list do
            n = n + 1
            first[key][n] = list[i]
          end
        end
      end
    end
    if first ~= nil and first._links ~= nil then
      first._links.next = nil
    end
    return first
  end
  return send(op.method, path, body, query)
end
