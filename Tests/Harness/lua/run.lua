-- Runs the Lua unit tests with the system interpreter: `lua5.4 Tests/Harness/lua/run.lua`: the
-- stdlib's, and those of terun's own Lua (the `te` library, the prelude, the sandbox set-up,
-- `te.json`'s wrapper, the `terun test` driver).
-- Prints failures and "N passed, N failed"; exits non-zero when a test fails.
local here = (arg and arg[0] or ""):match("^(.*)[/\\]") or "."
local root = here .. "/../../.."
package.path = table.concat({ root .. "/stdlib/?.lua", here .. "/?.lua" }, ";")

local testing = require("testing")

local files = {
  "csv_spec",
  "tables_spec",
  "time_spec",
  "stats_spec",
  "report_spec",
  "svg_spec",
  "testing_spec",
  "admin_spec",
  "selection_spec",
  "openmetrics_spec",
  "rounds_spec",
  "export_spec",
  "runbooks_spec",
  "te_spec",
  "parallel_spec",
  "prelude_spec",
  "sandbox_spec",
  "json_spec",
  "test_driver_spec",
}

local suite = testing.new()
for _, name in ipairs(files) do
  local chunk, err = loadfile(here .. "/" .. name .. ".lua")
  if not chunk then
    io.stderr:write(err, "\n")
    os.exit(2)
  end
  suite.describe(name, function()
    chunk(suite)
  end)
end

local verbose = arg and arg[1] == "-v"
local results = suite.run({ verbose = verbose })
print(testing.summary(results))
os.exit(results.failed == 0 and 0 or 1)
