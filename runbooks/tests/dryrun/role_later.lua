-- role_later.lua: creates a user, then gives the new user another role by its uid, so the
-- update's path uses a value known only after apply.
runbook {
  name = "dryrun-role-later",
  description = "Creates a user and then changes the new user's role.",
  params = {
    email = { type = "string", default = "role.later@example.com", help = "the new user's email" },
    role_id = { type = "string", default = "2", help = "the role given after creation" },
  },
}

local user = te.users.create({
  name = "Role Later",
  email = te.params.email,
  accountGroupRoles = { { accountGroupId = "1234", roleIds = { "3" } } },
})
local updated = te.users.update(user.uid, {
  accountGroupRoles = { { accountGroupId = "1234", roleIds = { te.params.role_id } } },
})
print(string.format("user %s (%s) planned with role %s", updated.name, updated.uid,
  updated.accountGroupRoles[1].roleIds[1]))
