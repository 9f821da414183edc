-- `te.tags`: tags (a key and a value for one object type, such as `env:production` on tests)
-- and their static assignments to objects. `list`, `each`, `get`, `create`, `update`, `delete`
-- as every resource; `find` looks a tag up by key and value; `assign` and `unassign` add or
-- remove objects (`{ id, type }`, or test ids) in one request per call.
local prim, te, checks, context, resources = ...
local json = te.json
local type, tostring, ipairs, pairs, error = type, tostring, ipairs, pairs, error
local format = string.format
local send = context.send
local id_text, assert_arg = checks.id_text, checks.assert_arg

te.tags = resources.resource("tags", "/tags", "tags",
  { list = true, get = true, create = true, update = true, delete = true })

-- `objects` as the API's assignments: `{ id, type }` tables as given, ids (strings or
-- integers) as tests.
local function assignments(fname, objects)
  assert_arg(fname, 2, objects, "table", nil, nil, 3)
  local out = {}
  for i, object in ipairs(objects) do
    if type(object) == "table" then
      if object.id == nil or type(object.type) ~= "string" then
        error(format("%s: objects[%d] must be { id = ..., type = \"test\" } or a test id", fname, i), 3)
      end
      out[i] = { id = tostring(object.id), type = object.type }
    elseif type(object) == "string" or type(object) == "number" then
      out[i] = { id = id_text(fname, 2, object, 3), type = "test" }
    else
      error(format("%s: objects[%d] must be a test id or { id, type }, got %s", fname, i, type(object)), 3)
    end
  end
  return json.array(out)
end

local function change(action)
  local fname = "te.tags." .. action
  return function(id, objects, opts)
    local segment = id_text(fname, 1, id)
    checks.opts(fname, 3, opts)
    local path = "/tags/" .. segment .. "/" .. action
    checks.params(fname, "POST", path, opts)
    return send("POST", path, { assignments = assignments(fname, objects) }, opts)
  end
end

-- te.tags.assign(id, objects [, opts]): POST /tags/{id}/assign; previous assignments stay.
te.tags.assign = change("assign")
-- te.tags.unassign(id, objects [, opts]): POST /tags/{id}/unassign.
te.tags.unassign = change("unassign")

-- te.tags.find(key, value [, object_type [, opts]]): the tag `key:value` for `object_type`
-- objects (default "test"), with its `assignments`; nil when there is none.
function te.tags.find(key, value, object_type, opts)
  assert_arg("te.tags.find", 1, key, "string")
  assert_arg("te.tags.find", 2, value, "string")
  object_type = object_type or "test"
  checks.opts("te.tags.find", 4, opts)
  local query = { expand = "assignments" }
  for k, v in pairs(opts or {}) do
    query[k] = v
  end
  checks.params("te.tags.find", "GET", "/tags", query)
  for _, tag in ipairs(send("GET", "/tags", nil, query).tags or {}) do
    if tag.key == key and tag.value == value and tag.objectType == object_type then
      return tag
    end
  end
  return nil
end
