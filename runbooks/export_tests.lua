-- export_tests.lua: writes the account group's tests to one desired-state file (YAML by
-- default), the input of sync_tests. Agents and alert rules appear by name, so the file can
-- be synced into another account group; only the fields a request can set are written, under
-- the API's names. Exporting, then syncing the same file, plans no change.
--
--   terun export_tests
--   terun export_tests out=web.yaml type=http-server pattern="*checkout*"
--   terun export_tests format=json out=-

runbook {
  name = "export_tests",
  description = "Writes the account group's tests to a desired-state file (YAML or JSON) for sync_tests.",
  params = {
    out = { type = "string", default = "tests.yaml", help = "output file under --out-dir, or - for stdout" },
    format = { type = "enum", values = { "yaml", "json" }, default = "yaml", help = "file format" },
    pattern = { type = "string", help = "only tests whose names match this glob (ignoring case)" },
    type = {
      type = "enum",
      values = { "agent-to-server", "agent-to-agent", "bgp", "dns-server", "dns-trace", "dnssec", "http-server", "page-load", "web-transactions", "api", "ftp-server", "sip-server", "voice" },
      help = "only tests of this type",
    },
  },
}

local selection = require("selection")
local testcode = require("testcode")

local params = te.params
local group = te.account_groups.current()
te.log.info('exporting the tests of account group "%s" (%s); --aid ID uses another', tostring(group.accountGroupName), tostring(group.aid))

local tests = selection.tests(te, { pattern = params.pattern, type = params.type, with_agents = true })
local desired = {}
local skipped = {}
for _, test in ipairs(tests) do
  desired[#desired + 1] = testcode.desired_form(te, test)
  for name in pairs(testcode.GROUP_REFERENCES) do
    if type(test[name]) == "table" and next(test[name]) ~= nil then
      skipped[name] = true
    end
  end
end
table.sort(desired, function(a, b)
  if a.type ~= b.type then
    return a.type < b.type
  end
  return a.testName < b.testName
end)
for name in pairs(skipped) do
  te.log.warn("%s refer to objects of this account group and are not exported", name)
end

local doc = { tests = te.json.array(desired) }
local text
if params.format == "json" then
  text = te.json.encode(doc, { pretty = true }) .. "\n"
else
  text = string.format('# terun export_tests: %d test(s) of account group "%s" (%s)\n', #desired, tostring(group.accountGroupName), tostring(group.aid))
    .. te.yaml.encode(doc)
end

local out = params.out
if out == "-" then
  print((text:gsub("\n$", "")))
else
  te.fs.write(out, text)
  print(string.format("Exported %d test(s) to %s", #desired, out))
end
