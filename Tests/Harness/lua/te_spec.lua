-- Unit tests for the `te` library's Lua (Sources/Runbook/Lua/te/*.lua), on fake primitives.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

describe("te library", function()
  it("installs the whole API from its parts", function()
    local te = library.install()
    for _, name in ipairs({ "get", "post", "put", "patch", "delete", "pages", "items", "call", "with_aid",
      "config", "sleep", "now" }) do
      assert.equals("function", type(te[name]), "te." .. name)
    end
    for _, name in ipairs({ "agents", "users", "roles", "account_groups", "alerts", "tests" }) do
      assert.equals("table", type(te[name]), "te." .. name)
    end
    assert.equals("function", type(te.alerts.rules.create))
    assert.equals("function", type(te.alerts.suppression_windows.delete))
    assert.equals("function", type(te.results.each))
    assert.equals("function", type(te.users.current))
    assert.is_nil(te.agents.create)
  end)

  it("points a bad argument at the caller's line, not at its own files", function()
    local te = library.install()
    local ok, err = library.run(te, "local x = 1\nte.get(5)")
    assert.is_false(ok)
    assert.equals("runbook.lua:2: bad argument #1 to 'te.get' (string expected, got number)", err)
    ok, err = library.run(te, "te.tests.update('x')")
    assert.equals("runbook.lua:1: bad argument #2 to 'te.tests.update' (table expected, got nil)", err)
    ok, err = library.run(te, "\n\nte.results.list(12, 'nope')")
    assert.matches("^runbook.lua:3: te.results.list: unknown result kind 'nope'", err)
    ok, err = library.run(te, "te.agents.list(nil, { fields = { 'a..b' } })")
    assert.matches("^runbook.lua:1: te.agents.list: fields%[1%] must be a member name", err)
    ok, err = library.run(te, "te.items('/agents', 'agents', nil, { as = 'values', fields = { 'a', 'a.b' } })")
    assert.equals("runbook.lua:1: te.items: fields 'a' and 'a.b' overlap; as values, each field must be a "
      .. "value of its own", err)
  end)

  it("refuses dot segments and ids that would name another resource", function()
    local te, sent = library.install()
    local ok, err = library.run(te, "te.get('/agents/%2e%2e/users')")
    assert.equals("runbook.lua:1: te.get: the path /agents/%2e%2e/users has a '%2e%2e' segment; name each "
      .. "object by its id", err)
    ok, err = library.run(te, "te.agents.get('..')")
    assert.equals("runbook.lua:1: bad argument #1 to 'te.agents.get' (id expected, got '..')", err)
    ok, err = library.run(te, "te.agents.get(1.5)")
    assert.equals("runbook.lua:1: bad argument #1 to 'te.agents.get' (id expected as a string or an integer, "
      .. "got 1.5)", err)
    assert.equals(0, #sent)
    te.agents.get("a b/c")
    te.agents.get(12.0)
    assert.equals("/agents/a%20b%2Fc", sent[1].path)
    assert.equals("/agents/12", sent[2].path)
  end)

  it("refuses query parameters the operation does not take, with a suggestion", function()
    local te, sent = library.install()
    local ok, err = library.run(te, "te.agents.list({ countryid = 'SG' })")
    assert.is_false(ok)
    assert.equals("runbook.lua:1: te.agents.list: unknown query parameter 'countryid' for GET /agents; did you "
      .. "mean 'countryId'? (accepted: aid, agentTypes, countryId)", err)
    ok, err = library.run(te, "te.get('/agents?bogus=1')")
    assert.matches("unknown query parameter 'bogus' for GET /agents", err)
    assert.equals(0, #sent)
  end)

  it("sends requests in the te.with_aid account group and restores it after an error", function()
    local te, sent = library.install()
    te.with_aid(42, function()
      te.get("/agents")
      assert.equals("42", te.config().aid)
    end)
    assert.equals("42", sent[1].query.aid)
    assert.has_error(function()
      te.with_aid("7", function()
        error("boom", 0)
      end)
    end, "boom")
    te.get("/agents")
    assert.is_nil(sent[2].query.aid)
    assert.equals("1000", te.config().aid)
    te.get("/agents", { aid = "9" })
    assert.equals("9", sent[3].query.aid)
  end)

  it("iterates items across pages, as objects or as values", function()
    local pages = {
      ["GET /test-results/5/network"] = {
        { results = { { roundId = 1, loss = 0 }, { roundId = 2, loss = 1 } } },
        { results = { { roundId = 3 } } },
      },
    }
    local te = library.install({}, pages)
    local rounds = {}
    for item in te.results.each(5) do
      rounds[#rounds + 1] = item.roundId
    end
    assert.same({ 1, 2, 3 }, rounds)
    local rows = {}
    for i, round, loss in te.results.each(5, "network", nil, { fields = { "roundId", "loss" }, as = "values" }) do
      rows[#rows + 1] = { i, round, loss }
    end
    assert.same({ { 1, 1, 0 }, { 2, 2, 1 }, { 3, 3, nil } }, rows)
    assert.same({ { roundId = 1, loss = 0 }, { roundId = 2, loss = 1 }, { roundId = 3 } }, te.results.list(5))
  end)

  it("merges every page of a paginated te.call", function()
    local pages = {
      ["GET /tests"] = {
        { tests = { { testId = 1 } }, _links = { next = { href = "x" } } },
        { tests = { { testId = 2 }, { testId = 3 } } },
      },
    }
    local te = library.install({}, pages)
    local all = te.call("getTests")
    assert.same({ { testId = 1 }, { testId = 2 }, { testId = 3 } }, all.tests)
    assert.is_nil(all._links.next)
    local ok, err = library.run(te, "te.call('getAgent', { agentid = 1 })")
    assert.equals("runbook.lua:1: te.call(getAgent): missing path parameter 'agentId' for GET /agents/{agentId}", err)
  end)

  it("resolves a test's type once, then updates it by merging the changes", function()
    local pages = { ["GET /tests"] = { { tests = { { testId = 7, type = "http-server" } } } } }
    local responses = { ["GET /tests/http-server/7"] = { testId = 7, interval = 60, url = "https://x" } }
    local te, sent = library.install(responses, pages)
    te.tests.update(7, { interval = 300 })
    te.tests.get(7)
    assert.equals(4, #sent, "one listing, then GET and PUT, then GET: the type is cached")
    assert.equals("GET", sent[2].method)
    assert.equals("agent", sent[2].query.expand)
    assert.equals("PUT", sent[3].method)
    assert.equals("/tests/http-server/7", sent[3].path)
    assert.same({ testId = 7, interval = 300, url = "https://x" }, sent[3].body)
    local ok, err = library.run(te, "te.tests.get(99)")
    assert.is_false(ok)
    assert.equals(404, err.status)
    assert.equals("te.tests.get: no test with id 99 in this account group (GET /tests/99: 404 Not Found)",
      err.message)
  end)

  it("checks every argument with one assert_arg, as Penlight's utils.assert_arg", function()
    local checks = library.load("te/checks.lua")({ match = function() end, suggest = function() end })
    local assert_arg = checks.assert_arg
    assert.equals("x", assert_arg("f", 1, "x", "string"))
    local function f(v)
      return assert_arg("f", 2, v, "number", function(n)
        return n > 0
      end, "a positive number expected")
    end
    local function caller(v)
      return f(v) -- line 2 of the caller is what the error names
    end
    assert.equals(3, f(3))
    local ok, err = pcall(caller, "3")
    assert.is_false(ok)
    assert.matches("te_spec%.lua:%d+: bad argument #2 to 'f' %(number expected, got string%)$", err)
    assert.has_error(function()
      f(-1)
    end, "bad argument #2 to 'f' (a positive number expected)")
    local id = { string = true, number = true, label = "string or integer" }
    assert.equals(5, assert_arg("g", 1, 5, id))
    assert.has_error(function()
      assert_arg("g", 1, true, id)
    end, "bad argument #1 to 'g' (string or integer expected, got boolean)")
    local te = library.install()
    ok, err = library.run(te, "te.with_aid({}, print)")
    assert.equals("runbook.lua:1: bad argument #1 to 'te.with_aid' (string or integer expected, got table)", err)
    ok, err = library.run(te, "te.call('getTests', 'x')")
    assert.equals("runbook.lua:1: bad argument #2 to 'te.call' (table expected, got string)", err)
    ok, err = library.run(te, "te.results.each(1, nil, 5)")
    assert.equals("runbook.lua:1: bad argument #3 to 'te.results.each' (table expected, got number)", err)
  end)
end)
