-- `te.tests`: a test's type is part of its path, so `get`, `update` and `delete` resolve it
-- (from a cache filled by listing the account group's tests), and `create` takes it.
local prim, te, checks, context, paging, resources = ...
local match, raise = prim.match, prim.raise
local json = te.json
local type, tostring, error = type, tostring, error
local format = string.format
local send, item_iterator = context.send, paging.items
local assert_arg, id_text = checks.assert_arg, checks.id_text

te.tests = resources.resource("tests", "/tests", "tests", { list = true })
local test_types = {} -- "aid|testId" -> type

local function resolve_type(fname, segment, opts)
  local aid = (opts and opts.aid) or context.aid() or ""
  local cache_key = tostring(aid) .. "|" .. segment
  local known = test_types[cache_key]
  if known then
    return known
  end
  local q = {}
  if opts and opts.aid ~= nil then
    q.aid = opts.aid
  end
  for test in item_iterator("/tests", "tests", q) do
    if test.testId ~= nil and test.type ~= nil then
      test_types[tostring(aid) .. "|" .. tostring(test.testId)] = test.type
    end
  end
  known = test_types[cache_key]
  if known == nil then
    raise({
      kind = "api", status = 404, title = "Not Found", method = "GET", path = "/tests/" .. segment,
      detail = format("no test with id %s in this account group", segment), errors = json.array({}),
      message = format("%s: no test with id %s in this account group (GET /tests/%s: 404 Not Found)", fname,
        segment, segment),
    })
  end
  return known
end

function te.tests.get(id, opts)
  local segment = id_text("te.tests.get", 1, id)
  checks.opts("te.tests.get", 2, opts)
  local test_type = resolve_type("te.tests.get", segment, opts)
  checks.params("te.tests.get", "GET", "/tests/" .. test_type .. "/" .. segment, opts)
  return send("GET", "/tests/" .. test_type .. "/" .. segment, nil, opts)
end

function te.tests.create(test_type, config, opts)
  assert_arg("te.tests.create", 1, test_type, "string")
  checks.body("te.tests.create", 2, config)
  checks.opts("te.tests.create", 3, opts)
  if match("POST", "/tests/" .. test_type) == nil then
    error(format("te.tests.create: unknown test type '%s'", test_type), 2)
  end
  checks.params("te.tests.create", "POST", "/tests/" .. test_type, opts)
  local created = send("POST", "/tests/" .. test_type, config, opts)
  if type(created) == "table" and created.testId ~= nil then
    test_types[tostring((opts and opts.aid) or context.aid() or "") .. "|" .. tostring(created.testId)] = test_type
  end
  return created
end

-- A test's PUT replaces the whole test for most types: te.tests.update reads it (with its
-- agents: they are listed only with expand=agent), merges the changes and sends the result.
function te.tests.update(id, changes, opts)
  local segment = id_text("te.tests.update", 1, id)
  checks.body("te.tests.update", 2, changes)
  checks.opts("te.tests.update", 3, opts)
  local test_type = resolve_type("te.tests.update", segment, opts)
  local path = "/tests/" .. test_type .. "/" .. segment
  checks.params("te.tests.update", "PUT", path, opts)
  return resources.update_object(path, changes, opts, { expand = "agent" })
end

function te.tests.delete(id, opts)
  local segment = id_text("te.tests.delete", 1, id)
  checks.opts("te.tests.delete", 2, opts)
  local test_type = resolve_type("te.tests.delete", segment, opts)
  checks.params("te.tests.delete", "DELETE", "/tests/" .. test_type .. "/" .. segment, opts)
  send("DELETE", "/tests/" .. test_type .. "/" .. segment, nil, opts)
  return true
end
