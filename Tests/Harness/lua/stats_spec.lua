-- Unit tests for stdlib/stats.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local stats = require("stats")

describe("stats", function()
  local values = { 7, 1, 3, 20, 5 }

  it("min, max, sum and mean", function()
    assert.equals(1, stats.min(values))
    assert.equals(20, stats.max(values))
    assert.equals(36, stats.sum(values))
    assert.equals(7.2, stats.mean(values))
  end)

  it("median of odd and even counts", function()
    assert.equals(5, stats.median(values))
    assert.equals(4.0, stats.median({ 1, 3, 5, 7 }))
    assert.equals(2, stats.median({ 2 }))
  end)

  it("percentile interpolates linearly between ranks (R-7)", function()
    local one_to_twenty = {}
    for i = 20, 1, -1 do
      one_to_twenty[#one_to_twenty + 1] = i
    end
    assert.near(19.05, stats.percentile(one_to_twenty, 95), 1e-9)
    assert.equals(1, stats.percentile(one_to_twenty, 0))
    assert.equals(20, stats.percentile(one_to_twenty, 100))
    assert.near(10.5, stats.percentile(one_to_twenty, 50), 1e-12)
    -- numpy.percentile([10, 20, 30, 40], 95) == 38.5
    assert.near(38.5, stats.percentile({ 40, 10, 30, 20 }, 95), 1e-9)
    -- a value exactly on a rank keeps its kind
    assert.equals(30, stats.percentile({ 10, 20, 30, 40, 50 }, 50))
  end)

  it("does not change its input", function()
    local copy = { 7, 1, 3, 20, 5 }
    stats.median(copy)
    stats.summary(copy)
    assert.same({ 7, 1, 3, 20, 5 }, copy)
  end)

  it("summary collects everything", function()
    local s = stats.summary({ 4, 1, 3, 2 })
    assert.equals(4, s.count)
    assert.equals(1, s.min)
    assert.equals(4, s.max)
    assert.equals(2.5, s.mean)
    assert.equals(2.5, s.median)
    assert.near(3.85, s.p95, 1e-9)
  end)

  it("empty input gives nil", function()
    assert.is_nil(stats.min({}))
    assert.is_nil(stats.mean({}))
    assert.is_nil(stats.median({}))
    assert.is_nil(stats.percentile({}, 95))
    assert.same({ count = 0 }, stats.summary({}))
  end)

  it("rejects non-numbers and a bad p", function()
    assert.has_error(function()
      stats.mean({ 1, "2" })
    end, "stats.mean: value 2 is a string, not a number")
    assert.has_error(function()
      stats.percentile({ 1 }, 101)
    end, "stats.percentile: p must be a number from 0 to 100, got 101")
  end)
end)
