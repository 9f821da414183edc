-- The chunk `terun test` runs in the sandbox, as a run runs a runbook, for one `*_test.lua` file
-- (RunbookTestRunner). The host hands the file over in `te.__terun_test` (its source, its name,
-- whether to print passing tests, and `report(passed, failed)`), removed before the file runs.
-- The file is compiled under its own name, so its errors and frames name its lines; this
-- chunk's frames are terun's own (`@terun/test_driver.lua`) and are hidden from users.
local host = te.__terun_test
te.__terun_test = nil

-- Collect the file's tests: its top level runs `describe`/`it` (stdlib `testing`).
local chunk, problem = load(host.source, "=" .. host.name, "t")
if not chunk then
  error(problem, 0)
end
chunk()

local results = require("testing").run({ verbose = host.verbose })
host.report(results.passed, results.failed)
