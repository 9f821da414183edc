-- edit_tests.lua: one random valid edit to each test named "edit ..." (one per type), through
-- te.tests.update; writes the edits to `out` (expected.json) for check_tests.lua. `out` is a
-- parameter so that a later round may replace the file (the sandbox lets a run replace only a
-- file a parameter names).
runbook {
  name = "edit_tests",
  description = "Random valid edits to tests of every type.",
  params = {
    seed = { type = "integer", required = true, help = "random seed" },
    out = { type = "string", default = "expected.json", help = "where the edits are written" },
  },
}

math.randomseed(te.params.seed)
local INTERVALS = { 60, 120, 300, 600, 900, 1800, 3600 }
local expected = {}
local count = 0
for test in te.tests.each() do
  if tostring(test.testName):find("^edit ") then
    local changes = {}
    local fields = { "enabled", "alertsEnabled", "description" }
    if test.type ~= "bgp" then
      fields[#fields + 1] = "interval"
      fields[#fields + 1] = "interval"
    end
    for _ = 1, math.random(1, 3) do
      local field = fields[math.random(#fields)]
      if field == "interval" then
        local interval = test.interval
        while interval == test.interval do
          interval = INTERVALS[math.random(#INTERVALS)]
        end
        changes.interval = interval
      elseif field == "description" then
        changes.description = string.format("edit %d-%d", te.params.seed, math.random(1000))
      else
        changes[field] = not test[field]
      end
    end
    local sent = {}
    for k, v in pairs(changes) do
      sent[k] = v
    end
    if test.type == "ftp-server" then
      sent.password = "p" -- write-only: the API never returns it, a full update must give it
    end
    te.tests.update(test.testId, sent)
    expected[tostring(test.testId)] = changes
    count = count + 1
  end
end
te.fs.write(te.params.out, te.json.encode(expected))
print(string.format("edited %d tests", count))
