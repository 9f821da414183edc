-- assign_users.lua: adds users to an account group with roles, or moves them there. Users
-- come as a list of emails or as a CSV file with an `email` column (and optionally
-- `account_group` and `roles` columns that override the parameters per row).
--
--   terun assign_users emails=ana@example.com,bo@example.com account_group=Production roles="Regular User"
--   terun assign_users csv=moves.csv mode=move --dry-run
--
-- Modes: add (default) gives the roles in that account group on top of the user's others;
-- set makes them the user's only roles in that group; move makes that group the user's only
-- one (and their login account group).

runbook {
  name = "assign_users",
  description = "Adds users (by email list or CSV) to an account group with roles, or moves them there.",
  params = {
    emails = { type = "list", help = "users' emails, comma-separated" },
    csv = { type = "path", help = "CSV with an email column, and optional account_group and roles columns" },
    account_group = { type = "string", help = "account group, by name or aid (required unless every CSV row names one)" },
    roles = { type = "list", help = "roles by name or roleId, comma-separated (a CSV roles cell separates them with ;)" },
    mode = { type = "enum", values = { "add", "set", "move" }, default = "add", help = "add: add roles; set: replace roles in that group; move: keep only that group" },
    strict = { type = "boolean", default = false, help = "stop at the first problem instead of reporting it and going on" },
    all_groups = { type = "boolean", default = true, help = "look for the users in every account group (false: only the current one, named in the log)" },
  },
}

local admin = require("admin")
local csv = require("csv")

local params = te.params
local mode = params.mode
local strict = params.strict
local dry = te.dry_run == true
local trim = admin.trim

local groups = te.account_groups.list()
local find_group = admin.finder(groups, "aid", "accountGroupName")
-- Roles belong to an account group: they are looked up in the group users are assigned to.
local roles_of = admin.finders_by_group(function(aid)
  return te.roles.list({ aid = aid })
end, "roleId", "name")

-- The work list: { where = "line 3" or "ana@...", email, group text, role texts }.
local entries = {}
for _, email in ipairs(params.emails or {}) do
  if trim(email) ~= "" then
    entries[#entries + 1] = { where = trim(email), email = trim(email), group = params.account_group, roles = params.roles or {} }
  end
end
if params.csv then
  local records, lines, header, problems = csv.read_records(te.fs.read(params.csv), { lower_header = true, lenient = true })
  local has = {}
  for _, h in ipairs(header) do
    has[h] = true
  end
  if not has.email then
    error(params.csv .. ": the CSV needs an 'email' column", 0)
  end
  for i, record in ipairs(records) do
    entries[#entries + 1] = {
      where = "line " .. lines[i],
      email = trim(record.email),
      group = (has.account_group and trim(record.account_group) ~= "") and record.account_group or params.account_group,
      roles = (has.roles and trim(record.roles) ~= "") and admin.split(record.roles) or (params.roles or {}),
      problem = problems[i],
    }
  end
end
if #entries == 0 then
  error("no users given: use emails=a@x,b@y or csv=FILE", 0)
end

local searched, scope = admin.scope(groups, te.account_groups.current(), params.all_groups)
te.log.info("looking for users in %s", scope)
local users_by_email, aid_of = admin.users_by_email(te, searched)

local counts = { changed = 0, unchanged = 0, failed = 0 }
local function problem(entry, message)
  counts.failed = counts.failed + 1
  local text = string.format("%s: %s", entry.where, message)
  if entry.where ~= entry.email and entry.email ~= "" then
    text = string.format("%s: %s: %s", entry.where, entry.email, message)
  end
  print(text)
  if strict then
    error("strict: stopped at " .. text, 0)
  end
end

-- What is wrong with an entry, or nil and the user, group and role ids to give it.
local function check(entry)
  local user = users_by_email[entry.email:lower()]
  local group, why = find_group(entry.group)
  local role_ids, role_problems = {}, {}
  if group then
    role_ids, role_problems = admin.resolve_all(entry.roles, roles_of(group.aid), "roleId", "role")
  end
  if entry.problem then
    return entry.problem
  elseif not admin.is_email(entry.email) then
    return string.format("'%s' is not an email address", entry.email)
  elseif not user then
    return "no user has this email"
  elseif trim(entry.group) == "" then
    return "no account group given (account_group=...)"
  elseif not group then
    return string.format("account group '%s' %s", trim(entry.group), why)
  elseif #role_problems > 0 then
    return table.concat(role_problems, "; ")
  elseif #role_ids == 0 then
    return "no roles given (roles=...)"
  end
  return nil, { entry = entry, user = user, group = group, role_ids = role_ids }
end

-- Gives one checked entry its roles; returns whether it changed and the line to print.
local function assign(job)
  local entry, user, group = job.entry, job.user, job.group
  local scope = { aid = aid_of[tostring(user.uid)] }
  local detail = te.users.get(user.uid, scope)
  local aid = tostring(group.aid)
  local groups, changed = admin.apply_roles(admin.request_roles(detail), aid, job.role_ids, mode)
  local login = detail.loginAccountGroup and tostring(detail.loginAccountGroup.aid) or nil
  if mode == "move" and login ~= aid then
    changed = true
  end
  if not changed then
    return false, string.format("%s: already in %s with those roles", entry.email, group.accountGroupName or aid)
  end
  local body = admin.roles_update_body(te, detail, user, groups)
  if mode == "move" then
    body.loginAccountGroupId = aid
  end
  te.users.update(user.uid, body, scope)
  local verb = mode == "move" and "moved to" or "assigned to"
  return true, string.format("%s: %s%s %s", entry.email, dry and "would be " or "", verb, group.accountGroupName or aid)
end

-- Entries are checked in order; the good ones are changed concurrently (te.parallel), and every
-- entry's line is printed in input order. With strict=true a problem stops the run before
-- anything is changed, and a failed change cancels the changes not yet sent.
local jobs, slot_of = {}, {}
local checked = {}
for i, entry in ipairs(entries) do
  local why, job = check(entry)
  checked[i] = why
  if job then
    jobs[#jobs + 1] = job
    slot_of[i] = #jobs
  elseif strict then
    problem(entry, why)
  end
end

-- One user's entries are changed one after another, each reading what the one before wrote
-- (two rows for one user in different groups keep both); different users concurrently.
local chains, chain_of = {}, {}
for slot, job in ipairs(jobs) do
  local uid = tostring(job.user.uid)
  if not chain_of[uid] then
    chains[#chains + 1] = {}
    chain_of[uid] = chains[#chains]
  end
  table.insert(chain_of[uid], slot)
end
local results, errors = {}, {}
local _, chain_errors = te.parallel(chains, function(slots)
  for _, slot in ipairs(slots) do
    local ok, changed, line = pcall(assign, jobs[slot])
    if ok then
      results[slot] = { changed = changed, line = line }
    else
      errors[slot] = changed
      if strict then
        -- fail_fast: the other users' changes not yet sent, and this user's next ones, stop
        error({ kind = "cancelled", message = "stopped: an earlier change of this user failed" }, 0)
      end
    end
  end
end, { fail_fast = strict })
for c, slots in ipairs(chains) do
  for _, slot in ipairs(slots) do
    if results[slot] == nil and errors[slot] == nil then
      errors[slot] = chain_errors[c]
    end
  end
end

local first_error = nil
for i, entry in ipairs(entries) do
  local slot = slot_of[i]
  if not slot then
    problem(entry, checked[i])
  elseif results[slot] then
    local result = results[slot]
    counts[result.changed and "changed" or "unchanged"] = counts[result.changed and "changed" or "unchanged"] + 1
    print(result.line)
  else
    local err = errors[slot]
    if not (type(err) == "table" and err.kind == "cancelled") then
      first_error = first_error or { entry = entry, err = err }
      if not strict then
        problem(entry, tostring(err))
      end
    end
  end
end
if strict and first_error then
  problem(first_error.entry, tostring(first_error.err))
end

print(string.format(
  "%s %d, unchanged %d, failed %d%s",
  dry and "Would change" or "Changed",
  counts.changed,
  counts.unchanged,
  counts.failed,
  te.mode == "confirm" and " (planned: sent once you confirm)" or dry and " (dry run, nothing sent)" or ""
))
-- Failed users make the run fail (exit 1), after the summary above.
te.fail_count(counts.failed)
