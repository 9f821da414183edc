-- uncaught.lua: an API error nobody catches ends the run with this file's line.
runbook {
  name = "te-uncaught",
  description = "Fails on purpose with an uncaught 404.",
}

print("before")
te.users.get("424242")
print("never")
