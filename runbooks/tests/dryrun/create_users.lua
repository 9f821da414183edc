-- create_users.lua: creates one user per email (role 3 in the default account group).
runbook {
  name = "dryrun-create-users",
  description = "Creates users by email.",
  params = {
    emails = { type = "list", required = true, help = "emails" },
  },
}

local aid = "1234"
for _, email in ipairs(te.params.emails) do
  local user = te.users.create({
    name = email:match("^[^@]+"),
    email = email,
    accountGroupRoles = { { accountGroupId = aid, roleIds = { "3" } } },
  })
  print(string.format("%s: %s", email, tostring(user.uid)))
end
