-- Unit tests for stdlib/rounds.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local rounds = require("rounds")

-- A stream that records what it emits, with rows { round, cells... }.
local function recorder(window)
  local emitted = {}
  local stream = rounds.stream({
    window = window,
    new_row = function(round)
      return { round, n = 4 }
    end,
    emit = function(row, round)
      assert.equals(row[1], round, "emit gets the row's round")
      emitted[#emitted + 1] = row
    end,
  })
  return stream, emitted
end

describe("rounds", function()
  it("emits each row once, in round order, as soon as it leaves the window", function()
    local stream, emitted = recorder(2)
    for round = 10, 14 do
      for agent = 2, 4 do
        assert.truthy(stream:add(round, agent, round * 10 + agent))
      end
      -- Two rounds stay open; older ones are out already.
      assert.equals(math.max(0, round - 11), #emitted, "emitted after round " .. round)
    end
    stream:finish()
    assert.equals(5, #emitted)
    for i, row in ipairs(emitted) do
      assert.same({ 9 + i, (9 + i) * 10 + 2, (9 + i) * 10 + 3, (9 + i) * 10 + 4, n = 4 }, row)
    end
    assert.equals(5, stream.emitted)
    assert.equals(0, stream.duplicates)
  end)

  it("puts results back in order within the window", function()
    local stream, emitted = recorder(3)
    local order = { 3, 1, 2, 5, 4, 6, 8, 7 }
    for _, round in ipairs(order) do
      assert.truthy(stream:add(round, 2, round))
    end
    stream:finish()
    local got = {}
    for _, row in ipairs(emitted) do
      got[#got + 1] = row[1]
    end
    assert.same({ 1, 2, 3, 4, 5, 6, 7, 8 }, got)
  end)

  it("reports a result whose round was emitted as late, and emits nothing for it", function()
    local stream, emitted = recorder(2)
    for round = 1, 4 do
      assert.truthy(stream:add(round, 2, round))
    end
    assert.equals(2, #emitted)
    local ok, why = stream:add(2, 3, 99)
    assert.falsy(ok)
    assert.equals("late", why)
    assert.same({ 2, 2, n = 4 }, emitted[2], "the emitted row is unchanged")
    -- Older than every round of a full window: late too, and the window is left as it was.
    ok, why = stream:add(0, 2, 1)
    assert.falsy(ok)
    assert.equals("late", why)
    assert.equals(2, #emitted)
  end)

  it("rounds with only nil values still get their row; duplicates keep the first value", function()
    local stream, emitted = recorder(4)
    assert.truthy(stream:add(1, 2, nil))
    assert.truthy(stream:add(2, 2, 5))
    assert.truthy(stream:add(2, 2, 6))
    assert.truthy(stream:add(2, 3, nil))
    assert.truthy(stream:add(2, 3, 7))
    stream:finish()
    assert.same({ 1, n = 4 }, emitted[1])
    assert.same({ 2, 5, 7, n = 4 }, emitted[2])
    assert.equals(1, stream.duplicates)
  end)

  it("a window of one emits a round when the next one starts", function()
    local stream, emitted = recorder(1)
    stream:add(1, 2, "a")
    assert.equals(0, #emitted)
    stream:add(2, 2, "b")
    assert.equals(1, #emitted)
    assert.falsy(stream:add(1, 3, "late"))
    stream:finish()
    assert.equals(2, #emitted)
  end)

  it("checks its options", function()
    local emit = function() end
    assert.has_error(function()
      rounds.stream({ emit = emit })
    end, "opts.new_row must be a function")
    assert.has_error(function()
      rounds.stream({ new_row = emit })
    end, "opts.emit must be a function")
    assert.has_error(function()
      rounds.stream({ new_row = emit, emit = emit, window = 0 })
    end, "opts.window must be a positive integer")
  end)
end)
