-- agents_filter.lua: filters agents by a query parameter the API does not take.
runbook {
  name = "dryrun-agents-filter",
  description = "Lists agents with an unknown filter.",
  params = {
    each = { type = "boolean", default = false, help = "use each instead of list" },
  },
}

if te.params.each then
  for agent in te.agents.each({ countryId = "SG" }) do
    print(agent.agentId)
  end
else
  print(#te.agents.list({ countryId = "SG" }))
end
