--- stats: summary statistics over arrays of numbers.
---
--- Functions sort a copy, so inputs are never changed. An empty array gives nil. Values must be numbers (nil holes are not allowed: collect
--- only the values you have).
local stats = {}

local function check(values, name)
  assert(type(values) == "table", "stats." .. name .. ": values must be an array")
  for i = 1, #values do
    if type(values[i]) ~= "number" then
      error(string.format("stats.%s: value %d is a %s, not a number", name, i, type(values[i])), 3)
    end
  end
end

local function sorted_copy(values)
  local copy = table.move(values, 1, #values, 1, {})
  table.sort(copy)
  return copy
end

--- The smallest value.
---@param values number[]
---@return number?
function stats.min(values)
  check(values, "min")
  local m = values[1]
  for i = 2, #values do
    if values[i] < m then
      m = values[i]
    end
  end
  return m
end

--- The largest value.
---@param values number[]
---@return number?
function stats.max(values)
  check(values, "max")
  local m = values[1]
  for i = 2, #values do
    if values[i] > m then
      m = values[i]
    end
  end
  return m
end

--- The sum (integers stay integers).
---@param values number[]
---@return number
function stats.sum(values)
  check(values, "sum")
  local total = 0
  for i = 1, #values do
    total = total + values[i]
  end
  return total
end

--- The arithmetic mean (a float).
---@param values number[]
---@return number?
function stats.mean(values)
  check(values, "mean")
  if #values == 0 then
    return nil
  end
  return stats.sum(values) / #values
end

local function percentile_sorted(sorted, p)
  local n = #sorted
  if n == 0 then
    return nil
  end
  if n == 1 then
    return sorted[1]
  end
  local h = (n - 1) * p / 100
  local lo = math.floor(h)
  local frac = h - lo
  local a, b = sorted[lo + 1], sorted[math.min(lo + 2, n)]
  if frac == 0 then
    return a
  end
  return a + (b - a) * frac
end

--- The p-th percentile, 0 <= p <= 100, by linear interpolation between closest ranks (the
--- "R-7" / Excel `PERCENTILE.INC` / NumPy default method): with the values sorted as
--- x[1..n], h = (n - 1) * p / 100, and the result is x[floor(h)+1] + (h - floor(h)) *
--- (x[floor(h)+2] - x[floor(h)+1]). So p = 0 is the min, p = 100 the max, p = 50 the median,
--- and p95 of 1..20 is 19.05. A value that falls exactly on a rank is returned as is (an
--- integer stays an integer).
---@param values number[]
---@param p number
---@return number?
function stats.percentile(values, p)
  check(values, "percentile")
  if type(p) ~= "number" or p < 0 or p > 100 then
    error("stats.percentile: p must be a number from 0 to 100, got " .. tostring(p), 2)
  end
  return percentile_sorted(sorted_copy(values), p)
end

--- The median (the 50th percentile: the mean of the two middle values for an even count).
---@param values number[]
---@return number?
function stats.median(values)
  check(values, "median")
  return percentile_sorted(sorted_copy(values), 50)
end

---@class stats.Summary
---@field count integer
---@field min number?
---@field max number?
---@field mean number?
---@field median number?
---@field p95 number?

--- count, min, max, mean, median and p95 in one pass over a sorted copy.
---@param values number[]
---@return stats.Summary
function stats.summary(values)
  check(values, "summary")
  local sorted = sorted_copy(values)
  local n = #sorted
  return {
    count = n,
    min = sorted[1],
    max = sorted[n],
    mean = n > 0 and stats.sum(sorted) / n or nil,
    median = percentile_sorted(sorted, 50),
    p95 = percentile_sorted(sorted, 95),
  }
end

return stats
