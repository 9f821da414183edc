-- `te.results`: a test's results, /test-results/{testId}/{kind}, paginated under `results`.
local prim, te, checks, paging = ...
local match = prim.match
local type, error = type, error
local format = string.format
local assert_arg = checks.assert_arg

local function results_path(fname, test_id, kind, opts, options, iterating)
  local segment = checks.id_text(fname, 1, test_id, 3)
  if type(kind) == "table" and options == nil then
    kind, opts, options = nil, kind, opts
  end
  kind = kind or "network"
  assert_arg(fname, 2, kind, "string", nil, nil, 3)
  if opts ~= nil then
    assert_arg(fname, 3, opts, "table", nil, nil, 3)
  end
  local path = "/test-results/" .. segment .. "/" .. kind
  local op = match("GET", path)
  if op == nil or op.collection_key == nil or op.path ~= "/test-results/{testId}/" .. kind then
    error(format("%s: unknown result kind '%s' (e.g. network, http-server, path-vis, page-load, dns-server)",
      fname, kind), 3)
  end
  checks.params(fname, "GET", path, opts, 3)
  return path, op.collection_key, opts, checks.options(fname, 4, options, 4, iterating)
end

te.results = {
  list = function(test_id, kind, opts, options)
    local path, key, q, fields = results_path("te.results.list", test_id, kind, opts, options)
    return paging.collect(path, key, q, fields)
  end,
  each = function(test_id, kind, opts, options)
    local path, key, q, fields, values = results_path("te.results.each", test_id, kind, opts, options, true)
    return paging.items(path, key, q, fields, values)
  end,
}
