-- Unit tests for stdlib/openmetrics.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local openmetrics = require("openmetrics")

describe("openmetrics", function()
  it("writes families with TYPE, UNIT, HELP, sorted labels and # EOF", function()
    local doc = openmetrics.document()
    doc:family("x_seconds", "gauge", "Some help.", "seconds", {
      { labels = { b = "2", a = "1" }, value = 0.5, timestamp = 1700000000 },
      { labels = { a = "3", b = "4" }, value = 7 },
    })
    assert.equals(
      '# TYPE x_seconds gauge\n# UNIT x_seconds seconds\n# HELP x_seconds Some help.\nx_seconds{a="1",b="2"} 0.5 1700000000\nx_seconds{a="3",b="4"} 7\n# EOF\n',
      doc:text()
    )
  end)

  it("escapes label values and prints numbers the format accepts", function()
    assert.equals('a\\"b\\\\c\\nd', openmetrics.escape('a"b\\c\nd'))
    -- A carriage return is a line break to line-based readers (Python's text files): written as \n.
    assert.equals("a\\nb\\nc", openmetrics.escape("a\r\nb\rc"))
    assert.equals("NaN", openmetrics.number(0 / 0))
    assert.equals("+Inf", openmetrics.number(math.huge))
    assert.equals("-Inf", openmetrics.number(-math.huge))
    assert.equals("0.061157", openmetrics.number(61.157 / 1000))
    assert.equals("12", openmetrics.number(12))
    assert.equals("# EOF\n", openmetrics.document():text())
  end)

  it("refuses what the format forbids", function()
    local doc = openmetrics.document()
    assert.error_matches(function()
      doc:family("x_ms", "gauge", "h", "seconds", {})
    end, "must end with _seconds")
    assert.error_matches(function()
      doc:family("1x", "gauge", "h", nil, {})
    end, "not a metric name")
    assert.error_matches(function()
      doc:family("y", "gauge", "h", nil, { { labels = { a = "1" }, value = 1 }, { labels = { a = "1" }, value = 2 } })
    end, "two samples labelled")
    assert.error_matches(function()
      doc:family("z", "gauge", "h", nil, { { labels = { ["a-b"] = "1" }, value = 1 } })
    end, "not a label name")
  end)
end)
