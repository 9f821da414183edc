-- offboard_users.lua: offboards users by email. By default it removes them from every
-- account group (their roles in each group, and any all-groups roles, are taken away); with
-- delete=true it deletes them. The token's own user is never offboarded. First it prints what each user had (login group, roles per
-- group), so the change can be undone by hand. Users are looked for in every account group.
--
--   terun offboard_users emails=ana@example.com,bo@example.com --dry-run
--   terun offboard_users csv=leavers.csv delete=true

runbook {
  name = "offboard_users",
  description = "Removes users from every account group (or deletes them), reporting what each had.",
  params = {
    emails = { type = "list", help = "users' emails, comma-separated" },
    csv = { type = "path", help = "CSV with an email column (other columns are ignored)" },
    delete = { type = "boolean", default = false, help = "delete the users instead of removing them from their account groups" },
  },
}

local admin = require("admin")
local csv = require("csv")

local params = te.params
local trim = admin.trim

-- The work list: { where = "line 3" or the email as given, email }.
local entries = {}
for _, email in ipairs(params.emails or {}) do
  if trim(email) ~= "" then
    entries[#entries + 1] = { where = trim(email), email = trim(email) }
  end
end
if params.csv then
  local records, lines, header = csv.read_records(te.fs.read(params.csv), { lower_header = true, lenient = true })
  local has_email = false
  for _, h in ipairs(header) do
    has_email = has_email or h == "email"
  end
  if not has_email then
    te.usage_error("csv", params.csv .. ": the CSV needs an 'email' column")
  end
  for i, record in ipairs(records) do
    entries[#entries + 1] = { where = "line " .. lines[i], email = trim(record.email) }
  end
end
if #entries == 0 then
  te.usage_error("emails", "no users given: use emails=a@x,b@y or csv=FILE")
end

local groups = te.account_groups.list()
te.log.info("looking for users in every account group (%d)", #groups)
local users_by_email, aid_of = admin.users_by_email(te, groups)

--- "Main Account Group (1234): Account Admin, Regular User" per group, from a user as read.
local function describe_roles(detail)
  local parts = {}
  for _, entry in ipairs(detail.accountGroupRoles or {}) do
    local group = entry.accountGroup or {}
    local names = {}
    for _, role in ipairs(entry.roles or {}) do
      names[#names + 1] = string.format("%s (%s)", tostring(role.name), tostring(role.roleId))
    end
    parts[#parts + 1] = string.format("%s (%s): %s", tostring(group.accountGroupName), tostring(group.aid), #names > 0 and table.concat(names, ", ") or "no roles")
  end
  local all = {}
  for _, role in ipairs(detail.allAccountGroupRoles or {}) do
    all[#all + 1] = string.format("%s (%s)", tostring(role.name), tostring(role.roleId))
  end
  if #all > 0 then
    parts[#parts + 1] = "every account group: " .. table.concat(all, ", ")
  end
  return parts
end

local planning = te.mode ~= "live"
local me = tostring(te.users.current().uid)
local done, unchanged, failed = 0, 0, 0
local seen = {}
for _, entry in ipairs(entries) do
  local key = entry.email:lower()
  local user = users_by_email[key]
  if not admin.is_email(entry.email) then
    print(string.format("%s: %s: not an email address", entry.where, entry.email))
    failed = te.fail_count(1)
  elseif seen[key] then
    print(string.format("%s: %s: already given earlier; skipped", entry.where, entry.email))
  elseif not user then
    print(string.format("%s: %s: no user with this email in any account group", entry.where, entry.email))
    failed = te.fail_count(1)
  elseif tostring(user.uid) == me then
    print(string.format("%s: %s: is the user of this token; refusing to lock the token out", entry.where, entry.email))
    failed = te.fail_count(1)
  else
    seen[key] = true
    local scope = { aid = aid_of[tostring(user.uid)] }
    local detail = te.users.get(user.uid, scope)
    local login = detail.loginAccountGroup or {}
    print(string.format('%s (uid %s, "%s"): login account group "%s" (%s)', tostring(detail.email), tostring(detail.uid), tostring(detail.name), tostring(login.accountGroupName), tostring(login.aid)))
    local had = describe_roles(detail)
    for _, line in ipairs(had) do
      print("  had " .. line)
    end
    local ok, err
    if params.delete then
      ok, err = pcall(te.users.delete, user.uid, scope)
      if ok then
        print(planning and "  would be deleted" or "  deleted")
      end
    else
      local holds = #(detail.allAccountGroupRoles or {}) > 0 or #(detail.accountGroupRoles or {}) > 0
      if not holds then
        print("  already has no account group roles; nothing to change")
        unchanged = unchanged + 1
        ok = nil
      else
        ok, err = pcall(te.users.update, user.uid, { accountGroupRoles = te.json.array({}), allAccountGroupRoleIds = te.json.array({}) }, scope)
        if ok then
          print(planning and "  would be removed from every account group" or "  removed from every account group")
        end
      end
    end
    if ok then
      done = done + 1
    elseif ok == false then
      print("  failed: " .. tostring(err))
      failed = te.fail_count(1)
    end
  end
end

local verb
if planning then
  verb = params.delete and "Would delete" or "Would remove"
else
  verb = params.delete and "Deleted" or "Removed"
end
print(string.format("%s %d, unchanged %d, failed %d", verb, done, unchanged, failed))
