-- create_role.lua: creates a role from permission labels (or updates the role of that name
-- to exactly those permissions), then gives it to a list of users in an account group.
-- Re-running it changes nothing once the role and assignments are in place.
--
--   terun create_role name="NetOps Viewer" permissions="View tests,View alerts" users=ana@example.com,bo@example.com
--   terun create_role name="NetOps Viewer" permissions=... account_group=Production --dry-run
--
-- Permission labels are matched ignoring case; permissionIds work too. Run with a bad label
-- to see the available ones.

runbook {
  name = "create_role",
  description = "Creates or updates a role from permission labels and assigns it to users.",
  params = {
    name = { type = "string", required = true, help = "the role's name" },
    permissions = { type = "list", required = true, help = "permission labels or permissionIds, comma-separated" },
    users = { type = "list", help = "emails of the users who get the role" },
    account_group = { type = "string", help = "account group (name or aid) in which users get the role; default: the current one" },
    all_groups = { type = "boolean", default = false, help = "create or update the role in every account group (roles belong to one group; default: the current one)" },
  },
}

local admin = require("admin")
local tables = require("tables")

local params = te.params
local dry = te.dry_run == true
local role_name = admin.trim(params.name)
if role_name == "" then
  error("name must not be empty", 0)
end

-- 1. Permissions by label or id.
local permissions = te.permissions.list()
local find_permission = admin.finder(permissions, "permissionId", "label")
local permission_ids, problems = admin.resolve_all(params.permissions, find_permission, "permissionId", "permission")
if #problems > 0 then
  local labels = tables.sort_by(tables.map(permissions, function(p)
    return tostring(p.label)
  end))
  error(table.concat(problems, "; ") .. "\navailable permissions: " .. table.concat(labels, ", "), 0)
end
if #permission_ids == 0 then
  error("permissions must name at least one permission", 0)
end

-- 2. The role: create it, or bring the existing one to exactly these permissions, in the
-- account group calls go to now. Returns its id; `where` names the group in the messages.
local function ensure_role(where)
  local existing = tables.find(te.roles.list(), function(r)
    return tostring(r.name):lower() == role_name:lower()
  end)
  if existing then
    local id = tostring(existing.roleId)
    if existing.isBuiltin then
      error(string.format('"%s" is a built-in role and cannot be changed; choose another name', existing.name), 0)
    end
    local detail = te.roles.get(id)
    local current = tables.map(detail.permissions or {}, function(p)
      return tostring(p.permissionId)
    end)
    if admin.same_set(current, permission_ids) then
      print(string.format('Role "%s" (%s) already has these %d permission(s) in %s', existing.name, id, #permission_ids, where))
    else
      te.roles.update(id, { name = existing.name, permissions = te.json.array(permission_ids) })
      print(string.format('%s role "%s" (%s) in %s: %d → %d permission(s)', dry and "Would update" or "Updated", existing.name, id, where, #current, #permission_ids))
    end
    return id
  end
  local created = te.roles.create({ name = role_name, permissions = te.json.array(permission_ids) })
  print(string.format('%s role "%s" with %d permission(s) in %s', dry and "Would create" or "Created", role_name, #permission_ids, where))
  -- Kept as returned: in a dry run it is a placeholder that later planned requests refer to.
  return created.roleId
end

local function group_label(group)
  return string.format('account group "%s" (%s)', tostring(group.accountGroupName), tostring(group.aid))
end

local role_id
local role_of_group = {}
if params.all_groups then
  te.account_groups.each(function(aid, group)
    role_of_group[aid] = ensure_role(group_label(group))
  end)
  local current = te.account_groups.current()
  role_id = role_of_group[tostring(current.aid)]
else
  local current = te.account_groups.current()
  role_id = ensure_role(group_label(current))
  role_of_group[tostring(current.aid)] = role_id
end

-- 3. Assignments.
local emails = params.users or {}
if #emails == 0 then
  return
end

local aid
if params.account_group and admin.trim(params.account_group) ~= "" then
  local group, why = admin.finder(te.account_groups.list(), "aid", "accountGroupName")(params.account_group)
  if not group then
    error(string.format("account group '%s' %s", admin.trim(params.account_group), why), 0)
  end
  aid = tostring(group.aid)
else
  local config = te.config()
  aid = config.aid and tostring(config.aid) or nil
end

local by_email, aid_of = admin.users_by_email(te, te.account_groups.list())

-- One user: gives them the role in the account group. Users are done concurrently
-- (te.parallel) and reported afterwards in the order given.
local given = {}
local function assign(email)
  local user = by_email[admin.trim(email):lower()]
  if not user then
    return "missing"
  end
  -- The same user twice would be read twice before either write: the second is skipped.
  if given[tostring(user.uid)] then
    return "again"
  end
  given[tostring(user.uid)] = true
  local scope = { aid = aid_of[tostring(user.uid)] }
  local detail = te.users.get(user.uid, scope)
  local group_aid = aid or (detail.loginAccountGroup and tostring(detail.loginAccountGroup.aid))
  if not group_aid then
    error("cannot tell which account group to use; give account_group=", 0)
  end
  local groups, changed = admin.apply_roles(admin.request_roles(detail), group_aid, { role_of_group[tostring(group_aid)] or role_id }, "add")
  if not changed then
    return "unchanged"
  end
  te.users.update(user.uid, admin.roles_update_body(te, detail, user, groups), scope)
  return "assigned"
end

local outcomes, errors = te.parallel(emails, assign)
local counts = { assigned = 0, unchanged = 0, failed = 0 }
for i, email in ipairs(emails) do
  local outcome = outcomes[i]
  if outcome == "missing" then
    counts.failed = counts.failed + 1
    print(string.format("%s: no user has this email", email))
  elseif outcome == "unchanged" then
    counts.unchanged = counts.unchanged + 1
    print(string.format("%s: already has the role", email))
  elseif outcome == "again" then
    counts.unchanged = counts.unchanged + 1
    print(string.format("%s: already given earlier; skipped", email))
  elseif outcome == "assigned" then
    counts.assigned = counts.assigned + 1
    print(string.format("%s: %s", email, dry and "would get the role" or "given the role"))
  else
    counts.failed = counts.failed + 1
    print(string.format("%s: %s", email, tostring(errors[i])))
  end
end
print(string.format(
  "%s %d, unchanged %d, failed %d%s",
  dry and "Would assign" or "Assigned",
  counts.assigned,
  counts.unchanged,
  counts.failed,
  te.mode == "confirm" and " (planned: sent once you confirm)" or dry and " (dry run, nothing sent)" or ""
))
-- Failed users make the run fail (exit 1), after the summary above.
te.fail_count(counts.failed)
