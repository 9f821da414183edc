-- rule_read_only.lua: sends an alert rule back with roundsViolatingMode, a field the API sets
-- (read-only): the write is refused before it is planned or sent.
runbook {
  name = "dryrun-rule-read-only",
  description = "Updates alert rule 9001 with a read-only field.",
  params = {
    catch = { type = "boolean", default = false, help = "catch the error and go on" },
  },
}

local rule = te.alerts.rules.get("9001")
local body = {
  ruleName = rule.ruleName,
  expression = rule.expression,
  alertType = rule.alertType,
  roundsViolatingOutOf = rule.roundsViolatingOutOf,
  roundsViolatingMode = "any",
}
if te.params.catch then
  local ok, err = pcall(te.put, "/alerts/rules/9001", body)
  print(string.format("caught: %s %s", tostring(ok), err.kind))
else
  te.put("/alerts/rules/9001", body)
end
