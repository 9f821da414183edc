-- read_only.lua: reads and changes nothing.
runbook {
  name = "dryrun-read-only",
  description = "Lists users; writes nothing.",
}

print(string.format("%d users", #te.users.list()))
