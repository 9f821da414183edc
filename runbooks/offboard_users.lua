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

-- Offboards one user: reads what they had, then removes their roles (or deletes them).
-- Returns the lines to print and the outcome: "done", "unchanged", or "failed" and the error.
local function offboard(user)
  local scope = { aid = aid_of[tostring(user.uid)] }
  local detail = te.users.get(user.uid, scope)
  local login = detail.loginAccountGroup or {}
  local lines = { string.format('%s (uid %s, "%s"): login account group "%s" (%s)', tostring(detail.email), tostring(detail.uid), tostring(detail.name), tostring(login.accountGroupName), tostring(login.aid)) }
  for _, line in ipairs(describe_roles(detail)) do
    lines[#lines + 1] = "  had " .. line
  end
  local ok, err
  if params.delete then
    ok, err = pcall(te.users.delete, user.uid, scope)
    if ok then
      lines[#lines + 1] = planning and "  would be deleted" or "  deleted"
    end
  else
    local holds = #(detail.allAccountGroupRoles or {}) > 0 or #(detail.accountGroupRoles or {}) > 0
    if not holds then
      lines[#lines + 1] = "  already has no account group roles; nothing to change"
      return { lines = lines, outcome = "unchanged" }
    end
    ok, err = pcall(te.users.update, user.uid, { accountGroupRoles = te.json.array({}), allAccountGroupRoleIds = te.json.array({}) }, scope)
    if ok then
      lines[#lines + 1] = planning and "  would be removed from every account group" or "  removed from every account group"
    end
  end
  if not ok then
    lines[#lines + 1] = "  failed: " .. tostring(err)
    return { lines = lines, outcome = "failed" }
  end
  return { lines = lines, outcome = "done" }
end

-- Entries are checked in order; the users to offboard are read and written concurrently
-- (te.parallel), and every entry's lines are printed afterwards in input order.
local jobs = {}
local seen = {}
for _, entry in ipairs(entries) do
  local key = entry.email:lower()
  local user = users_by_email[key]
  if not admin.is_email(entry.email) then
    entry.problem = "not an email address"
  elseif seen[key] then
    entry.skip = "already given earlier; skipped"
  elseif not user then
    entry.problem = "no user with this email in any account group"
  elseif tostring(user.uid) == me then
    entry.problem = "is the user of this token; refusing to lock the token out"
  else
    seen[key] = true
    jobs[#jobs + 1] = user
    entry.job = #jobs
  end
end

local results, errors = te.parallel(jobs, offboard)

local done, unchanged, failed = 0, 0, 0
for _, entry in ipairs(entries) do
  local result = entry.job and results[entry.job]
  if entry.problem or entry.skip then
    print(string.format("%s: %s: %s", entry.where, entry.email, entry.problem or entry.skip))
    if entry.problem then
      failed = te.fail_count(1)
    end
  elseif result == nil then
    -- reading the user failed: nothing is known of what they had
    print(string.format("%s: %s: failed: %s", entry.where, entry.email, tostring(errors[entry.job])))
    failed = te.fail_count(1)
  else
    for _, line in ipairs(result.lines) do
      print(line)
    end
    if result.outcome == "done" then
      done = done + 1
    elseif result.outcome == "unchanged" then
      unchanged = unchanged + 1
    else
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
