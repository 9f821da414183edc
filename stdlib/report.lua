--- report: aligned text tables for the terminal.
---
--- ```lua
--- local report = require("report")
--- print(report.table(alerts, {
---   columns = {
---     { key = "severity", title = "Severity" },
---     { key = "violationCount", title = "Violations" },        -- numbers align right
---     { title = "Test", value = function(a) return a.testName end, max_width = 30 },
---   },
--- }))
--- ```
--- Widths are display widths in characters (`utf8.len`), so "Zürich" is 6 wide. A cell longer
--- than its column's `max_width` is cut and ends with "…". A line of dashes separates the
--- header from the rows; columns are two spaces apart; lines have no trailing spaces.
local report = {}

--- Display width of a string: its UTF-8 character count, or its byte count if it is not
--- valid UTF-8.
---@param s string
---@return integer
function report.display_width(s)
  return utf8.len(s) or #s
end

--- Cuts `s` to at most `width` characters, ending with "…" when cut.
---@param s string
---@param width integer
---@return string
function report.truncate(s, width)
  local n = utf8.len(s)
  if not n then
    if #s <= width then
      return s
    end
    return s:sub(1, math.max(width - 1, 0)) .. (width > 0 and "…" or "")
  end
  if n <= width then
    return s
  end
  if width <= 0 then
    return ""
  end
  local cut = utf8.offset(s, width) -- byte where character `width` starts
  return s:sub(1, cut - 1) .. "…"
end

local function format_value(v, decimals)
  local t = type(v)
  if t == "nil" or t == "userdata" then
    return ""
  end
  if t == "number" then
    if math.type(v) == "integer" then
      return string.format("%d", v)
    end
    if v ~= v or v == math.huge or v == -math.huge then
      return tostring(v)
    end
    return string.format("%." .. (decimals or 2) .. "f", v)
  end
  if t == "table" then
    local parts = {}
    for i = 1, #v do
      parts[i] = format_value(v[i], decimals)
    end
    return table.concat(parts, ", ")
  end
  return tostring(v)
end

---@class report.Column
---@field key? string|integer  field of a record (or index of an array row)
---@field title? string        header text (default: the key)
---@field value? fun(row: any): any  computes the cell instead of `key`
---@field align? "left"|"right"  default: right when every non-empty cell is a number
---@field max_width? integer     cut longer cells with "…"
---@field decimals? integer      decimals for floats (default: the table's, or 2)

---@class report.Options
---@field columns? (report.Column|string)[]  default: array rows with `header` titles
---@field header? string[]   titles when rows are arrays and no columns are given
---@field decimals? integer   decimals for floats (default 2)
---@field gap? string         between columns (default two spaces)
---@field separator? string|false  header rule character (default "-"; false for none)
---@field max_width? integer  default max_width for every column
---@field empty? string       line shown when there are no rows (default none)

--- Renders rows as an aligned text table and returns it (lines joined by "\n", no final
--- newline). Rows are records (with `columns`) or arrays (with `header`).
---@param rows any[]
---@param opts? report.Options
---@return string
function report.table(rows, opts)
  opts = opts or {}
  local columns = {}
  if opts.columns then
    for i, c in ipairs(opts.columns) do
      if type(c) ~= "table" then
        c = { key = c }
      end
      columns[i] = c
    end
  else
    local n = opts.header and #opts.header or 0
    for _, row in ipairs(rows) do
      n = math.max(n, #row)
    end
    for i = 1, n do
      columns[i] = { key = i, title = opts.header and opts.header[i] or "" }
    end
  end
  local gap = opts.gap or "  "
  local cells, numeric, widths, titles = {}, {}, {}, {}
  for ci, c in ipairs(columns) do
    titles[ci] = c.title or tostring(c.key or "")
    if c.max_width or opts.max_width then
      titles[ci] = report.truncate(titles[ci], c.max_width or opts.max_width)
    end
    widths[ci] = report.display_width(titles[ci])
    numeric[ci] = nil
  end
  for ri, row in ipairs(rows) do
    local line = {}
    for ci, c in ipairs(columns) do
      local v
      if c.value then
        v = c.value(row)
      elseif c.key ~= nil then
        v = row[c.key]
      end
      local text = format_value(v, c.decimals or opts.decimals)
      if text ~= "" then
        if type(v) == "number" then
          if numeric[ci] == nil then
            numeric[ci] = true
          end
        else
          numeric[ci] = false
        end
      end
      local max = c.max_width or opts.max_width
      if max then
        text = report.truncate(text, max)
      end
      line[ci] = text
      local w = report.display_width(text)
      if w > widths[ci] then
        widths[ci] = w
      end
    end
    cells[ri] = line
  end
  local function render(values)
    local parts = {}
    for ci, c in ipairs(columns) do
      local text = values[ci]
      local pad = string.rep(" ", widths[ci] - report.display_width(text))
      local right = c.align == "right" or (c.align == nil and numeric[ci] == true)
      parts[ci] = right and (pad .. text) or (text .. pad)
    end
    return (table.concat(parts, gap):gsub("%s+$", ""))
  end
  local out = { render(titles) }
  if opts.separator ~= false then
    local ch = opts.separator or "-"
    local rule = {}
    for ci = 1, #columns do
      rule[ci] = string.rep(ch, widths[ci])
    end
    out[#out + 1] = table.concat(rule, gap)
  end
  for _, line in ipairs(cells) do
    out[#out + 1] = render(line)
  end
  if #cells == 0 and opts.empty then
    out[#out + 1] = opts.empty
  end
  return table.concat(out, "\n")
end

--- Prints `report.table(rows, opts)`.
---@param rows any[]
---@param opts? report.Options
function report.print(rows, opts)
  print(report.table(rows, opts))
end

return report
