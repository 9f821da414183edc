--- rounds: turns results that arrive round by round into rows, streamed.
---
--- An export with one row per test round and one column per agent (export_latency) would
--- otherwise keep every value until the last page. The API returns results ordered by round,
--- so a row is complete once later rounds have started: `rounds.stream` keeps a few rounds
--- open (`window`), hands each row to `emit` in round order as soon as it leaves the window,
--- and reports results it cannot place, so that the caller can fall back to a buffered
--- export instead of writing a wrong file:
---
--- ```lua
--- local rows = rounds.stream({
---   new_row = function(round) return { round, time.format_iso(round), n = 2 + #columns } end,
---   emit = function(row) writer:row(row) end,
--- })
--- for result in te.results.each(test_id, "network", query) do
---   local ok, why = rows:add(result.roundId, column_of[result.agent.agentId], result.avgLatency)
---   if not ok then ... end   -- why == "late": its round was already emitted
--- end
--- rows:finish()
--- ```
local rounds = {}

---@class rounds.Options
---@field new_row fun(round: integer): table  a new row for a round (cells are set by index)
---@field emit fun(row: table, round: integer) receives each row once, in round order
---@field window? integer  rounds kept open before the oldest is emitted (default 16)

---@class rounds.Stream
---@field emitted integer    rows emitted so far
---@field duplicates integer values for a cell that already had one (the first is kept)
local Stream = {}
Stream.__index = Stream

--- Creates a stream of rows keyed by round.
---@param opts rounds.Options
---@return rounds.Stream
function rounds.stream(opts)
  assert(type(opts) == "table", "rounds.stream: opts must be a table")
  assert(type(opts.new_row) == "function", "rounds.stream: opts.new_row must be a function")
  assert(type(opts.emit) == "function", "rounds.stream: opts.emit must be a function")
  local window = opts.window or 16
  assert(math.type(window) == "integer" and window >= 1, "rounds.stream: opts.window must be a positive integer")
  return setmetatable({
    new_row = opts.new_row,
    emit_row = opts.emit,
    window = window,
    open = {}, -- round -> row
    open_count = 0,
    last_emitted = nil, -- the newest round emitted
    emitted = 0,
    duplicates = 0,
  }, Stream)
end

--- The oldest open round.
---@return integer?
function Stream:oldest()
  local oldest = nil
  for round in pairs(self.open) do
    if oldest == nil or round < oldest then
      oldest = round
    end
  end
  return oldest
end

--- Emits the open round `round`.
---@param round integer
function Stream:emit(round)
  local row = self.open[round]
  self.open[round] = nil
  self.open_count = self.open_count - 1
  self.last_emitted = round
  self.emitted = self.emitted + 1
  self.emit_row(row, round)
end

--- Puts `value` in cell `index` of `round`'s row (a nil value only makes sure the row
--- exists). Returns true, or false and "late" when the round comes too late to be placed:
--- its row was already emitted, or it is older than every round of a full window. The
--- caller's output would then be wrong; nothing is emitted for it.
---@param round integer
---@param index integer
---@param value any
---@return boolean ok
---@return string? why
function Stream:add(round, index, value)
  local row = self.open[round]
  if row == nil then
    local last = self.last_emitted
    if last ~= nil and round <= last then
      return false, "late"
    end
    if self.open_count >= self.window then
      local oldest = self:oldest()
      if round < oldest then
        return false, "late"
      end
      self:emit(oldest)
    end
    row = self.new_row(round)
    self.open[round] = row
    self.open_count = self.open_count + 1
  end
  if value ~= nil then
    if row[index] ~= nil then
      self.duplicates = self.duplicates + 1
    else
      row[index] = value
    end
  end
  return true
end

--- Emits every open round, oldest first.
function Stream:finish()
  while self.open_count > 0 do
    self:emit(self:oldest())
  end
end

return rounds
