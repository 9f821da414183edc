--- csv: an RFC 4180 reader and a streaming writer.
---
--- Reading works on a whole string (what `te.fs.read` returns). It handles quoted fields,
--- embedded quotes (`""`), embedded newlines, a UTF-8 byte order mark, CRLF, LF and lone CR
--- line ends, empty fields, and input with or without a final newline. Every record carries
--- the line number it starts on, so a runbook can say "line 12: ..." about a bad row.
--- A malformed document (an unterminated quote, text after a closing quote, a quote inside
--- an unquoted field) raises `csv: line N, field M: ...`.
---
--- Writing is streaming: `csv.writer{ sink = fn }` formats rows and hands the sink chunks of
--- whole rows (at most about `flush_bytes` each). `csv.file_writer(fs, path)` builds on it
--- for files. With terun's `te.fs` it streams: chunks go to a `te.fs.open` writer (a
--- temporary file beside the target) and `close()` renames the finished file into place, so
--- memory stays flat however many rows there are and a run that fails midway leaves no
--- half-written CSV behind. Given an `fs` with only `write` (a test fake), rows accumulate
--- in memory and the file is written once, by `fs.write`, at `close()`.
---
--- ```lua
--- local csv = require("csv")
--- local out = csv.file_writer(te.fs, "agents.csv")
--- out:row({ "agentId", "agentName" })
--- for agent in te.agents.each() do out:row({ agent.agentId, agent.agentName }) end
--- out:close()   -- the file appears here, complete
--- ```
local csv = {}

local BOM = "\239\187\191"

---@class csv.ReadOptions
---@field sep? string       field separator, one byte (default ",")
---@field skip_blank? boolean skip empty lines (default true)
---@field lenient? boolean  accept a quote inside an unquoted field as a literal character

local function read_error(line, field, message)
  error(string.format("csv: line %d, field %d: %s", line, field, message), 0)
end

--- Iterates over the records of `text`.
--- Yields `fields, line` for each record: an array of strings and the 1-based line the record
--- starts on. Raises on malformed input, naming the line.
---@param text string
---@param opts? csv.ReadOptions
---@return fun(): string[]?, integer?
function csv.each(text, opts)
  opts = opts or {}
  assert(type(text) == "string", "csv.each: text must be a string")
  local sep = opts.sep or ","
  assert(#sep == 1 and sep ~= '"' and sep ~= "\r" and sep ~= "\n", "csv: sep must be one byte other than a quote or newline")
  local skip_blank = opts.skip_blank ~= false
  local lenient = opts.lenient == true
  local sep_class = sep:match("%W") and "%" .. sep or sep
  -- Unquoted fields end at a separator or line end; a quote inside one is an error unless
  -- lenient, so strict mode stops at quotes too.
  local stop_pattern = "[" .. sep_class .. "\r\n" .. (lenient and "" or '"') .. "]"
  local find, sub, byte = string.find, string.sub, string.byte
  local SEP, CR, LF, QUOTE = byte(sep), 13, 10, 34
  local pos = 1
  if sub(text, 1, 3) == BOM then
    pos = 4
  end
  local len = #text
  local line = 1

  -- Reads one record at pos; returns its fields and the line it starts on.
  local function read_record()
    local fields = {}
    local n = 0
    local record_line = line
    while true do
      n = n + 1
      if byte(text, pos) == QUOTE then
        local field_line = line
        local parts = {}
        local j = pos + 1
        while true do
          local q = find(text, '"', j, true)
          if not q then
            read_error(field_line, n, "unterminated quoted field")
          end
          local segment = sub(text, j, q - 1)
          parts[#parts + 1] = segment
          if find(segment, "[\r\n]") then
            local _, lf = segment:gsub("\n", "")
            local _, cr = segment:gsub("\r", "")
            local _, crlf = segment:gsub("\r\n", "")
            line = line + lf + cr - crlf
          end
          if byte(text, q + 1) == QUOTE then
            parts[#parts + 1] = '"'
            j = q + 2
          else
            pos = q + 1
            break
          end
        end
        fields[n] = #parts == 1 and parts[1] or table.concat(parts)
        local after = byte(text, pos)
        if after and after ~= SEP and after ~= CR and after ~= LF then
          read_error(line, n, "unexpected character '" .. sub(text, pos, pos) .. "' after a closing quote")
        end
      else
        local stop = find(text, stop_pattern, pos)
        if stop and byte(text, stop) == QUOTE then
          read_error(line, n, "a quote inside an unquoted field (quote the whole field and double the quote)")
        end
        fields[n] = sub(text, pos, (stop or len + 1) - 1)
        pos = stop or len + 1
      end
      local d = byte(text, pos)
      if d == SEP then
        pos = pos + 1
      elseif d == CR then
        pos = pos + ((byte(text, pos + 1) == LF) and 2 or 1)
        line = line + 1
        return fields, record_line
      elseif d == LF then
        pos = pos + 1
        line = line + 1
        return fields, record_line
      else
        return fields, record_line
      end
    end
  end

  return function()
    while pos <= len do
      local fields, record_line = read_record()
      if not (skip_blank and #fields == 1 and fields[1] == "") then
        return fields, record_line
      end
    end
    return nil
  end
end

--- Reads all records of `text`.
---@param text string
---@param opts? csv.ReadOptions
---@return string[][] rows  the records, each an array of strings
---@return integer[] lines  the line each record starts on
function csv.parse(text, opts)
  local rows, lines = {}, {}
  for fields, line in csv.each(text, opts) do
    rows[#rows + 1] = fields
    lines[#lines + 1] = line
  end
  return rows, lines
end

---@class csv.RecordOptions: csv.ReadOptions
---@field trim_header? boolean trim spaces around header names (default true)
---@field lower_header? boolean lower-case header names (default false)

--- Iterates over the records of `text` as tables keyed by the header (the first record).
--- Yields `record, line, problem`: `problem` is nil, or a message such as
--- `"expected 4 fields, found 3"` when the record's field count differs from the header's;
--- the record then holds the fields that were present. Duplicate or empty header names raise.
---@param text string
---@param opts? csv.RecordOptions
---@return fun(): table<string, string>?, integer?, string?
---@return string[] header the header names (empty when the text is empty)
function csv.each_record(text, opts)
  opts = opts or {}
  local next_row = csv.each(text, opts)
  local header = {}
  local first, header_line = next_row()
  if first then
    local seen = {}
    for i, name in ipairs(first) do
      if opts.trim_header ~= false then
        name = name:match("^%s*(.-)%s*$")
      end
      if opts.lower_header then
        name = name:lower()
      end
      if name == "" then
        error(string.format("csv: line %d: header field %d is empty", header_line, i), 0)
      end
      if seen[name] then
        error(string.format("csv: line %d: duplicate header name '%s'", header_line, name), 0)
      end
      seen[name] = true
      header[i] = name
    end
  end
  local iterator = function()
    if not first then
      return nil
    end
    local fields, line = next_row()
    if not fields then
      return nil
    end
    local record = {}
    for i, name in ipairs(header) do
      record[name] = fields[i]
    end
    local problem
    if #fields ~= #header then
      problem = string.format("expected %d fields, found %d", #header, #fields)
    end
    return record, line, problem
  end
  return iterator, header
end

--- Reads all records of `text` as header-keyed tables.
---@param text string
---@param opts? csv.RecordOptions
---@return table[] records  each record is a table keyed by header name, with `line` too in `lines`
---@return integer[] lines  the line each record starts on
---@return string[] header
---@return table<integer, string> problems  record index -> problem message, for bad rows
function csv.read_records(text, opts)
  local records, lines, problems = {}, {}, {}
  local iterator, header = csv.each_record(text, opts)
  for record, line, problem in iterator do
    records[#records + 1] = record
    lines[#lines + 1] = line
    if problem then
      problems[#records] = problem
    end
  end
  return records, lines, header, problems
end

-- Writing ---------------------------------------------------------------------------------

-- Under terun, `te.csv.format_row` formats rows in C with the same output, byte for byte
-- (checked by terun's tests); elsewhere (plain Lua) the functions below do it.
local host = rawget(_ENV, "te")
local native_format_row = type(host) == "table" and type(host.csv) == "table" and host.csv.format_row or nil
local float_formats = { "%.15g", "%.16g", "%.17g" }

--- Formats a number so that integers never gain a ".0" and floats round-trip.
---@param value number
---@return string
local function format_number(value)
  if math.type(value) == "integer" then
    return string.format("%d", value)
  end
  if value ~= value or value == math.huge or value == -math.huge then
    error("csv: cannot write " .. tostring(value), 0)
  end
  for i = 1, #float_formats do
    local s = string.format(float_formats[i], value)
    if tonumber(s) == value then
      return s
    end
  end
  return string.format("%.17g", value)
end

--- Formats one value as a CSV field, quoting it only when needed (a separator, a quote, CR
--- or LF inside, or `quote_all`). nil and non-string userdata (such as `te.json.null`) are
--- empty; booleans are `true`/`false`; numbers keep their kind (`3`, never `3.0`).
--- Tables and functions raise.
---@param value any
---@param sep? string
---@param quote_all? boolean
---@return string
function csv.format_field(value, sep, quote_all)
  sep = sep or ","
  local t = type(value)
  local s
  if t == "string" then
    s = value
  elseif t == "number" then
    s = format_number(value)
  elseif t == "boolean" then
    s = value and "true" or "false"
  elseif t == "nil" or t == "userdata" then
    s = ""
  else
    error("csv: cannot write a " .. t .. " as a field", 0)
  end
  if quote_all or s:find('["\r\n]') or s:find(sep, 1, true) then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

-- One row followed by `line_end` (if given): te.csv.format_row under terun, else in Lua.
local format_row = native_format_row
  or function(values, sep, quote_all, line_end)
    local n = values.n or #values
    local parts = {}
    for i = 1, n do
      parts[i] = csv.format_field(values[i], sep, quote_all)
    end
    local row = table.concat(parts, sep or ",")
    return line_end and row .. line_end or row
  end

--- Formats one row (without its line end).
---@param values any[] field values; `n = count` may be set to keep trailing nils
---@param sep? string
---@param quote_all? boolean
---@return string
function csv.format_row(values, sep, quote_all)
  return format_row(values, sep, quote_all)
end

---@class csv.WriterOptions
---@field sink fun(chunk: string)  receives chunks of whole rows
---@field out? string              where the rows go, as a runbook's `out` parameter names it: "-"
---                                 (stdout) makes the default line end "\n", a file "\r\n"
---@field newline? string          "\r\n" or "\n"; default from `out`: "\n" for "-", else "\r\n" (RFC 4180)
---@field sep? string              field separator (default ",")
---@field quote_all? boolean       quote every field
---@field flush_bytes? integer     hand a chunk to the sink once this many bytes wait (default 65536)
---@field on_close? fun()          called once by `close` after the last chunk
---@field on_abort? fun()          called once by `abort` (not after `close`)
---@field header? string[]         a first row written at once

---@class csv.Writer
---@field rows_written integer
---@field bytes_written integer
local Writer = {}
Writer.__index = Writer

--- Creates a streaming writer. Rows are formatted at once and buffered; the sink gets a chunk
--- whenever `flush_bytes` are waiting, on `flush`, and on `close`.
---@param opts csv.WriterOptions
---@return csv.Writer
function csv.writer(opts)
  assert(type(opts) == "table" and type(opts.sink) == "function", "csv.writer: opts.sink must be a function")
  local newline = opts.newline or (opts.out == "-" and "\n" or "\r\n")
  assert(newline == "\r\n" or newline == "\n", "csv.writer: newline must be \"\\r\\n\" or \"\\n\"")
  local self = setmetatable({
    sink = opts.sink,
    newline = newline,
    sep = opts.sep or ",",
    quote_all = opts.quote_all == true,
    flush_bytes = opts.flush_bytes or 65536,
    on_close = opts.on_close,
    on_abort = opts.on_abort,
    pending = {},
    pending_bytes = 0,
    rows_written = 0,
    bytes_written = 0,
    closed = false,
  }, Writer)
  if opts.header then
    self:row(opts.header)
  end
  return self
end

--- Writes one row.
---@param values any[]
function Writer:row(values)
  if self.closed then
    error("csv: write after close", 2)
  end
  local line = format_row(values, self.sep, self.quote_all, self.newline)
  self.pending[#self.pending + 1] = line
  self.pending_bytes = self.pending_bytes + #line
  self.rows_written = self.rows_written + 1
  if self.pending_bytes >= self.flush_bytes then
    self:flush()
  end
end

--- Writes several rows.
---@param rows any[][]
function Writer:rows(rows)
  for _, values in ipairs(rows) do
    self:row(values)
  end
end

--- Hands the waiting rows to the sink as one chunk.
function Writer:flush()
  if #self.pending == 0 then
    return
  end
  local chunk = table.concat(self.pending)
  self.pending = {}
  self.pending_bytes = 0
  self.bytes_written = self.bytes_written + #chunk
  self.sink(chunk)
end

--- Flushes and finishes: calls `on_close` once. Later writes raise.
function Writer:close()
  if self.closed then
    return
  end
  self:flush()
  self.closed = true
  if self.on_close then
    self.on_close()
  end
end

--- Drops waiting rows and finishes without calling `on_close` (for a file writer: nothing
--- is written); calls `on_abort` once. Does nothing after `close` or a first `abort`.
function Writer:abort()
  if self.closed then
    return
  end
  self.pending = {}
  self.pending_bytes = 0
  self.closed = true
  if self.on_abort then
    self.on_abort()
  end
end

--- Lets a writer be a to-be-closed variable (`local out <close> = csv.file_writer(...)`): a
--- normal exit closes it, an error propagating through aborts it.
---@param err any
function Writer:__close(err)
  if err ~= nil then
    self:abort()
  else
    self:close()
  end
end

--- A sink that keeps chunks in memory. Returns the sink and a function giving the text so far.
---@return fun(chunk: string) sink
---@return fun(): string contents
function csv.buffer_sink()
  local chunks = {}
  return function(chunk)
    chunks[#chunks + 1] = chunk
  end, function()
    local text = table.concat(chunks)
    chunks = { text }
    return text
  end
end

--- A sink that prints chunks to stdout with `print` (each chunk ends with a line end, which
--- `print` supplies).
---@param chunk string
function csv.print_sink(chunk)
  print((chunk:gsub("\n$", "")))
end

--- A writer for a file that appears complete or not at all.
---
--- When `fs` has `open` (terun's `te.fs`), the file is opened at once (a bad path raises
--- here), every chunk goes to the handle's `write`, `close()` closes the handle (the file
--- is renamed into place) and `abort()` aborts it (the temporary file is removed). Memory
--- stays flat: at most about `flush_bytes` wait in Lua.
---
--- When `fs` has only `write` (a fake in tests), rows accumulate in memory and `close()`
--- calls `fs.write(path, text)` once; `abort()` writes nothing.
---
--- Either way an error before `close` writes nothing. When `path` is `"-"` rows stream to
--- stdout instead, with "\n" line ends unless `opts.newline` says otherwise (files get "\r\n").
---@param fs {open?: fun(path: string): te.fs.Writer, write?: fun(path: string, text: string)}
---@param path string
---@param opts? csv.WriterOptions  (sink, on_close and on_abort are set by this function)
---@return csv.Writer
function csv.file_writer(fs, path, opts)
  local o = {}
  for k, v in pairs(opts or {}) do
    o[k] = v
  end
  o.out = path
  if path == "-" then
    o.sink = csv.print_sink
    return csv.writer(o)
  end
  assert(
    type(fs) == "table" and (type(fs.open) == "function" or type(fs.write) == "function"),
    "csv.file_writer: fs must have an open or a write function"
  )
  if type(fs.open) == "function" then
    local handle = fs.open(path)
    o.sink = function(chunk)
      handle:write(chunk)
    end
    o.on_close = function()
      handle:close()
    end
    o.on_abort = function()
      handle:abort()
    end
    return csv.writer(o)
  end
  local sink, contents = csv.buffer_sink()
  o.sink = sink
  o.on_close = function()
    fs.write(path, contents())
  end
  return csv.writer(o)
end

return csv
