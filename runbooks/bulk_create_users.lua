-- bulk_create_users.lua: creates users from a CSV file with the header
-- name,email,account_group,roles. Account groups and roles are given by name or id; several
-- roles are separated by ";". Existing users (matched by email, ignoring case) are left alone,
-- or with update=true get the file's roles in that account group. A bad row is reported with
-- its line number and does not stop the others (strict=true stops before creating anything).
-- Safe to re-run: users created by an earlier run are found by email and skipped.
--
--   terun bulk_create_users csv=users.csv
--   terun bulk_create_users csv=users.csv update=true --dry-run
--
-- users.csv:
--   name,email,account_group,roles
--   Ana Lima,ana@example.com,Production,Account Admin
--   Bo Chen,bo@example.com,1234,Regular User;API Access

runbook {
  name = "bulk_create_users",
  description = "Creates users from a CSV (name,email,account_group,roles); skips or updates existing ones.",
  params = {
    csv = { type = "path", required = true, help = "CSV file with header name,email,account_group,roles (roles separated by ;)" },
    update = { type = "boolean", default = false, help = "give existing users the file's roles in the row's account group" },
    strict = { type = "boolean", default = false, help = "stop at the first bad row instead of reporting it and going on" },
    all_groups = { type = "boolean", default = true, help = "look for existing users in every account group (false: only the current one, named in the log)" },
  },
}

local admin = require("admin")
local csv = require("csv")
local tables = require("tables")

local params = te.params
local update = params.update
local strict = params.strict
local dry = te.dry_run == true
local trim = admin.trim

local groups = te.account_groups.list()
local find_group = admin.finder(groups, "aid", "accountGroupName")
-- Roles belong to an account group: a row's roles are looked up in the row's group.
local roles_of = admin.finders_by_group(function(aid)
  return te.roles.list({ aid = aid })
end, "roleId", "name")

-- Users of every account group (all_groups, the default): a user created by an earlier run in
-- another group is found.
local searched, scope = admin.scope(groups, te.account_groups.current(), params.all_groups)
te.log.info("looking for existing users in %s", scope)
local existing, aid_of = admin.users_by_email(te, searched)

-- 1. Read and validate every row.
local text = te.fs.read(params.csv)
local records, lines, header, problems = csv.read_records(text, { lower_header = true, lenient = true })
for _, column in ipairs({ "name", "email", "account_group", "roles" }) do
  if not tables.contains(header, column) then
    error(string.format("%s: the header must name the columns name,email,account_group,roles (missing '%s')", params.csv, column), 0)
  end
end

local rows, bad = {}, {}
local first_line_of_email = {}
for i, record in ipairs(records) do
  local line = lines[i]
  local function reject(message)
    bad[#bad + 1] = { line = line, email = trim(record.email), message = message }
  end
  local name, email = trim(record.name), trim(record.email)
  local group, group_problem = find_group(record.account_group)
  local role_ids, role_problems = {}, {}
  if group then
    role_ids, role_problems = admin.resolve_all(admin.split(record.roles), roles_of(group.aid), "roleId", "role")
  end
  if problems[i] then
    reject(problems[i])
  elseif name == "" then
    reject("name is empty")
  elseif not admin.is_email(email) then
    reject(string.format("email '%s' is not an email address", email))
  elseif first_line_of_email[email:lower()] then
    reject(string.format("email %s already appears on line %d", email, first_line_of_email[email:lower()]))
  elseif trim(record.account_group) == "" then
    reject("account_group is empty")
  elseif not group then
    reject(string.format("account group '%s' %s", trim(record.account_group), group_problem))
  elseif #role_problems > 0 then
    reject(table.concat(role_problems, "; "))
  elseif #role_ids == 0 then
    reject("roles is empty")
  else
    first_line_of_email[email:lower()] = line
    rows[#rows + 1] = { line = line, name = name, email = email, aid = tostring(group.aid), role_ids = role_ids }
  end
end

local function report_bad(entry)
  print(string.format("line %d: %s%s", entry.line, entry.email ~= "" and (entry.email .. ": ") or "", entry.message))
end

for _, entry in ipairs(bad) do
  report_bad(entry)
end
if strict and #bad > 0 then
  error(string.format("strict: %d bad row(s) in %s; no user was created or updated", #bad, params.csv), 0)
end

-- 2. Create or update.
local counts = { created = 0, updated = 0, skipped = 0, failed = #bad }

--- Gives an existing user the row's roles in the row's account group. Returns whether a
--- change was needed.
local function update_roles(row, user)
  local scope = { aid = aid_of[tostring(user.uid)] }
  local detail = te.users.get(user.uid, scope)
  local groups, changed = admin.apply_roles(admin.request_roles(detail), row.aid, row.role_ids, "set")
  if not changed then
    return false
  end
  te.users.update(user.uid, admin.roles_update_body(te, detail, user, groups), scope)
  return true
end

-- One row: creates or updates its user. Returns what happened and the message to log; rows
-- run concurrently (te.parallel), their outcomes are reported afterwards in row order.
local function apply_row(row)
  local user = existing[row.email:lower()]
  if user and not update then
    return "skipped", string.format("line %d: %s exists, skipped", row.line, row.email)
  elseif user then
    if update_roles(row, user) then
      return "updated", string.format("line %d: %s roles %s", row.line, row.email, dry and "would be updated" or "updated")
    end
    return "skipped", string.format("line %d: %s already has these roles", row.line, row.email)
  end
  te.users.create({
    name = row.name,
    email = row.email,
    loginAccountGroupId = row.aid,
    accountGroupRoles = te.json.array({ { accountGroupId = row.aid, roleIds = te.json.array(row.role_ids) } }),
  })
  return "created", string.format("line %d: %s %s", row.line, row.email, dry and "would be created" or "created")
end

local outcomes, errors = te.parallel(rows, function(row)
  local outcome, message = apply_row(row)
  return { outcome = outcome, message = message }
end, { fail_fast = strict })

-- With strict=true the first failure cancels the rows still waiting (fail_fast); rows already
-- sent finish and are counted.
local first_failure = nil
for i, row in ipairs(rows) do
  local result, err = outcomes[i], errors[i]
  if result then
    counts[result.outcome] = counts[result.outcome] + 1
    if result.outcome == "skipped" then
      te.log.debug("%s", result.message)
    else
      te.log.info("%s", result.message)
    end
  elseif err and not (type(err) == "table" and err.kind == "cancelled") then
    counts.failed = counts.failed + 1
    report_bad({ line = row.line, email = row.email, message = tostring(err) })
    first_failure = first_failure or { row = row, err = err }
  end
end
if strict and first_failure then
  print(string.format("Stopped at line %d. Created %d, updated %d, skipped %d, failed %d.", first_failure.row.line, counts.created, counts.updated, counts.skipped, counts.failed))
  error(first_failure.err, 0)
end

if dry then
  print(string.format(
    "%s: would create %d, update %d, skip %d; %d failed (%d row(s) in %s; %s)",
    te.mode == "confirm" and "Planned" or "Dry run",
    counts.created, counts.updated, counts.skipped, counts.failed, #records, params.csv,
    te.mode == "confirm" and "sent once you confirm" or "nothing was sent"
  ))
else
  print(string.format(
    "Created %d, updated %d, skipped %d, failed %d (%d row(s) in %s)",
    counts.created, counts.updated, counts.skipped, counts.failed, #records, params.csv
  ))
end
-- Failed rows make the run fail (exit 1), after the summary above.
te.fail_count(counts.failed)
