-- check_tests.lua: reads back every test edit_tests.lua changed and compares the fields.
runbook {
  name = "check_tests",
  description = "Reads tests back and compares them with expected.json.",
  params = {
    expected = { type = "path", required = true, help = "expected.json from edit_tests.lua" },
  },
}

local expected = te.json.decode(te.fs.read(te.params.expected))
local checked, wrong = 0, 0
for id, changes in pairs(expected) do
  local test = te.tests.get(id)
  for field, value in pairs(changes) do
    checked = checked + 1
    if test[field] ~= value then
      wrong = wrong + 1
      print(string.format("test %s (%s): %s is %s, expected %s", id, test.type, field, tostring(test[field]), tostring(value)))
    end
  end
end
print(string.format("checked %d field(s), %d wrong", checked, wrong))
if wrong > 0 then
  error("read-back differs", 0)
end
