-- noop.lua: a runbook that does nothing, so that timing it measures terun's start-up alone
-- (argument parsing, the sandboxed Lua state, the te module, the header, the run).

runbook {
  name = "noop",
  description = "Does nothing; bench/run times it against lua5.4 -e '' and python3 -c ''.",
}
