-- Unit tests for stdlib/testing.lua (each case builds its own inner suite).
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local testing = require("testing")

local function quiet_run(inner)
  local lines = {}
  local results = inner.run({
    print = function(line)
      lines[#lines + 1] = line
    end,
  })
  return results, lines
end

describe("testing", function()
  it("counts passes and failures and prints the summary line", function()
    local inner = testing.new()
    inner.describe("block", function()
      inner.it("passes", function()
        inner.assert.equals(1, 1)
      end)
      inner.it("fails", function()
        inner.assert.equals(1, 2)
      end)
      inner.it("errors", function()
        error("boom")
      end)
    end)
    local results, lines = quiet_run(inner)
    assert.equals(1, results.passed)
    assert.equals(2, results.failed)
    assert.equals("1 passed, 2 failed", testing.summary(results))
    assert.same({ "block > passes", "block > fails", "block > errors" }, results.names)
    assert.equals("block > fails", results.failures[1].name)
    assert.matches("testing_spec%.lua:%d+: expected 1, got 2$", results.failures[1].message)
    assert.matches("boom", results.failures[2].message)
    assert.equals(2, #lines)
    assert.matches("^FAIL block > fails: ", lines[1])
  end)

  it("runs before_each outermost first and after_each innermost first, per test", function()
    local inner = testing.new()
    local log = {}
    inner.describe("outer", function()
      inner.before_each(function()
        log[#log + 1] = "b-outer"
      end)
      inner.after_each(function()
        log[#log + 1] = "a-outer"
      end)
      inner.describe("inner", function()
        inner.before_each(function()
          log[#log + 1] = "b-inner"
        end)
        inner.after_each(function()
          log[#log + 1] = "a-inner"
        end)
        inner.it("t1", function()
          log[#log + 1] = "t1"
        end)
      end)
      inner.it("t2", function()
        log[#log + 1] = "t2"
      end)
    end)
    local results = quiet_run(inner)
    assert.equals(2, results.passed)
    assert.same({ "b-outer", "b-inner", "t1", "a-inner", "a-outer", "b-outer", "t2", "a-outer" }, log)
  end)

  it("a failing before_each fails the test without running it", function()
    local inner = testing.new()
    local ran = false
    inner.describe("d", function()
      inner.before_each(function()
        error("setup broke")
      end)
      inner.it("t", function()
        ran = true
      end)
    end)
    local results = quiet_run(inner)
    assert.equals(1, results.failed)
    assert.falsy(ran)
    assert.matches("setup broke", results.failures[1].message)
  end)

  it("an error in a describe body is reported as a failure", function()
    local inner = testing.new()
    inner.describe("broken", function()
      error("cannot collect")
    end)
    local results = quiet_run(inner)
    assert.equals(1, results.failed)
    assert.equals("broken > (describe body)", results.failures[1].name)
  end)

  it("equals distinguishes integers from floats", function()
    assert.has_error(function()
      testing.assert.equals(3, 3.0)
    end, "expected 3, got 3.0")
  end)

  it("same compares deeply and names the differing path", function()
    testing.assert.same({ a = { 1, { b = "x" } } }, { a = { 1, { b = "x" } } })
    assert.has_error(function()
      testing.assert.same({ a = { 1, { b = "x" } } }, { a = { 1, { b = "y" } } })
    end, 'values differ at ["a"][2]["b"]: expected "x", got "y"')
    assert.has_error(function()
      testing.assert.same({ 1 }, { 1, 2 })
    end, "values differ at [2]: expected nil, got 2")
  end)

  it("truthy, falsy, is_nil, not_nil, near and matches fail with messages", function()
    local a = testing.assert
    a.truthy(0)
    a.falsy(nil)
    assert.has_error(function()
      a.truthy(false)
    end, "expected a truthy value, got false")
    assert.has_error(function()
      a.falsy("x")
    end, 'expected a falsy value, got "x"')
    assert.has_error(function()
      a.is_nil(1)
    end, "expected nil, got 1")
    assert.has_error(function()
      a.not_nil(nil, "the id")
    end, "the id: expected a value, got nil")
    assert.has_error(function()
      a.near(1, 1.5, 0.1)
    end, "expected 1 ± 0.10000000000000001, got 1.5")
    assert.has_error(function()
      a.matches("^%d+$", "12a")
    end, 'expected "12a" to match pattern "^%d+$"')
    assert.has_error(function()
      a.not_equals(1, 1)
    end, "expected a value other than 1")
  end)

  it("has_error checks the message or the error value and returns it", function()
    local a = testing.assert
    local err = a.has_error(function()
      error({ status = 404, title = "Not Found" })
    end, { status = 404, title = "Not Found" })
    assert.equals(404, err.status)
    assert.has_error(function()
      a.has_error(function() end)
    end, "expected an error, but the function returned normally")
    assert.has_error(function()
      a.has_error(function()
        error("other")
      end, "wanted")
    end, 'expected an error containing "wanted"')
    assert.has_error(function()
      a.has_error(function()
        error({ status = 500 })
      end, { status = 404 })
    end, 'error value differs at ["status"]: expected 404, got 500')
  end)

  it("error_matches, is_true, is_false and contains", function()
    local a = testing.assert
    assert.equals("x: 404", a.error_matches(function()
      error("x: 404", 0)
    end, "^x: %d+$"))
    assert.has_error(function()
      a.error_matches(function()
        error("other", 0)
      end, "^x")
    end, 'expected an error matching "^x", got "other"')
    a.is_true(true)
    a.is_false(false)
    assert.has_error(function()
      a.is_true(1)
    end, "expected true, got 1")
    assert.has_error(function()
      a.is_false(nil)
    end, "expected false, got nil")
    a.contains({ id = "3" }, { { id = "1" }, { id = "3" } })
    assert.has_error(function()
      a.contains("z", { "a", "b" })
    end, 'expected {"a", "b"} to contain "z"')
  end)

  it("run_runbook applies header defaults, captures print and files, and returns errors", function()
    local real_print = print
    local written = {}
    local te = {
      marker = "real te",
      fs = {
        read = function(path)
          return "runbook { params = { who = { type = 'string', required = true }, n = { type = 'integer', default = 2 } } }\n"
            .. "for i = 1, te.params.n do print('hi', te.params.who, i) end\n"
            .. "te.fs.write('out.txt', te.marker)\n"
            .. "if te.params.who == 'boom' then error('exploded') end\n"
        end,
        write = function(path, text)
          written[path] = text
        end,
      },
    }
    local r = testing.run_runbook(te, "hello.lua", { who = "Ada" })
    assert.is_true(r.ok)
    assert.same({ "hi\tAda\t1", "hi\tAda\t2" }, r.output)
    assert.equals("hi\tAda\t1\nhi\tAda\t2", r.stdout)
    assert.same({ ["out.txt"] = "real te" }, r.files)
    assert.same({ "out.txt" }, r.writes)
    assert.same({}, written, "nothing reaches the real te.fs.write")
    assert.equals(2, r.header.params.n.default)

    local w = testing.run_runbook(te, "hello.lua", { who = "Bo", n = 1 }, { write_files = true })
    assert.equals(1, #w.output)
    assert.same({ ["out.txt"] = "real te" }, written)

    local boom = testing.run_runbook(te, "hello.lua", { who = "boom", n = 0 })
    assert.is_false(boom.ok)
    assert.matches("hello.lua:4: exploded", boom.error)

    local missing = testing.run_runbook(te, "hello.lua", {})
    assert.is_false(missing.ok)
    assert.matches("missing required parameter 'who'", missing.error)

    local bad = testing.run_runbook(te, "bad.lua", {}, { source = "this is not lua" })
    assert.is_false(bad.ok)
    assert.matches("bad.lua:1:", bad.error)
    assert.equals(real_print, _ENV.print, "the global print is restored")
  end)

  it("run_runbook captures te.fs.open writers: closed ones into files, aborted and open ones not", function()
    local opened = {}
    local te = {
      fs = {
        open = function(path)
          opened[#opened + 1] = path
        end,
        write = function() end,
      },
    }
    local source = "local w = te.fs.open('a.csv')\n"
      .. "w:write('x', 1, ',', 2.5):write('\\n')\n"
      .. "w:close()\n"
      .. "w:close()\n"
      .. "local gone = te.fs.open('gone.csv'):write('y')\n"
      .. "gone:abort()\n"
      .. "te.fs.open('open.csv'):write('z')\n"
      .. "do local c <close> = te.fs.open('c.csv'); c:write('c') end\n"
      .. "pcall(function() local e <close> = te.fs.open('e.csv'); e:write('e'); error('x') end)\n"
      .. "local ok, err = pcall(w.write, w, 'late')\n"
      .. "print(err)\n"
      .. "ok, err = pcall(gone.write, gone, {})\n"
      .. "print(err)\n"
    local r = testing.run_runbook(te, "s.lua", {}, { source = source })
    assert.is_true(r.ok, tostring(r.error))
    assert.same({ ["a.csv"] = "x1,2.5\n", ["c.csv"] = "c" }, r.files)
    assert.same({ "a.csv", "c.csv" }, r.writes)
    assert.same({}, opened, "nothing reaches the real te.fs.open")
    assert.same({ "te.fs.open('a.csv'): write after close", "te.fs.open('gone.csv'): write after abort; nothing was written" }, r.output)
  end)

  it("run_runbook makes the runbook's te the global te while it runs, for library code", function()
    local saved = rawget(_ENV, "te")
    local te = { now = function() return 1795748400 end, fs = { write = function() end } }
    local source = "print(require('time').now())\nprint(rawget(_G, 'te') == te, _G.te.params.x)\n"
    local r = testing.run_runbook(te, "t.lua", { x = "y" }, { source = source })
    assert.is_true(r.ok, tostring(r.error))
    assert.same({ "1795748400", "true\ty" }, r.output)
    assert.equals(saved, rawget(_ENV, "te"), "the global te is restored")
    local failed = testing.run_runbook(te, "t.lua", {}, { source = "error('stop')" })
    assert.is_false(failed.ok)
    assert.equals(saved, rawget(_ENV, "te"), "restored after an error too")
  end)

  it("the assert table is callable like Lua's assert", function()
    assert.equals(5, testing.assert(5, "m"))
    assert.has_error(function()
      testing.assert(false, "plain message")
    end, "plain message")
  end)
end)
