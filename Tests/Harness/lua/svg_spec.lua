-- Unit tests for stdlib/svg.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local svg = require("svg")

local T = 1795748400 -- 2026-11-27T03:00:00Z

local function count(haystack, needle)
  local n, pos = 0, 1
  while true do
    local s, e = haystack:find(needle, pos, true)
    if not s then
      return n
    end
    n, pos = n + 1, e + 1
  end
end

describe("svg", function()
  it("escapes markup characters and drops forbidden control characters", function()
    assert.equals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", svg.escape([[a <b> & "c" 'd']]))
    assert.equals("ab", svg.escape("a\1b"))
    assert.equals("Sao Paulo, Brazil: zz", svg.escape("Sao Paulo, Brazil: z\0z"), "z is a letter, not %z")
    assert.equals("3", svg.escape(3))
  end)

  it("chooses nice ticks covering the range", function()
    local ticks, step = svg.nice_ticks(0, 47.3, 5)
    assert.same({ 0, 10, 20, 30, 40, 50 }, ticks)
    assert.equals(10, step)
    local small = svg.nice_ticks(0.12, 0.38, 4)
    assert.truthy(small[1] <= 0.12 and small[#small] >= 0.38)
    local flat = svg.nice_ticks(5, 5)
    assert.truthy(flat[1] < 5 and flat[#flat] > 5)
  end)

  it("chooses round time ticks", function()
    local ticks, step = svg.time_ticks(T + 10, T + 3600, 6)
    assert.equals(600, step)
    assert.equals(T + 600, ticks[1])
    assert.equals(T + 3600, ticks[#ticks])
  end)

  it("draws one path per series with gaps, escaped names, a legend and UTC labels", function()
    local out = svg.line_chart({
      title = "avgLatency <ms>",
      y_label = "ms",
      series = {
        { name = "A & B", points = { { T, 10 }, { T + 300, 12 }, { T + 600, nil }, { T + 900, 14 } } },
        { name = "<script>", points = { { T + 900, 30 }, { T, 20 } } },
      },
    })
    assert.matches("^<svg xmlns=\"http://www.w3.org/2000/svg\"", out)
    assert.matches("</svg>$", out)
    assert.equals(2, count(out, "<path "))
    assert.truthy(out:find("A &amp; B", 1, true))
    assert.truthy(out:find("&lt;script&gt;", 1, true))
    assert.falsy(out:find("<script>", 1, true))
    assert.truthy(out:find("avgLatency &lt;ms&gt;", 1, true))
    assert.truthy(out:find(">03:00<", 1, true) or out:find(">11-27<", 1, true), "UTC tick label")
    -- the gap: the first series' path has two "M" (move) commands
    local first_path = out:match('<g class="series" data%-name="A &amp; B">\n<path d="([^"]*)"')
    assert.not_nil(first_path)
    assert.equals(2, count(first_path, "M"))
    assert.equals(3, count(first_path, "L") + count(first_path, "M"))
    -- colours come from the palette in order
    assert.truthy(out:find(svg.palette[1], 1, true) and out:find(svg.palette[2], 1, true))
    -- seven points in all get markers
    assert.equals(5, count(out, "<circle "))
  end)

  it("keeps the legend inside the picture and drops markers on dense series", function()
    local series = {}
    for a = 1, 30 do
      local points = {}
      for i = 0, 200 do
        points[#points + 1] = { T + i * 60, a + i % 5 }
      end
      series[a] = { name = "Agent " .. a .. " with a rather long name", points = points }
    end
    local out = svg.line_chart({ series = series, height = 300 })
    local fits = (300 - 16 - 8) // 18
    assert.equals(fits - 1, count(out, 'width="12" height="12"'))
    assert.truthy(out:find(">+" .. (30 - fits + 1) .. " more<", 1, true))
    assert.truthy(out:find(">Agent 1 with a rath…<", 1, true))
    assert.equals(0, count(out, "<circle "))
    assert.equals(30, count(out, "<path "))
  end)

  it("says no data when there is none", function()
    local out = svg.line_chart({ series = { { name = "x", points = {} } } })
    assert.truthy(out:find(">no data<", 1, true))
    assert.equals(0, count(out, "<path "))
  end)

  it("handles a single point and refuses a missing series list", function()
    local out = svg.line_chart({ series = { { name = "one", points = { { T, 5 } } } } })
    assert.equals(1, count(out, "<circle "))
    assert.falsy(out:find("nan", 1, true) or out:find("inf", 1, true))
    assert.has_error(function()
      svg.line_chart({})
    end, "svg.line_chart: opts.series must be a list")
  end)
end)
