-- twice.lua: updates the same test twice in one run; the second diff starts from the first.
runbook {
  name = "dryrun-twice",
  description = "Sets a test's interval twice.",
  params = {
    test_id = { type = "string", default = "123456", help = "the test to change" },
  },
}

te.tests.update(te.params.test_id, { interval = 300 })
local test = te.tests.update(te.params.test_id, { interval = 120 })
print(string.format("test %s: interval %d", test.testId, test.interval))
