-- Unit tests for stdlib/report.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local report = require("report")

describe("report", function()
  it("measures UTF-8 display width and truncates with an ellipsis", function()
    assert.equals(6, report.display_width("Zürich"))
    assert.equals(3, report.display_width("\255ab"))
    assert.equals("Zür…", report.truncate("Zürich", 4))
    assert.equals("Zürich", report.truncate("Zürich", 6))
    assert.equals("", report.truncate("abc", 0))
  end)

  it("aligns text left and numbers right under a separator", function()
    local out = report.table({
      { agentName = "Zürich", agentId = 3, avgLatency = 12.5 },
      { agentName = "Singapore", agentId = 12345, avgLatency = 101.25 },
    }, {
      columns = { { key = "agentName", title = "Agent" }, { key = "agentId", title = "ID" }, "avgLatency" },
    })
    local expected = table.concat({
      "Agent         ID  avgLatency",
      "---------  -----  ----------",
      "Zürich         3       12.50",
      "Singapore  12345      101.25",
    }, "\n")
    assert.equals(expected, out)
  end)

  it("renders array rows with a header, empty cells and no trailing spaces", function()
    local out = report.table({ { "a", nil, "x" }, { "bb" } }, { header = { "one", "two", "three" }, separator = false })
    assert.equals("one  two  three\na         x\nbb", out)
  end)

  it("cuts long cells at max_width and honours explicit alignment, decimals and value functions", function()
    local out = report.table({ { name = "a very long test name", n = 2.345 } }, {
      columns = {
        { key = "name", title = "Test", max_width = 8 },
        { title = "N", value = function(r)
          return r.n
        end, decimals = 1, align = "left" },
      },
    })
    assert.equals("Test      N\n--------  ---\na very …  2.3", out)
  end)

  it("shows a line for an empty table when asked", function()
    assert.equals("Name\n----\n(none)", report.table({}, { columns = { "Name" }, empty = "(none)" }))
  end)

  it("joins list cells and blanks nil", function()
    local out = report.table({ { ips = { "1.2.3.4", "::1" } } }, { columns = { "ips" }, separator = false })
    assert.equals("ips\n1.2.3.4, ::1", out)
  end)
end)
