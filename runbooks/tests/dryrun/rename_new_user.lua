-- rename_new_user.lua: creates a user, then changes the new user's email (the second write
-- uses the first one's uid).
runbook {
  name = "dryrun-rename-new-user",
  description = "Creates a user and changes its email.",
  params = {
    email = { type = "string", required = true, help = "the email it is created with" },
    new_email = { type = "string", required = true, help = "the email it gets" },
  },
}

local aid = "1234"
local user = te.users.create({
  name = "Renamed User",
  email = te.params.email,
  accountGroupRoles = { { accountGroupId = aid, roleIds = { "3" } } },
})
te.users.update(user.uid, { email = te.params.new_email })
