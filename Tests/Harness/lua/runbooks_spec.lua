-- Smoke tests of the shipped runbooks against Tests/Harness/lua/fake_te.lua (a stand-in for the te
-- module). Expected values are computed from the fixture, not copied from runbook output.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local csv = require("csv")
local fake_te = require("fake_te")
local stats = require("stats")
local tables = require("tables")
local time = require("time")

local here = (arg and arg[0] or ""):match("^(.*)[/\\]") or "."
local RUNBOOKS = here .. "/../../../runbooks/"
local NOW = 1795748400 -- 2026-11-27T03:00:00Z

local function fixture()
  local state = {
    agents = {
      { agentId = "3", agentName = "Singapore", agentType = "cloud", countryId = "SG", ipAddresses = { "10.0.0.3", "2001:db8::3" }, publicIpAddresses = { "203.0.113.3" } },
      { agentId = "7", agentName = "Boston, MA", agentType = "cloud", countryId = "US", ipAddresses = { "198.51.100.7", "10.0.0.3" } },
      { agentId = "9", agentName = "Austin", agentType = "cloud", countryId = "US", ipAddresses = { "9.9.9.9" } },
      { agentId = "50", agentName = "Office", agentType = "enterprise", countryId = "US", ipAddresses = { "192.168.1.5" } },
    },
    tests = {
      {
        testId = "100",
        testName = "Checkout API",
        type = "agent-to-server",
        interval = 600,
        enabled = true,
        alertsEnabled = true,
        agents = { { agentId = "3", agentName = "Singapore" }, { agentId = "7", agentName = "Boston, MA" }, { agentId = "9", agentName = "Austin" } },
        alertRules = { { ruleId = "1", ruleName = "Default Network" }, { ruleId = "2", ruleName = "Loss > 5%" } },
      },
      { testId = "200", testName = "DNS root", type = "dns-server", interval = 300, enabled = false, alertsEnabled = false, agents = {} },
      { testId = "300", testName = "checkout web", type = "http-server", interval = 60, enabled = true, alertsEnabled = true, url = "https://shop.example.com", agents = { { agentId = "10", agentName = "Tokyo" } } },
    },
    results = { ["100"] = {} },
    account_groups = {
      { aid = "11", accountGroupName = "Production" },
      { aid = "12", accountGroupName = "Lab" },
    },
    roles = {
      { roleId = "57", name = "Account Admin", isBuiltin = true },
      { roleId = "58", name = "Regular User", isBuiltin = true },
      { roleId = "59", name = "API Access", isBuiltin = false, permissions = {} },
    },
    permissions = {
      { permissionId = "1", label = "View tests" },
      { permissionId = "2", label = "View alerts" },
      { permissionId = "3", label = "Edit tests" },
    },
    users = {
      {
        uid = "u1",
        name = "Existing",
        email = "old@example.com",
        loginAccountGroup = { aid = "11" },
        accountGroupRoles = { { accountGroup = { aid = "11" }, roles = { { roleId = "58", name = "Regular User" } } } },
      },
    },
    alerts = {
      { id = "a1", alertSeverity = "minor", alertType = "end-to-end-server", startDate = "2026-11-27T02:00:00Z", violationCount = 1, _links = { test = { href = "https://api.example/v7/tests/agent-to-server/100" } } },
      { id = "a2", alertSeverity = "critical", alertType = "http-server", startDate = "2026-11-27T01:00:00Z", violationCount = 3, _links = { test = { href = "https://api.example/v7/tests/http-server/300" } } },
      { id = "a3", alertSeverity = "critical", alertType = "end-to-end-server", startDate = "2026-11-27T02:30:00Z", violationCount = 2, _links = { test = { href = "https://api.example/v7/tests/agent-to-server/100" } } },
    },
    files = {},
  }
  -- Rounds every 5 minutes for an hour; Austin misses round 3, Boston has no loss values.
  for r = 0, 11 do
    local round = NOW - 3600 + r * 300
    for _, a in ipairs({ { "3", "Singapore", 40 }, { "7", "Boston, MA", 12 }, { "9", "Austin", 25 } }) do
      if not (a[1] == "9" and r == 3) then
        state.results["100"][#state.results["100"] + 1] = {
          roundId = round,
          date = time.format_iso(round),
          agent = { agentId = a[1], agentName = a[2] },
          avgLatency = a[3] + r * 0.5,
          loss = a[1] ~= "7" and (r % 4) or nil,
          jitter = 1.25,
        }
      end
    end
  end
  return state
end

local function lines_of(printed)
  local out = {}
  for l in table.concat(printed, "\n"):gmatch("[^\n]+") do
    out[#out + 1] = l
  end
  return out
end

local function run(name, params, opts)
  opts = opts or {}
  opts.params = params
  opts.now = NOW
  local te = fake_te.new(opts.state or fixture(), opts)
  local ok, err, printed = fake_te.run(RUNBOOKS .. name .. ".lua", te)
  return te, ok, err, printed
end

local function must_run(name, params, opts)
  local te, ok, err, printed = run(name, params, opts)
  if not ok then
    error(name .. " failed: " .. tostring(err), 2)
  end
  return te, printed
end

-- Runs a runbook that reports `failed` failed items (te.fail_count): the run fails after its
-- output, as terun's exit 1.
local function must_report(failed, name, params, opts)
  local te, ok, err, printed = run(name, params, opts)
  assert.falsy(ok, name .. " should fail with failed items")
  assert.equals(string.format("%d item%s failed (see the lines above); fix them and run again", failed,
    failed == 1 and "" or "s"), err)
  return te, printed
end

-- Reads a runbook's header by running the file up to its `runbook{}` statement.
local function header_of(name)
  local header
  local env = setmetatable({
    runbook = function(h)
      header = h
      error("header read", 0)
    end,
  }, { __index = _G })
  local chunk = assert(loadfile(RUNBOOKS .. name .. ".lua", "t", env))
  pcall(chunk)
  return header
end

local SHIPPED = {
  "active_alerts",
  "assign_users",
  "bulk_create_users",
  "cloud_agent_ips",
  "create_role",
  "export_latency",
  "latency_report",
  "maintenance_window",
  "tests_inventory",
  "toggle_interval",
}

describe("headers", function()
  it("every shipped runbook has a name, a description and helped, well-typed parameters", function()
    local types = { string = true, integer = true, number = true, boolean = true, path = true, enum = true, list = true, duration = true, datetime = true }
    local fields = { type = true, required = true, default = true, help = true, values = true }
    for _, name in ipairs(SHIPPED) do
      local h = header_of(name)
      assert.not_nil(h, name .. " has a runbook{} header")
      assert.equals(name, h.name)
      assert.truthy(type(h.description) == "string" and #h.description > 10, name .. " description")
      for pname, spec in pairs(h.params) do
        local where = name .. "." .. pname
        for k in pairs(spec) do
          assert.truthy(fields[k], where .. ": unknown field " .. tostring(k))
        end
        assert.truthy(types[spec.type or "string"], where .. ": type")
        assert.truthy(type(spec.help) == "string" and spec.help ~= "", where .. ": help")
        assert.falsy(spec.required and spec.default ~= nil, where .. ": required with a default")
        if spec.type == "enum" and spec.default ~= nil then
          assert.truthy(tables.contains(spec.values, spec.default), where .. ": default is one of the values")
        end
      end
    end
  end)

  it("keeps the shipped runbooks' parameter contract (docs/architecture.md)", function()
    local function param(runbook, name)
      local spec = header_of(runbook).params[name]
      assert.not_nil(spec, runbook .. " has parameter " .. name)
      return spec
    end
    assert.truthy(param("export_latency", "test_id").required)
    assert.equals("1h", param("export_latency", "window").default)
    param("export_latency", "start")
    param("export_latency", "end")
    assert.equals("avgLatency", param("export_latency", "metric").default)
    assert.same({ "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, param("export_latency", "metric").values)
    assert.equals("test_data.csv", param("export_latency", "out").default)
    assert.equals("list", param("cloud_agent_ips", "names").type)
    assert.equals("list", param("cloud_agent_ips", "countries").type)
    assert.same({ "csv", "ips", "json" }, param("cloud_agent_ips", "format").values)
    assert.equals("csv", param("cloud_agent_ips", "format").default)
    assert.same({ "4", "6", "both" }, param("cloud_agent_ips", "ip_version").values)
    assert.equals("both", param("cloud_agent_ips", "ip_version").default)
    assert.equals("-", param("cloud_agent_ips", "out").default)
    assert.truthy(param("toggle_interval", "test_id").required)
    assert.equals(600, param("toggle_interval", "a").default)
    assert.equals(300, param("toggle_interval", "b").default)
    param("toggle_interval", "interval")
    assert.equals("path", param("bulk_create_users", "csv").type)
    assert.truthy(param("bulk_create_users", "csv").required)
    assert.equals(false, param("bulk_create_users", "update").default)
    assert.equals(false, param("bulk_create_users", "strict").default)
  end)
end)

describe("cloud_agent_ips", function()
  it("writes CSV of Cloud Agents only, sorted by name, to stdout by default", function()
    local _, printed = must_run("cloud_agent_ips", {})
    local rows = csv.parse(table.concat(printed, "\n"))
    assert.same({ "agentId", "agentName", "ipAddresses" }, rows[1])
    assert.same({ "9", "Austin", "9.9.9.9" }, rows[2])
    assert.same({ "7", "Boston, MA", "198.51.100.7 10.0.0.3" }, rows[3])
    assert.same({ "3", "Singapore", "10.0.0.3 2001:db8::3 203.0.113.3" }, rows[4])
    assert.equals(4, #rows)
  end)

  it("lists unique IPv4 addresses of the chosen countries, sorted numerically", function()
    local _, printed = must_run("cloud_agent_ips", { format = "ips", ip_version = "4", countries = { "us", "SG" } })
    assert.same({ "9.9.9.9", "10.0.0.3", "198.51.100.7", "203.0.113.3" }, lines_of(printed))
  end)

  it("filters by name, warns about unknown names, and writes JSON to a file", function()
    local te, printed = must_run("cloud_agent_ips", { names = { "singapore", "Nowhere" }, format = "json", ip_version = "6", out = "a.json" })
    assert.equals("Wrote 1 agents to a.json", printed[1])
    assert.truthy(te.files["a.json"]:find('"ipAddresses": [\n      "2001:db8::3"\n    ]', 1, true))
    assert.truthy(tables.find(te.logs, function(l)
      return l == "warn: no Cloud Agent named Nowhere"
    end))
  end)
end)

describe("export_latency", function()
  local function expected_cell(state, round, agent_id, metric)
    for _, r in ipairs(state.results["100"]) do
      if r.roundId == round and r.agent.agentId == agent_id then
        return r[metric]
      end
    end
  end

  it("writes one row per round and one named column per agent, filled from the results", function()
    local te = must_run("export_latency", { test_id = 100 })
    assert.equals(1, te.file_writes)
    assert.matches('^Round ID,Date,Austin,"Boston, MA",Singapore\r\n', te.files["test_data.csv"])
    local rows = csv.parse(te.files["test_data.csv"])
    assert.same({ "Round ID", "Date", "Austin", "Boston, MA", "Singapore" }, rows[1])
    local state = fixture()
    assert.equals(13, #rows)
    local ids = { "9", "7", "3" }
    for i = 2, #rows do
      local round = math.tointeger(tonumber(rows[i][1]))
      assert.not_nil(round, "Round ID is an integer: " .. rows[i][1])
      assert.equals(time.format_iso(round), rows[i][2])
      for c, id in ipairs(ids) do
        local v = expected_cell(state, round, id, "avgLatency")
        assert.equals(v == nil and "" or csv.format_field(v), rows[i][c + 2], "round " .. round .. " agent " .. id)
      end
    end
    assert.equals("", rows[5][3], "Austin has no value in round 3")
    assert.same({ window = "1h" }, te.requests[2].query)
  end)

  it("exports another metric over start/end, and keeps agents without values as empty columns", function()
    local te = must_run("export_latency", { test_id = 100, metric = "loss", start = "2026-11-27T03:00:00+01:00", ["end"] = "2026-11-27T03:00:00Z", out = "loss.csv" })
    local rows = csv.parse(te.files["loss.csv"])
    assert.same({ startDate = "2026-11-27T02:00:00Z", endDate = "2026-11-27T03:00:00Z" }, te.requests[2].query)
    for i = 2, #rows do
      assert.equals("", rows[i][4], "Boston has no loss values")
      assert.matches("^%d$", rows[i][5], "Singapore's loss is an integer")
    end
  end)

  it("prints the CSV with LF line ends for out=-", function()
    local te, printed = must_run("export_latency", { test_id = 100, out = "-" })
    assert.equals(0, te.file_writes)
    local rows = csv.parse(table.concat(printed, "\n"))
    assert.same({ "Round ID", "Date", "Austin", "Boston, MA", "Singapore" }, rows[1])
    assert.equals(13, #rows)
    assert.falsy(table.concat(printed, "\n"):find("\r", 1, true))
  end)

  local function result_reads(te)
    local n = 0
    for _, r in ipairs(te.requests) do
      if r.path:find("^/test%-results/") then
        n = n + 1
      end
    end
    return n
  end

  it("streams the file in one pass over the results when they come in round order", function()
    local te = must_run("export_latency", { test_id = 100 })
    assert.equals(1, result_reads(te))
    assert.equals(1, te.file_writes)
    for _, line in ipairs(te.logs) do
      assert.falsy(line:find("exporting again", 1, true), line)
    end
  end)

  it("exports again in memory when an agent outside the test returned results", function()
    local state = fixture()
    local round = NOW - 3600 + 5 * 300
    table.insert(state.results["100"], 10, { roundId = round, agent = { agentId = "5", agentName = "Zurich" }, avgLatency = 77.5 })
    local te = must_run("export_latency", { test_id = 100 }, { state = state })
    assert.equals(2, result_reads(te), "a second pass")
    assert.equals(1, te.file_writes, "the first pass wrote nothing")
    local rows = csv.parse(te.files["test_data.csv"])
    assert.same({ "Round ID", "Date", "Austin", "Boston, MA", "Singapore", "Zurich" }, rows[1])
    assert.equals(13, #rows)
    for i = 2, #rows do
      assert.equals(tonumber(rows[i][1]) == round and "77.5" or "", rows[i][6], "Zurich in row " .. i)
    end
    assert.matches("agent 5 %(Zurich%), not assigned to the test, returned results; exporting again", table.concat(te.logs, "\n"))
  end)

  it("exports again in memory when a round comes after the rows it belongs with were written", function()
    local state = fixture()
    state.results["100"] = {}
    -- 30 rounds, one agent; the first round's result comes last.
    for r = 0, 29 do
      local round = NOW - 30 * 300 + r * 300
      table.insert(state.results["100"], { roundId = round, agent = { agentId = "3", agentName = "Singapore" }, avgLatency = r })
    end
    table.insert(state.results["100"], table.remove(state.results["100"], 1))
    local te = must_run("export_latency", { test_id = 100, out = "late.csv" }, { state = state })
    assert.equals(2, result_reads(te))
    local rows = csv.parse(te.files["late.csv"])
    assert.equals(31, #rows)
    for i = 2, #rows do
      assert.equals(NOW - 30 * 300 + (i - 2) * 300, math.tointeger(tonumber(rows[i][1])), "rows in round order")
      assert.equals(tostring(i - 2), rows[i][5], "Singapore's value")
    end
    assert.matches("results of round %d+ came after later rounds; exporting again", table.concat(te.logs, "\n"))
  end)

  it("fails with a clear message for a bad window and writes nothing", function()
    local te, ok, err = run("export_latency", { test_id = 100, window = "soon" })
    assert.falsy(ok)
    assert.matches('invalid window "soon"', tostring(err))
    assert.equals(0, te.file_writes)
  end)
end)

describe("toggle_interval", function()
  it("toggles 600 to 300 and back", function()
    local state = fixture()
    local te, printed = must_run("toggle_interval", { test_id = 100 }, { state = state })
    assert.same({ interval = 300 }, te.writes[1].body)
    assert.equals("/tests/agent-to-server/100", te.writes[1].path)
    assert.matches("interval 600 → 300 s", printed[1])
    local te2 = must_run("toggle_interval", { test_id = 100 }, { state = te.state })
    assert.same({ interval = 600 }, te2.writes[1].body)
  end)

  it("sets one interval, does nothing when it is already set, and plans in a dry run", function()
    local te = must_run("toggle_interval", { test_id = 300, interval = 900 })
    -- The runbook passes only the change; te.tests.update merges it into the full test (that
    -- merge is checked end to end against the simulator in Tests/TerunTests/PlanTrustTests).
    assert.same({ interval = 900 }, te.writes[1].body)
    local same, printed = must_run("toggle_interval", { test_id = 200, interval = 300 })
    assert.equals(0, #same.writes)
    assert.matches("already 300 s", printed[1])
    local dry, dry_printed = must_run("toggle_interval", { test_id = 100 }, { dry_run = true })
    assert.equals(600, dry.state.tests[1].interval)
    assert.matches("^Would change", dry_printed[1])
  end)

  it("rejects intervals the API does not accept", function()
    local _, ok, err = run("toggle_interval", { test_id = 100, interval = 450 })
    assert.falsy(ok)
    assert.matches("parameter interval: 450 is not an interval the API accepts", tostring(err))
  end)
end)

describe("bulk_create_users", function()
  local users_csv = table.concat({
    "name,email,account_group,roles",
    "Ana,ana@example.com,Production,Account Admin;API Access",
    'Bad "Row",not-an-email,Production,Regular User',
    "Bo,bo@example.com,12,58",
    "Old,old@example.com,Production,Account Admin",
    'Cy,cy@example.com,Nowhere,"Regular',
    'User"',
    "Di,di@example.com,Lab,Nope",
    "Ana again,ANA@example.com,Lab,Regular User",
    "Short,short@example.com",
    "Ed,ed@example.com,Lab,Regular User",
  }, "\r\n") .. "\r\n"

  local function with_file(state)
    state.files["users.csv"] = users_csv
    return state
  end

  it("creates valid rows, reports bad ones by line, skips existing users", function()
    local te, printed = must_report(5, "bulk_create_users", { csv = "users.csv" }, { state = with_file(fixture()) })
    local text = table.concat(printed, "\n")
    assert.matches("line 3: not%-an%-email: email 'not%-an%-email' is not an email address", text)
    assert.matches("line 6: cy@example.com: account group 'Nowhere' is unknown", text)
    assert.matches("line 8: di@example.com: role 'Nope' is unknown", text)
    assert.matches("line 9: ANA@example.com: email ANA@example.com already appears on line 2", text)
    assert.matches("line 10: short@example.com: expected 4 fields, found 2", text)
    assert.equals("Created 3, updated 0, skipped 1, failed 5 (9 row(s) in users.csv)", printed[#printed])
    local created = tables.filter(te.writes, function(w)
      return w.method == "POST"
    end)
    assert.same({ "ana@example.com", "bo@example.com", "ed@example.com" }, tables.map(created, function(w)
      return w.body.email
    end))
    assert.same({ name = "Ana", email = "ana@example.com", loginAccountGroupId = "11", accountGroupRoles = { { accountGroupId = "11", roleIds = { "57", "59" } } } }, created[1].body)

    -- a re-run creates nothing
    local again, again_printed = must_report(5, "bulk_create_users", { csv = "users.csv" }, { state = te.state })
    assert.equals(0, #again.writes)
    assert.equals("Created 0, updated 0, skipped 4, failed 5 (9 row(s) in users.csv)", again_printed[#again_printed])
  end)

  it("update=true gives existing users the file's roles, once", function()
    local te, printed = must_report(5, "bulk_create_users", { csv = "users.csv", update = true }, { state = with_file(fixture()) })
    local put = tables.find(te.writes, function(w)
      return w.method == "PUT"
    end)
    assert.equals("/users/u1", put.path)
    assert.same({ { accountGroupId = "11", roleIds = { "57" } } }, put.body.accountGroupRoles)
    assert.equals("Created 3, updated 1, skipped 0, failed 5 (9 row(s) in users.csv)", printed[#printed])
    local again = must_report(5, "bulk_create_users", { csv = "users.csv", update = true }, { state = te.state })
    assert.equals(0, #again.writes)
  end)

  it("reports API failures per row and goes on; strict stops before any write", function()
    local te, printed = must_report(6, "bulk_create_users", { csv = "users.csv" }, { state = with_file(fixture()), reject_emails = { ["bo@example.com"] = true } })
    assert.truthy(tables.find(printed, function(l)
      return l == "line 4: bo@example.com: POST /v7/users: 400 Bad Request: email rejected"
    end))
    assert.equals("Created 2, updated 0, skipped 1, failed 6 (9 row(s) in users.csv)", printed[#printed])
    assert.equals(3, #te.writes)
    local strict, ok, err = run("bulk_create_users", { csv = "users.csv", strict = true }, { state = with_file(fixture()) })
    assert.falsy(ok)
    assert.equals("strict: 5 bad row(s) in users.csv; no user was created or updated", err)
    assert.equals(0, #strict.writes)
  end)

  it("plans in a dry run", function()
    local te, printed = must_report(5, "bulk_create_users", { csv = "users.csv" }, { state = with_file(fixture()), dry_run = true })
    assert.equals(1, #te.state.users)
    assert.matches("^Dry run: would create 3, update 0, skip 1; 5 failed", printed[#printed])
  end)

  it("refuses a file without the expected header", function()
    local state = fixture()
    state.files["users.csv"] = "name,mail\nx,y\n"
    local _, ok, err = run("bulk_create_users", { csv = "users.csv" }, { state = state })
    assert.falsy(ok)
    assert.equals("users.csv: the header must name the columns name,email,account_group,roles (missing 'email')", err)
  end)
end)

describe("assign_users", function()
  it("adds roles in an account group, moves users, and reports unknown emails", function()
    local te, printed = must_report(1, "assign_users", { emails = { "old@example.com", "ghost@example.com" }, account_group = "Lab", roles = { "API Access" } })
    assert.equals("ghost@example.com: no user has this email", printed[2])
    assert.same({ { accountGroupId = "11", roleIds = { "58" } }, { accountGroupId = "12", roleIds = { "59" } } }, te.writes[1].body.accountGroupRoles)
    assert.equals("Changed 1, unchanged 0, failed 1", printed[#printed])

    local moved = must_run("assign_users", { emails = { "old@example.com" }, account_group = "Lab", roles = { "58" }, mode = "move" })
    assert.same({ { accountGroupId = "12", roleIds = { "58" } } }, moved.writes[1].body.accountGroupRoles)
    assert.equals("12", moved.writes[1].body.loginAccountGroupId)
  end)

  it("reads a CSV with per-row groups and is idempotent", function()
    local state = fixture()
    state.files["m.csv"] = "email,account_group,roles\nold@example.com,Production,Regular User\n"
    local te, printed = must_run("assign_users", { csv = "m.csv" }, { state = state })
    assert.equals(0, #te.writes)
    assert.equals("old@example.com: already in Production with those roles", printed[1])
  end)
end)

describe("offboard_users", function()
  local function with_leavers()
    local state = fixture()
    for _, u in ipairs({ { "u2", "Ana", "ana@example.com" }, { "u3", "Bo", "bo@example.com" } }) do
      state.users[#state.users + 1] = {
        uid = u[1],
        name = u[2],
        email = u[3],
        loginAccountGroup = { aid = "12" },
        accountGroupRoles = { { accountGroup = { aid = "12", accountGroupName = "Lab" }, roles = { { roleId = "59", name = "API Access" } } } },
      }
    end
    return state
  end

  it("reports a refused write under its user and goes on with the others, in input order", function()
    for _, delete in ipairs({ false, true }) do
      local te, printed = must_report(1, "offboard_users", { emails = { "old@example.com", "ana@example.com", "bo@example.com" }, delete = delete }, { state = with_leavers(), reject_uids = { u2 = true } })
      local done = delete and "  deleted" or "  removed from every account group"
      local method = delete and "DELETE" or "PUT"
      assert.same({
        'old@example.com (uid u1, "Existing"): login account group "nil" (11)',
        "  had nil (11): Regular User (58)",
        done,
        'ana@example.com (uid u2, "Ana"): login account group "nil" (12)',
        "  had Lab (12): API Access (59)",
        "  failed: " .. method .. " /v7/users/u2: 400 Bad Request: user u2 rejected",
        'bo@example.com (uid u3, "Bo"): login account group "nil" (12)',
        "  had Lab (12): API Access (59)",
        done,
        (delete and "Deleted" or "Removed") .. " 2, unchanged 0, failed 1",
      }, lines_of(printed))
      assert.equals(3, #te.writes)
    end
  end)

  it("reports a user it cannot read as that user's failure and offboards the others", function()
    local te, printed = must_report(1, "offboard_users", { emails = { "ana@example.com", "bo@example.com" } }, { state = with_leavers(), unreadable_uids = { u2 = true } })
    local lines = lines_of(printed)
    assert.equals("ana@example.com: ana@example.com: failed: GET /v7/users/u2: 404 Not Found: no user u2", lines[1])
    assert.equals('bo@example.com (uid u3, "Bo"): login account group "nil" (12)', lines[2])
    assert.equals("Removed 1, unchanged 0, failed 1", lines[#lines])
    assert.equals(1, #te.writes)
    assert.equals("/users/u3", te.writes[1].path)
  end)
end)

describe("create_role", function()
  it("creates a role from labels and assigns it; a re-run changes nothing", function()
    local te, printed = must_run("create_role", { name = "NetOps", permissions = { "view tests", "View alerts" }, users = { "old@example.com" }, account_group = "Production" })
    assert.same({ name = "NetOps", permissions = { "1", "2" } }, te.writes[1].body)
    local new_role = te.state.roles[#te.state.roles]
    assert.same({ { accountGroupId = "11", roleIds = { "58", new_role.roleId } } }, te.writes[2].body.accountGroupRoles)
    assert.equals('Created role "NetOps" with 2 permission(s) in account group "Production" (11)', printed[1])
    local again = must_run("create_role", { name = "netops", permissions = { "1", "2" }, users = { "old@example.com" }, account_group = "Production" }, { state = te.state })
    assert.equals(0, #again.writes)
  end)

  it("reports each user's failure under their email, in the order given, goes on, and gives a user named twice the role once", function()
    local state = fixture()
    state.users[#state.users + 1] = { uid = "u2", name = "Ana", email = "ana@example.com", loginAccountGroup = { aid = "11" }, accountGroupRoles = {} }
    local te, printed = must_report(2, "create_role", { name = "NetOps", permissions = { "1" }, users = { "ana@example.com", "ghost@example.com", "old@example.com", "OLD@example.com" }, account_group = "Production" }, { state = state, reject_uids = { u2 = true } })
    assert.same({
      'Created role "NetOps" with 1 permission(s) in account group "Production" (11)',
      "ana@example.com: PUT /v7/users/u2: 400 Bad Request: user u2 rejected",
      "ghost@example.com: no user has this email",
      "old@example.com: given the role",
      "OLD@example.com: already given earlier; skipped",
      "Assigned 1, unchanged 1, failed 2",
    }, lines_of(printed))
    assert.equals(3, #te.writes)
  end)

  it("lists available permissions for an unknown label and refuses built-in roles", function()
    local _, ok, err = run("create_role", { name = "X", permissions = { "Fly" } })
    assert.falsy(ok)
    assert.equals("permission 'Fly' is unknown\navailable permissions: Edit tests, View alerts, View tests", err)
    local _, ok2, err2 = run("create_role", { name = "Account Admin", permissions = { "1" } })
    assert.falsy(ok2)
    assert.matches("is a built%-in role", err2)
  end)
end)

describe("active_alerts", function()
  it("shows alerts most severe and newest first, with test names", function()
    local _, printed = must_run("active_alerts", {})
    local lines = lines_of(printed)
    assert.matches("^Severity", lines[1])
    assert.matches("^critical.*Checkout API.*a3$", lines[3])
    assert.matches("^critical.*checkout web.*a2$", lines[4])
    assert.matches("^minor", lines[5])
  end)

  it("filters by test and severity as CSV", function()
    local te = must_run("active_alerts", { test_id = 100, severity = { "CRITICAL" }, format = "csv", out = "alerts.csv", window = "24h" })
    local records = csv.read_records(te.files["alerts.csv"])
    assert.equals(1, #records)
    assert.equals("a3", records[1].alertId)
    assert.equals("100", records[1].testId)
    assert.same({ window = "1d" }, te.requests[2].query)
  end)

  it("rejects an unknown severity", function()
    local _, ok, err = run("active_alerts", { severity = { "bad" } })
    assert.falsy(ok)
    assert.equals("parameter severity: 'bad' is not one of critical, major, minor, info, unknown", err)
  end)
end)

describe("maintenance_window", function()
  it("suppresses alerts of matching tests and updates the same window on re-run", function()
    local te, printed = must_run("maintenance_window", { pattern = "*checkout*", duration = "2h" })
    local body = te.writes[1].body
    assert.equals("POST", te.writes[1].method)
    assert.same({ "100", "300" }, body.testIds)
    assert.equals(7200, body.duration)
    assert.equals(time.format_iso(NOW), body.startDate)
    assert.equals('Created suppression window "terun maintenance: *checkout*": 2026-11-27T03:00:00Z to 2026-11-27T05:00:00Z (2h), 2 test(s):', printed[1])
    local again = must_run("maintenance_window", { pattern = "*checkout*", duration = "2h" }, { state = te.state })
    assert.equals("PUT", again.writes[1].method)
  end)

  it("matches plain text as a substring and refuses when nothing matches", function()
    local te = must_run("maintenance_window", { pattern = "DNS", start = "2026-11-28T01:00:00+01:00" })
    assert.same({ "200" }, te.writes[1].body.testIds)
    assert.equals("2026-11-28T00:00:00Z", te.writes[1].body.startDate)
    local _, ok, err = run("maintenance_window", { pattern = "nothing*" })
    assert.falsy(ok)
    assert.equals('no test name in account group "Production" matches "nothing*"; nothing to suppress', err)
  end)
end)

describe("tests_inventory", function()
  it("lists every test with agent count and alert rules", function()
    local te = must_run("tests_inventory", {})
    local records = csv.read_records(te.files["tests_inventory.csv"])
    assert.equals(3, #records)
    assert.same({ testId = "100", testName = "Checkout API", type = "agent-to-server", interval = "600", enabled = "true", alertsEnabled = "true", agentCount = "3", alertRules = "Default Network;Loss > 5%" }, records[1])
    assert.equals("0", records[2].agentCount)
    assert.equals("1", records[3].agentCount)
  end)
end)

describe("latency_report", function()
  it("writes HTML with a chart series per agent and summary statistics from the results", function()
    local te, printed = must_run("latency_report", { test_id = 100 })
    local html = te.files["latency_report.html"]
    assert.matches("^<!DOCTYPE html>", html)
    assert.equals(3, select(2, html:gsub("<path ", "")))
    local singapore = {}
    for _, r in ipairs(fixture().results["100"]) do
      if r.agent.agentId == "3" then
        singapore[#singapore + 1] = r.avgLatency
      end
    end
    local s = stats.summary(singapore)
    local row = string.format("<tr><td>Singapore</td><td>3</td><td class=\"n\">%d</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td></tr>", s.count, s.min, s.median, s.p95, s.max)
    assert.truthy(html:find(row, 1, true), "summary row for Singapore")
    assert.truthy(html:find("Boston, MA", 1, true))
    assert.matches("^Wrote latency_report.html", printed[1])
  end)
end)
