-- dot_segments.lua: paths and ids that would name another resource once normalised.
runbook {
  name = "dryrun-dot-segments",
  description = "Writes through a path with a dot segment.",
  params = {
    how = { type = "string", required = true, help = "which call to make" },
  },
}

local how = te.params.how
if how == "put" then
  te.put("/tests/agent-to-server/123456/../../../users", { name = "dots" })
elseif how == "update" then
  te.users.update("..", { name = "dots" })
elseif how == "escaped" then
  te.delete("/alerts/rules/%2E%2e")
end
