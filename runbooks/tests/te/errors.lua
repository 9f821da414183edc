-- errors.lua: API errors as Lua values, argument errors as messages.
runbook {
  name = "te-errors",
  description = "Exercises te error values.",
}

local check = require("check")

local err = check.fails(function()
  te.users.get("999999")
end, "a missing user")
check.eq(type(err), "table", "an API error is a table")
check.eq(err.status, 404, "err.status")
check.eq(err.method, "GET", "err.method")
check.eq(err.path, "/users/999999", "err.path")
check.eq(type(err.title), "string", "err.title")
check.eq(err.kind, "api", "err.kind")
check.contains(tostring(err), "GET /users/999999: 404 ", "tostring(err)")

-- A 400 carries field errors.
err = check.fails(function()
  te.users.create({ name = "No Email" })
end, "a user without email")
check.eq(err.status, 400, "400 status")
check.eq(err.method, "POST", "400 method")
local fields = {}
for _, e in ipairs(err.errors) do
  fields[e.field] = e.code
end
check.eq(fields.email, "REQUIRED", "err.errors names the missing field")
check.contains(tostring(err), "email", "tostring lists the field errors")
check.eq(type(err.detail), "string", "err.detail")

-- Argument errors are plain messages pointing at the caller.
local message = check.fails(function()
  te.get(42)
end, "te.get with a number")
check.contains(message, "errors.lua:", "argument errors carry the runbook's file:line")
check.contains(message, "bad argument #1 to 'te.get' (string expected, got number)", "te.get message")
check.contains(check.fails(function()
  te.get("/agents", "cloud")
end, "te.get with a string query"), "bad argument #2 to 'te.get' (table expected, got string)", "query message")
check.contains(check.fails(function()
  te.users.get({})
end, "te.users.get with a table"), "bad argument #1 to 'te.users.get' (id expected as a string or an integer, got table)",
  "id message")
check.contains(check.fails(function()
  te.users.get(1.5)
end, "te.users.get with a fraction"), "(id expected as a string or an integer, got 1.5)", "fraction message")
check.contains(check.fails(function()
  te.items("/agents")
end, "te.items without a key"), "bad argument #2 to 'te.items' (string expected, got nil)", "key message")
check.contains(check.fails(function()
  te.post("/users", function() end)
end, "a body that cannot be JSON"), "te.post: body cannot encode function", "body message")

check.done("errors")
