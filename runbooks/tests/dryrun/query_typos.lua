-- query_typos.lua: filters the API does not take, through every way of reading and writing.
runbook {
  name = "dryrun-query-typos",
  description = "Passes an unknown or misspelt query parameter.",
  params = {
    how = { type = "string", required = true, help = "which call to make" },
  },
}

local how = te.params.how
if how == "list" then
  print(#te.agents.list({ agentType = "cloud" }))
elseif how == "get" then
  print(#te.get("/agents", { countryId = "SG" }).agents)
elseif how == "path" then
  print(#te.get("/agents?countryId=SG").agents)
elseif how == "pages" then
  for page in te.pages("/agents", { agentType = "cloud" }) do
    print(#page.agents)
  end
elseif how == "delete" then
  te.delete("/alerts/rules/9004", { force = "true" })
elseif how == "call" then
  print(#te.call("getAgents", { agentType = "cloud" }).agents)
elseif how == "good" then
  print(#te.get("/agents?agentTypes=cloud").agents, #te.agents.list({ agentTypes = "cloud" }))
end
