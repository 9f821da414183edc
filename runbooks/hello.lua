-- hello.lua: the smallest runbook. Greets someone, and shows parameters and logging.
--
--   terun runbooks/hello.lua name=World
--   terun runbooks/hello.lua name=Ada times=3 shout=true

runbook {
  name = "hello",
  description = "Greets someone: a first runbook showing te.params and te.log.",
  params = {
    name = { type = "string", required = true, help = "who to greet" },
    times = { type = "integer", default = 1, help = "how many greetings to print" },
    shout = { type = "boolean", default = false, help = "greet in capitals" },
  },
}

local name = te.params.name
local greeting = string.format("Hello, %s!", name)
if te.params.shout then
  greeting = greeting:upper()
end

te.log.debug("greeting %s %d time(s)", name, te.params.times)
for _ = 1, te.params.times do
  print(greeting)
end
te.log.info("greeted %s", name)
