--- openmetrics: builds a text document in the OpenMetrics exposition format
--- (https://prometheus.io/docs/specs/om/open_metrics_spec/), which Prometheus scrapes and
--- node_exporter's textfile collector reads.
---
---   local doc = openmetrics.document()
---   doc:family("te_latency_seconds", "gauge", "Latency.", "seconds", {
---     { labels = { test = "Web", agent = "Tokyo" }, value = 0.012, timestamp = 1796125800 },
---   })
---   local text = doc:text()  -- ends with "# EOF\n"
---
--- Label names are written in sorted order; values are escaped (`\\`, `\"`, `\n`). A family
--- with a unit must have a name ending in `_UNIT`, as the format requires.
local openmetrics = {}

local TYPES = { gauge = true, counter = true, unknown = true, info = true, stateset = true }

--- A label value (or HELP text) escaped as the format requires. A carriage return (alone or
--- before a line feed) is written as a line break, `\n`: the format has no escape for it, and
--- line-based readers (Python's text files, editors) would split the line there.
---@param text any
---@return string
function openmetrics.escape(text)
  local plain = tostring(text):gsub("\r\n?", "\n")
  return (plain:gsub("[\\\"\n]", { ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n" }))
end

--- A sample value as the format writes numbers: integers as integers, others with 15
--- significant digits, NaN and infinities by name.
---@param value number
---@return string
function openmetrics.number(value)
  if value ~= value then
    return "NaN"
  elseif value == math.huge then
    return "+Inf"
  elseif value == -math.huge then
    return "-Inf"
  elseif math.type(value) == "integer" then
    return string.format("%d", value)
  end
  -- 15 significant digits: every double of that precision prints back as itself, and
  -- 61.157 / 1000 prints as 0.061157 rather than 0.061156999999999996.
  return string.format("%.15g", value)
end

local Document = {}
Document.__index = Document

--- A new, empty document.
function openmetrics.document()
  return setmetatable({ lines = {}, names = {} }, Document)
end

--- Adds a metric family and its samples (`{ labels = {name = value}, value, timestamp? }`);
--- a family is written once, with all its samples together. Two samples with the same labels
--- are an error: the format allows one per label set.
---@param name string
---@param kind string "gauge", "counter", ...
---@param help string
---@param unit string? e.g. "seconds"; the name must end with "_" .. unit
---@param samples table[]
function Document:family(name, kind, help, unit, samples)
  if not name:match("^[%a_:][%w_:]*$") then
    error(string.format("openmetrics: '%s' is not a metric name", name), 2)
  end
  if not TYPES[kind] then
    error(string.format("openmetrics: '%s' is not a metric type", tostring(kind)), 2)
  end
  if self.names[name] then
    error(string.format("openmetrics: family '%s' added twice", name), 2)
  end
  if unit and unit ~= "" and name:sub(-#unit - 1) ~= "_" .. unit then
    error(string.format("openmetrics: family '%s' must end with _%s, its unit", name, unit), 2)
  end
  self.names[name] = true
  local lines = self.lines
  lines[#lines + 1] = string.format("# TYPE %s %s", name, kind)
  if unit and unit ~= "" then
    lines[#lines + 1] = string.format("# UNIT %s %s", name, unit)
  end
  lines[#lines + 1] = string.format("# HELP %s %s", name, openmetrics.escape(help))
  local seen = {}
  local sample_name = kind == "counter" and name .. "_total" or name
  for _, sample in ipairs(samples) do
    local keys = {}
    for key in pairs(sample.labels or {}) do
      if not tostring(key):match("^[%a_][%w_]*$") then
        error(string.format("openmetrics: '%s' is not a label name", tostring(key)), 2)
      end
      keys[#keys + 1] = key
    end
    table.sort(keys)
    local parts = {}
    for i, key in ipairs(keys) do
      parts[i] = string.format('%s="%s"', key, openmetrics.escape(sample.labels[key]))
    end
    local label_text = #parts > 0 and "{" .. table.concat(parts, ",") .. "}" or ""
    if seen[label_text] then
      error(string.format("openmetrics: family '%s' has two samples labelled %s", name, label_text), 2)
    end
    seen[label_text] = true
    local line = sample_name .. label_text .. " " .. openmetrics.number(sample.value)
    if sample.timestamp ~= nil then
      line = line .. " " .. openmetrics.number(sample.timestamp)
    end
    lines[#lines + 1] = line
  end
end

--- The document's text, ending with the required `# EOF` line.
---@return string
function Document:text()
  return table.concat(self.lines, "\n") .. (#self.lines > 0 and "\n" or "") .. "# EOF\n"
end

return openmetrics
