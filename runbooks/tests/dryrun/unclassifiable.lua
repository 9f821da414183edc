-- unclassifiable.lua: a request no API operation matches stops a dry run.
runbook {
  name = "dryrun-unclassifiable",
  description = "Sends a request the catalog cannot classify.",
}

te.post("/no/such/endpoint", {})
print("not reached")
