-- sync_tests_test.lua: export_tests and sync_tests on the simulator: the round trip plans no
-- change (Tests/Harness/runbooks/test_tests_as_code.py also syncs into another account group),
-- edits plan exactly their field diffs,
-- prune respects max_delete, and bad files name the test and the field.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function export(opts)
  local r = te.run_runbook("export_tests", opts or {})
  assert.is_true(r.ok, r.error)
  return r.files["tests.yaml"]
end

local function sync(params, dry)
  return te.run_runbook("sync_tests", params, { dry_run = dry })
end

local function count_tests(aid)
  local n = 0
  for _ in te.tests.each(aid and { aid = aid } or nil) do
    n = n + 1
  end
  return n
end

describe("export_tests / sync_tests", function()
  it("round trip: syncing an export plans 0 to create, 0 to update, 0 to delete", function()
    local text = export()
    assert.matches("^# terun export_tests: %d+ test%(s%)", text)
    assert.matches("agents:\n  %- ", text)
    te.fs.write("tests.yaml", text)
    local plan = sync({ file = "tests.yaml" }, true)
    assert.is_true(plan.ok, plan.error)
    assert.equals(0, plan.plan.writes, plan.stdout)
    assert.matches("Plan: 0 to create, 0 to update, 0 to delete.", plan.plan.text)
  end)

  it("plans an update with the changed fields only, and applies it", function()
    local text = export():gsub("interval: 600\n", "interval: 900\n", 1)
    te.fs.write("tests.yaml", text)
    local plan = sync({ file = "tests.yaml" }, true)
    assert.is_true(plan.ok, plan.error)
    assert.equals(1, plan.plan.updates)
    assert.equals(0, plan.plan.creates)
    assert.matches("interval: 600 → 900", plan.stdout)
    local run = sync({ file = "tests.yaml" })
    assert.is_true(run.ok, run.error)
    assert.equals(900, te.tests.get(plan.plan.items[1].objectId).interval)
    assert.equals(0, sync({ file = "tests.yaml" }, true).plan.writes)
  end)

  it("creates a test named in the file, with agents and alert rules by name", function()
    local yaml = [[
tests:
  - type: agent-to-server
    testName: Synced checkout
    server: checkout.example.com
    port: 443
    protocol: tcp
    interval: 300
    agents: [Singapore, "Tokyo, Japan"]
    alertRules: [High Latency]
]]
    te.fs.write("one.yaml", yaml)
    local run = sync({ file = "one.yaml" })
    assert.is_true(run.ok, run.error)
    assert.matches("Created 1, updated 0, deleted 0", run.stdout)
    local made
    for t in te.tests.each() do
      if t.testName == "Synced checkout" then
        made = te.tests.get(t.testId)
      end
    end
    assert.truthy(made)
    local names = {}
    for _, a in ipairs(made.agents) do
      names[#names + 1] = a.agentName
    end
    table.sort(names)
    assert.same({ "Singapore", "Tokyo, Japan" }, names)
    assert.equals("High Latency", made.alertRules[1].ruleName)
    assert.equals(0, sync({ file = "one.yaml" }, true).plan.writes)
  end)

  it("prune deletes unlisted tests only within max_delete, and refuses more", function()
    local total = count_tests()
    te.fs.write("one.yaml", "tests:\n  - type: agent-to-server\n    testName: Only one\n    server: one.example.com\n    interval: 600\n    agents: [Singapore]\n")
    local refused = sync({ file = "one.yaml", prune = true })
    assert.is_false(refused.ok)
    assert.equals(2, refused.status)
    assert.matches("parameter max_delete: prune would delete " .. total .. " test%(s%) the file does not list, more than max_delete=0; nothing was changed", refused.error)
    assert.equals(total, count_tests())
    local plan = sync({ file = "one.yaml", prune = true, max_delete = total }, true)
    assert.is_true(plan.ok, tostring(plan.error) .. plan.stdout)
    assert.equals(total, plan.plan.deletes)
    assert.equals(1, plan.plan.creates)
    assert.equals(total, count_tests(), "a dry run deletes nothing")
  end)

  it("reports a refused write with its test and goes on with the others, in file order", function()
    -- Test names are unique in an account group across types: creating an agent-to-server test
    -- with an http-server test's name is refused (400), the tests around it are created.
    local function entry(name)
      return string.format("  - type: agent-to-server\n    testName: \"%s\"\n    server: sync.example.com\n    interval: 600\n    agents: [Singapore]\n", name)
    end
    te.fs.write("three.yaml", "tests:\n" .. entry("Parallel one") .. entry("http-server example.com #1") .. entry("Parallel three"))
    local run = sync({ file = "three.yaml" })
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.matches("1 item failed %(see the lines above%)", run.error)
    -- every line, in file order: the failure right under its test, with the API's reason
    local at = 0
    for _, expected in ipairs({
      '+ agent-to-server test "Parallel one"\n',
      '+ agent-to-server test "http-server example.com #1"\n  test 2 "http-server example.com #1": POST /tests/agent-to-server: 400 ',
      "testName: A test named http-server example.com #1 already exists. (DUPLICATE)\n",
      '+ agent-to-server test "Parallel three"\n',
      "Created 2, updated 0, deleted 0; 0 unchanged, 1 failed\n",
    }) do
      local found = run.stdout:find(expected, at + 1, true)
      assert.truthy(found, string.format("%q after position %d of:\n%s", expected, at, run.stdout))
      at = found
    end
    local made = {}
    for t in te.tests.each() do
      made[t.testName .. "/" .. t.type] = true
    end
    assert.truthy(made["Parallel one/agent-to-server"] and made["Parallel three/agent-to-server"])
    assert.falsy(made["http-server example.com #1/agent-to-server"])
  end)

  it("deletes after it creates: a test given the name of one being pruned is refused, the prune goes on", function()
    -- Names are unique across types: the agent-to-server test cannot be created while the
    -- http-server test of that name exists, and the deletes come after the creates.
    local name = "http-server example.com #1"
    local yaml = string.format('tests:\n  - type: agent-to-server\n    testName: "%s"\n    server: sync.example.com\n    interval: 600\n    agents: [Singapore]\n', name)
    te.fs.write("rename.yaml", yaml)
    local total = count_tests()
    local run = sync({ file = "rename.yaml", prune = true, max_delete = total })
    assert.equals(1, run.status, run.stdout)
    assert.matches("1 item failed", run.error)
    assert.truthy(run.stdout:find('+ agent-to-server test "' .. name .. '"\n  test 1 "' .. name .. '": POST /tests/agent-to-server: 400 ', 1, true), run.stdout)
    assert.matches(string.format("Created 0, updated 0, deleted %d; 0 unchanged, 1 failed", total), run.stdout)
    assert.equals(0, count_tests())
  end)

  it("names the test and the field of an unknown field, a bad type, a bad reference", function()
    te.fs.write("bad.yaml", [[
tests:
  - type: http-server
    testName: Web
    url: https://example.com/
    intervall: 300
    agents: [Atlantis]
  - type: psychic
    testName: Mind
  - {type: http-server, url: "https://x.example/", agents: [Singapore]}
]])
    local bad = sync({ file = "bad.yaml" }, true)
    assert.is_false(bad.ok)
    assert.equals(2, bad.status)
    assert.matches('test 1 "Web": field intervall: unknown field for http%-server tests', bad.error)
    assert.matches('test 1 "Web": field agents%[1%]: agent "Atlantis" is unknown', bad.error)
    assert.matches("test 2 \"Mind\": field type: 'psychic' is not a test type", bad.error)
    assert.matches("test 3: field testName: a non%-empty string is required", bad.error)
    te.fs.write("type.yaml", "tests:\n  - type: http-server\n    testName: Typed\n    url: https://example.com/\n    interval: often\n    agents: [Singapore]\n")
    local typed = sync({ file = "type.yaml" }, true)
    assert.is_false(typed.ok)
    assert.equals(2, typed.status, "a bad type is found before anything is planned")
    assert.matches('test 1 "Typed": field interval: interval must be an integer, not a string%.', typed.error)
    assert.equals(0, typed.plan and typed.plan.writes or 0)
    te.fs.write("map.yaml", "tests:\n  web: {type: http-server}\n")
    local map = sync({ file = "map.yaml" }, true)
    assert.equals(2, map.status)
    assert.matches("expected a mapping with a 'tests' list", map.error)
    te.fs.write("broken.yaml", "tests: [\n")
    local broken = sync({ file = "broken.yaml" }, true)
    assert.equals(2, broken.status)
    assert.matches("parameter file: .*broken.yaml: te.yaml.decode: line %d+, column %d+: ", broken.error)
  end)
end)
