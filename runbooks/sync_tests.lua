-- sync_tests.lua: brings the account group's tests to a desired-state file (as export_tests
-- writes it): creates the tests it lists that are missing, updates those whose fields differ
-- (matched by type and name), and with prune=true deletes the tests it does not list. Agents
-- and alert rules are given by name. The file is checked against the spec before anything is
-- planned: an unknown field or a bad value names the test and the field.
--
--   terun sync_tests file=tests.yaml --dry-run
--   terun sync_tests file=tests.yaml prune=true max_delete=3

runbook {
  name = "sync_tests",
  description = "Creates, updates (and with prune=true deletes) tests to match a desired-state YAML or JSON file.",
  params = {
    file = { type = "path", default = "tests.yaml", help = "the desired-state file (YAML, or JSON when it ends in .json)" },
    prune = { type = "boolean", default = false, help = "delete the account group's tests that the file does not list" },
    max_delete = { type = "integer", default = 0, help = "the most tests prune may delete; more stops the run before any change" },
  },
}

local admin = require("admin")
local selection = require("selection")
local testcode = require("testcode")

local params = te.params
local file = params.file
local max_delete = params.max_delete
if max_delete < 0 then
  te.usage_error("max_delete", "must not be negative")
end

local text = te.fs.read(file)
local ok, doc
if file:lower():match("%.json$") then
  ok, doc = pcall(te.json.decode, text)
else
  ok, doc = pcall(te.yaml.decode, text)
end
if not ok then
  te.usage_error("file", string.format("%s: %s", file, tostring(doc):gsub("^[^:]*:%d+: ", "")))
end
if type(doc) ~= "table" or type(doc.tests) ~= "table" or (next(doc.tests) ~= nil and #doc.tests == 0) then
  te.usage_error("file", string.format("%s: expected a mapping with a 'tests' list (as export_tests writes)", file))
end

local group = te.account_groups.current()
te.log.info('syncing the tests of account group "%s" (%s); --aid ID uses another', tostring(group.accountGroupName), tostring(group.aid))
local find_agent = admin.finder(te.agents.list(), "agentId", "agentName")
local find_rule = admin.finder(te.alerts.rules.list(), "ruleId", "ruleName")

-- The group's tests by (type, name); two of one type with one name cannot be matched.
local current, twice = {}, {}
for _, test in ipairs(selection.tests(te, { with_agents = true })) do
  local key = test.type .. "\0" .. test.testName
  if current[key] then
    twice[key] = true
  end
  current[key] = test
end

--- The file's value of a field as a request takes it.
local function request_value(name, value)
  if name == "agents" then
    local refs = {}
    for k, id in ipairs(value) do
      refs[k] = { agentId = id }
    end
    return te.json.array(refs)
  elseif name == "alertRules" then
    return te.json.array(value)
  end
  return value
end

-- Check every entry before planning anything: structure, types, names, fields, references.
local problems = {}
local entries = {}
local seen = {}
local function problem(label, message)
  problems[#problems + 1] = label .. ": " .. message
end
for i, entry in ipairs(doc.tests) do
  local label = string.format("test %d", i)
  if type(entry) ~= "table" then
    problem(label, "expected a mapping of fields, got " .. type(entry))
  else
    if type(entry.testName) == "string" and entry.testName ~= "" then
      label = string.format('test %d "%s"', i, entry.testName)
    end
    if not testcode.is_type(entry.type) then
      problem(label, string.format("field type: '%s' is not a test type (%s)", tostring(entry.type), table.concat(testcode.TYPES, ", ")))
    elseif type(entry.testName) ~= "string" or entry.testName == "" then
      problem(label, "field testName: a non-empty string is required")
    else
      local key = entry.type .. "\0" .. entry.testName
      if seen[key] then
        problem(label, string.format("field testName: another %s test in the file has this name (test %d)", entry.type, seen[key]))
      end
      seen[key] = i
      local writable = testcode.writable(te, entry.type)
      local request = te.json.object({})
      local fields = {}
      for name in pairs(entry) do
        fields[#fields + 1] = name
      end
      table.sort(fields)
      for _, name in ipairs(fields) do
        local value = entry[name]
        if name ~= "type" and not writable[name] then
          problem(label, string.format("field %s: unknown field for %s tests (the API does not take it in a request)", name, entry.type))
        elseif name == "agents" or name == "alertRules" then
          local find, id_key, what = find_agent, "agentId", "agent"
          if name == "alertRules" then
            find, id_key, what = find_rule, "ruleId", "alert rule"
          end
          if type(value) ~= "table" then
            problem(label, string.format("field %s: expected a list of %s names, got %s", name, what, type(value)))
          else
            local ids = {}
            for k, text_value in ipairs(value) do
              local item, why = find(text_value)
              if item then
                ids[#ids + 1] = tostring(item[id_key])
              else
                problem(label, string.format('field %s[%d]: %s "%s" %s', name, k, what, tostring(text_value), why))
              end
            end
            table.sort(ids)
            request[name] = ids
          end
        elseif name ~= "type" then
          request[name] = value
        end
      end
      -- Types and values as the spec has them (what a write's plan would refuse), for the
      -- whole entry, so a bad value is named before anything is planned.
      local body = te.json.object({})
      for name, value in pairs(request) do
        body[name] = request_value(name, value)
      end
      for _, refused in ipairs(te.spec.body_problems("POST", "/tests/" .. entry.type, body) or {}) do
        if refused.code ~= "REQUIRED" and refused.code ~= "MISSING_BODY" then
          problem(label, string.format("field %s: %s", refused.field, refused.message))
        elseif refused.code == "REQUIRED" and not current[key] then
          -- A test to create needs it; the API never returns write-only fields (passwords),
          -- so a file exported from another account group lacks them.
          problem(label, string.format("field %s: %s The test does not exist here, so the file must set it (the API never returns write-only fields such as passwords).", refused.field, refused.message))
        end
      end
      entries[#entries + 1] = { index = i, label = label, entry = entry, key = key, request = request }
    end
  end
end
if #problems > 0 then
  te.usage_error("file", string.format("%s: %d problem(s):\n  %s", file, #problems, table.concat(problems, "\n  ")))
end

--- The current value of a field in request form, for comparison with the file's.
local function current_value(test, form, name)
  if name == "agents" or name == "alertRules" then
    local ids = {}
    for _, item in ipairs(test[name] or {}) do
      ids[#ids + 1] = tostring(item[name == "agents" and "agentId" or "ruleId"])
    end
    table.sort(ids)
    return ids
  end
  return form[name]
end

-- The tests the file does not list; prune's limit is checked before anything is written.
local listed = {}
for _, e in ipairs(entries) do
  listed[e.key] = true
end
local extra = {}
for key, test in pairs(current) do
  if not listed[key] and not twice[key] then
    extra[#extra + 1] = test
  end
end
table.sort(extra, function(a, b)
  return a.testName < b.testName
end)
if params.prune and #extra > max_delete then
  local names = {}
  for _, test in ipairs(extra) do
    names[#names + 1] = string.format('%s "%s"', test.type, test.testName)
  end
  te.usage_error("max_delete", string.format("prune would delete %d test(s) the file does not list, more than max_delete=%d; nothing was changed. Add them to %s, or raise max_delete=%d to delete: %s", #extra, max_delete, file, #extra, table.concat(names, ", ")))
end

-- The changes, in the order they are shown: the file's tests, then the tests to delete. Each
-- is { lines = what to print, label = how a failure names it, write = the te call, then its
-- arguments }; a line without a write (a name the account group has twice) only prints.
local changes = {}
local unchanged, failed = 0, 0
for _, e in ipairs(entries) do
  local test = current[e.key]
  if twice[e.key] then
    changes[#changes + 1] = { lines = { string.format('! %s: the account group has several %s tests named "%s"; rename one', e.label, e.entry.type, e.entry.testName) } }
  elseif test then
    local form = testcode.desired_form(te, test)
    local fields, names = te.json.object({}), {}
    -- A write-only text field the test as read lacks (a password) cannot be compared: it is
    -- sent when the test is created, and left alone after. (Write-only lists, such as labels,
    -- are requests' ids for objects the test lists, and are compared.)
    local write_only = testcode.write_only(te, test.type)
    for name, value in pairs(e.request) do
      local unreadable = write_only[name] and type(value) == "string" and test[name] == nil
      if name ~= "testName" and not unreadable and not testcode.equal(value, current_value(test, form, name)) then
        fields[name] = request_value(name, value)
        names[#names + 1] = name
      end
    end
    if #names == 0 then
      unchanged = unchanged + 1
    else
      table.sort(names)
      local lines = { string.format('~ %s test %s "%s"', test.type, tostring(test.testId), test.testName) }
      for _, name in ipairs(names) do
        local before = form[name]
        lines[#lines + 1] = string.format("    %s: %s → %s", name, te.json.encode(before == nil and te.json.null or before), te.json.encode(e.entry[name]))
      end
      changes[#changes + 1] = { lines = lines, label = e.label, kind = "updated", write = te.tests.update, args = { test.testId, fields } }
    end
  else
    local body = te.json.object({})
    for name, value in pairs(e.request) do
      body[name] = request_value(name, value)
    end
    changes[#changes + 1] = {
      lines = { string.format('+ %s test "%s"', e.entry.type, e.entry.testName) },
      label = e.label, kind = "created", write = te.tests.create, args = { e.entry.type, body },
    }
  end
end
if params.prune then
  for _, test in ipairs(extra) do
    changes[#changes + 1] = {
      lines = { string.format('- %s test %s "%s"', test.type, tostring(test.testId), test.testName) },
      label = string.format('test "%s"', test.testName), kind = "deleted", write = te.tests.delete, args = { test.testId },
    }
  end
elseif #extra > 0 then
  te.log.info("%d test(s) of the account group are not in %s; prune=true would delete them", #extra, file)
end

-- The writes go out concurrently (te.parallel): the creates and updates, then the deletes, as
-- a sequential run sends them (a test created with the name of one being deleted is refused,
-- never by chance). Each change's lines, and its failure, are printed afterwards in the order
-- above.
local errors = {}
for _, deletes in ipairs({ false, true }) do
  local _, failures = te.parallel(changes, function(change)
    if change.write and (change.kind == "deleted") == deletes then
      change.write(table.unpack(change.args))
    end
  end)
  for i, err in pairs(failures) do
    errors[i] = err
  end
end
local done = { created = 0, updated = 0, deleted = 0 }
for i, change in ipairs(changes) do
  for _, line in ipairs(change.lines) do
    print(line)
  end
  if not change.write then
    failed = te.fail_count(1)
  elseif errors[i] == nil then
    done[change.kind] = done[change.kind] + 1
  else
    print(string.format("  %s: %s", change.label, tostring(errors[i])))
    failed = te.fail_count(1)
  end
end
local created, updated, deleted = done.created, done.updated, done.deleted

local planning = te.mode ~= "live"
local summary = planning and "Would create %d, update %d, delete %d; %d unchanged, %d failed" or "Created %d, updated %d, deleted %d; %d unchanged, %d failed"
print(string.format(summary, created, updated, deleted, unchanged, failed))
