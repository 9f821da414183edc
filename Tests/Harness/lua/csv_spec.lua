-- Unit tests for stdlib/csv.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local csv = require("csv")

describe("reader", function()
  it("reads a BOM, CRLF, embedded newline and doubled quotes with record lines", function()
    local text = '\239\187\191name,note,n\r\n"Ana","said ""hi""\r\nthen left",1\r\nBo,,2\r\n'
    local rows, lines = csv.parse(text)
    assert.same({ { "name", "note", "n" }, { "Ana", 'said "hi"\r\nthen left', "1" }, { "Bo", "", "2" } }, rows)
    assert.same({ 1, 2, 4 }, lines)
  end)

  it("reads LF files without a final newline", function()
    local rows, lines = csv.parse("a,b\n1,2")
    assert.same({ { "a", "b" }, { "1", "2" } }, rows)
    assert.same({ 1, 2 }, lines)
  end)

  it("keeps empty fields, including trailing ones and quoted empties", function()
    local rows = csv.parse(',,\n"",x,\n')
    assert.same({ { "", "", "" }, { "", "x", "" } }, rows)
  end)

  it("skips blank lines but counts them", function()
    local rows, lines = csv.parse("a\n\n\r\nb\n")
    assert.same({ { "a" }, { "b" } }, rows)
    assert.same({ 1, 4 }, lines)
  end)

  it("treats a lone CR as a line end", function()
    local rows, lines = csv.parse("a,b\rc,d\r")
    assert.same({ { "a", "b" }, { "c", "d" } }, rows)
    assert.same({ 1, 2 }, lines)
  end)

  it("counts lines inside quoted fields with LF and CR", function()
    local _, lines = csv.parse('"x\ny\nz",1\n"p\rq",2\nlast,3\n')
    assert.same({ 1, 4, 6 }, lines)
  end)

  it("returns nothing for empty input or a lone BOM", function()
    assert.same({}, (csv.parse("")))
    assert.same({}, (csv.parse("\239\187\191")))
  end)

  it("honours another separator", function()
    assert.same({ { "a", "b,c", "d" } }, (csv.parse('a;"b,c";d', { sep = ";" })))
    assert.same({ { "a", "b" } }, (csv.parse("a|b", { sep = "|" })))
  end)

  it("reports an unterminated quote with the line it opened on", function()
    assert.has_error(function()
      csv.parse('a,b\n1,"open\nstill open\n')
    end, "csv: line 2, field 2: unterminated quoted field")
  end)

  it("reports text after a closing quote", function()
    assert.has_error(function()
      csv.parse('a\n"x"y\n')
    end, "line 2, field 1: unexpected character 'y' after a closing quote")
  end)

  it("reports a bare quote unless lenient", function()
    assert.has_error(function()
      csv.parse('a,5" disk\n')
    end, "line 1, field 2: a quote inside an unquoted field")
    assert.same({ { "a", '5" disk' } }, (csv.parse('a,5" disk\n', { lenient = true })))
  end)
end)

describe("records", function()
  it("maps fields to trimmed header names and flags bad field counts", function()
    local text = "name , email,roles\r\nAna,ana@x.io,Admin;Viewer\r\nBo,bo@x.io\r\n\"C\",c@x.io,R,extra\r\n"
    local records, lines, header, problems = csv.read_records(text)
    assert.same({ "name", "email", "roles" }, header)
    assert.same({ name = "Ana", email = "ana@x.io", roles = "Admin;Viewer" }, records[1])
    assert.same({ name = "Bo", email = "bo@x.io" }, records[2])
    assert.same({ 2, 3, 4 }, lines)
    assert.same({ [2] = "expected 3 fields, found 2", [3] = "expected 3 fields, found 4" }, problems)
  end)

  it("lower-cases the header on request", function()
    local it_records, header = csv.each_record("Name,EMAIL\nx,y\n", { lower_header = true })
    assert.same({ "name", "email" }, header)
    local record, line, problem = it_records()
    assert.same({ name = "x", email = "y" }, record)
    assert.equals(2, line)
    assert.is_nil(problem)
    assert.is_nil(it_records())
  end)

  it("refuses duplicate and empty header names", function()
    assert.has_error(function()
      csv.read_records("a,b,a\n1,2,3\n")
    end, "csv: line 1: duplicate header name 'a'")
    assert.has_error(function()
      csv.read_records("a,,c\n")
    end, "csv: line 1: header field 2 is empty")
  end)
end)

describe("writer", function()
  it("quotes only when needed and doubles quotes", function()
    assert.equals("plain", csv.format_field("plain"))
    assert.equals('"a,b"', csv.format_field("a,b"))
    assert.equals('"say ""hi"""', csv.format_field('say "hi"'))
    assert.equals('"two\nlines"', csv.format_field("two\nlines"))
    assert.equals('"cr\r"', csv.format_field("cr\r"))
    assert.equals(" padded ", csv.format_field(" padded "))
    assert.equals('"x"', csv.format_field("x", ",", true))
    assert.equals('"a;b"', csv.format_field("a;b", ";"))
  end)

  it("writes integers without .0 and floats exactly", function()
    assert.equals("3", csv.format_field(3))
    assert.equals("-42", csv.format_field(-42))
    assert.equals("9007199254740993", csv.format_field(9007199254740993))
    assert.equals("3", csv.format_field(3.0))
    assert.equals("0.1", csv.format_field(0.1))
    assert.equals("12.345", csv.format_field(12.345))
    assert.equals("1e+300", csv.format_field(1e300))
    assert.equals(0.1 + 0.2, tonumber(csv.format_field(0.1 + 0.2)))
  end)

  it("writes nil and null-like userdata as empty, booleans as words", function()
    assert.equals("a,,true,false,", csv.format_row({ "a", nil, true, false, nil, n = 5 }))
    assert.equals("", csv.format_field(io.stdout))
  end)

  it("refuses tables, functions and non-finite numbers", function()
    assert.has_error(function()
      csv.format_field({})
    end, "csv: cannot write a table as a field")
    assert.has_error(function()
      csv.format_field(print)
    end, "cannot write a function")
    assert.has_error(function()
      csv.format_field(0 / 0)
    end, "csv: cannot write")
  end)

  it("streams whole rows in chunks and round-trips through the reader", function()
    local chunks = {}
    local w = csv.writer({
      sink = function(c)
        chunks[#chunks + 1] = c
      end,
      flush_bytes = 16,
      header = { "Round ID", "Agent, A" },
    })
    for i = 1, 5 do
      w:row({ 1764212400 + i * 60, i % 2 == 0 and 1.5 or nil, n = 2 })
    end
    w:close()
    assert.truthy(#chunks >= 3, "several chunks")
    for _, c in ipairs(chunks) do
      assert.matches("\r\n$", c)
    end
    local text = table.concat(chunks)
    assert.equals(w.bytes_written, #text)
    assert.equals(6, w.rows_written)
    local rows = csv.parse(text)
    assert.same({ "Round ID", "Agent, A" }, rows[1])
    assert.same({ "1764212520", "1.5" }, rows[3])
    assert.same({ "1764212460", "" }, rows[2])
  end)

  it("uses LF when asked and refuses other line ends", function()
    local sink, contents = csv.buffer_sink()
    local w = csv.writer({ sink = sink, newline = "\n" })
    w:row({ 1, 2 })
    w:close()
    assert.equals("1,2\n", contents())
    assert.has_error(function()
      csv.writer({ sink = sink, newline = ";" })
    end, "newline must be")
  end)

  it("chooses the line end from out: LF for stdout (-), CRLF for a file, unless newline says", function()
    local function text_of(opts)
      local sink, contents = csv.buffer_sink()
      opts.sink = sink
      local w = csv.writer(opts)
      w:rows({ { "a", "b" }, { 1, 2 } })
      w:close()
      return contents()
    end
    assert.equals("a,b\n1,2\n", text_of({ out = "-" }))
    assert.equals("a,b\r\n1,2\r\n", text_of({ out = "alerts.csv" }))
    assert.equals("a,b\r\n1,2\r\n", text_of({}))
    assert.equals("a,b\r\n1,2\r\n", text_of({ out = "-", newline = "\r\n" }))
    assert.equals("a,b\n1,2\n", text_of({ out = "x.csv", newline = "\n" }))
    -- file_writer: its path is the out.
    local printed = {}
    local saved = _ENV.print
    _ENV.print = function(line)
      printed[#printed + 1] = line
    end
    local ok, err = pcall(function()
      local w = csv.file_writer({}, "-", { header = { "a", "b" } })
      w:row({ 1, 2 })
      w:close()
    end)
    _ENV.print = saved
    assert.truthy(ok, err)
    assert.same({ "a,b\n1,2" }, printed)
    local files = {}
    local w = csv.file_writer({ write = function(path, text) files[path] = text end }, "out.csv", { header = { "a", "b" } })
    w:row({ 1, 2 })
    w:close()
    assert.equals("a,b\r\n1,2\r\n", files["out.csv"])
  end)

  it("refuses writes after close", function()
    local w = csv.writer({ sink = function() end })
    w:close()
    assert.has_error(function()
      w:row({ 1 })
    end, "csv: write after close")
  end)

  it("file_writer writes the file once, at close, and not at all after abort", function()
    local writes = {}
    local fs = {
      write = function(path, text)
        writes[#writes + 1] = { path, text }
      end,
    }
    local w = csv.file_writer(fs, "out.csv", { flush_bytes = 4, newline = "\n" })
    w:row({ "a", "b" })
    w:row({ 1, 2 })
    assert.equals(0, #writes)
    w:close()
    w:close()
    assert.same({ { "out.csv", "a,b\n1,2\n" } }, writes)

    local aborted = csv.file_writer(fs, "other.csv")
    aborted:row({ 1 })
    aborted:abort()
    assert.equals(1, #writes)
  end)

  -- A fake of te.fs.open: records every call on the handle.
  local function open_fs()
    local log = {}
    local fs = {
      open = function(path)
        log[#log + 1] = "open " .. path
        local handle = {}
        function handle:write(chunk)
          log[#log + 1] = "write " .. chunk
          return self
        end
        function handle:close()
          log[#log + 1] = "close"
        end
        function handle:abort()
          log[#log + 1] = "abort"
        end
        return handle
      end,
      write = function(path)
        log[#log + 1] = "fs.write " .. path
      end,
    }
    return fs, log
  end

  it("file_writer streams chunks to fs.open's handle and closes it once", function()
    local fs, log = open_fs()
    local w = csv.file_writer(fs, "out.csv", { flush_bytes = 4, newline = "\n", header = { "a", "b" } })
    assert.same({ "open out.csv", "write a,b\n" }, log, "opened at once; a full chunk is written at once")
    w:row({ 1, 2 })
    w:row({ "x" })
    assert.same({ "open out.csv", "write a,b\n", "write 1,2\n" }, log)
    w:close()
    w:close()
    w:abort()
    assert.same({ "open out.csv", "write a,b\n", "write 1,2\n", "write x\n", "close" }, log)
  end)

  it("file_writer aborts fs.open's handle on abort and never closes it", function()
    local fs, log = open_fs()
    local w = csv.file_writer(fs, "out.csv", { newline = "\n" })
    w:row({ 1 })
    w:abort()
    w:abort()
    w:close()
    assert.same({ "open out.csv", "abort" }, log, "waiting rows are dropped, not written")
    assert.has_error(function()
      w:row({ 2 })
    end, "csv: write after close")
  end)

  it("file_writer as a to-be-closed variable commits on a normal exit and aborts on an error", function()
    local fs, log = open_fs()
    do
      local w <close> = csv.file_writer(fs, "ok.csv", { newline = "\n" })
      w:row({ 1 })
    end
    assert.same({ "open ok.csv", "write 1\n", "close" }, log)

    local fs2, log2 = open_fs()
    local ok, err = pcall(function()
      local w <close> = csv.file_writer(fs2, "bad.csv", { newline = "\n" })
      w:row({ 1 })
      error("midway", 0)
    end)
    assert.is_false(ok)
    assert.equals("midway", err)
    assert.same({ "open bad.csv", "abort" }, log2)
  end)

  it("file_writer with a write-only fs buffers, and with neither function refuses", function()
    local writes = {}
    local fs = {
      write = function(path, text)
        writes[#writes + 1] = path .. "=" .. text
      end,
    }
    do
      local w <close> = csv.file_writer(fs, "a.csv", { newline = "\n", flush_bytes = 1 })
      w:row({ 1 })
      w:row({ 2 })
      assert.same({}, writes, "nothing is written before close")
    end
    assert.same({ "a.csv=1\n2\n" }, writes)
    assert.has_error(function()
      csv.file_writer({ read = function() end }, "b.csv")
    end, "csv.file_writer: fs must have an open or a write function")
  end)
end)
