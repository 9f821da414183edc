--- admin: pure helpers for user, role and account-group runbooks.
---
--- Almost nothing here calls the API: runbooks fetch with `te` and hand the data in, which
--- keeps these helpers testable anywhere. The exception is `admin.users_by_email(te, groups)`,
--- which lists each group's users through the `te` it is given. Field names are the API's (`aid`, `accountGroupName`,
--- `roleId`, `accountGroupRoles`, `roleIds`).
local admin = {}

--- Trims spaces around a value's text (nil gives "").
---@param s any
---@return string
function admin.trim(s)
  if s == nil then
    return ""
  end
  return (tostring(s):match("^%s*(.-)%s*$"))
end

--- Whether text looks like an email address (something@domain.tld, no spaces).
---@param s string
---@return boolean
function admin.is_email(s)
  return type(s) == "string" and s:match("^[^%s@]+@[^%s@]+%.[^%s@]+$") ~= nil
end

--- Builds a finder that resolves text to an item by id (exact) or by name (ignoring case).
--- The finder returns the item, or nil and a reason ("is unknown", or "is ambiguous ..." when
--- several items share the name).
---@param items table[]
---@param id_key string   e.g. "roleId", "aid"
---@param name_key string e.g. "name", "accountGroupName"
---@return fun(text: any): table?, string?
function admin.finder(items, id_key, name_key)
  local by_id, by_name, ambiguous = {}, {}, {}
  for _, item in ipairs(items) do
    if item[id_key] ~= nil then
      by_id[tostring(item[id_key])] = item
    end
    if item[name_key] ~= nil then
      local name = tostring(item[name_key]):lower()
      if by_name[name] and by_name[name] ~= item then
        ambiguous[name] = true
      end
      by_name[name] = item
    end
  end
  return function(text)
    local key = admin.trim(text)
    if by_id[key] then
      return by_id[key]
    end
    local lower = key:lower()
    if ambiguous[lower] then
      return nil, "is ambiguous (several have that name; give the id)"
    end
    if by_name[lower] then
      return by_name[lower]
    end
    return nil, "is unknown"
  end
end

--- Finders per account group, made on first use: `list(aid)` fetches the group's items
--- (for example `function(aid) return te.roles.list({ aid = aid }) end`: roles belong to an
--- account group). Returns `finder_for(aid)`, which returns that group's finder (see `finder`).
---@param list fun(aid: string): table[]
---@param id_key string
---@param name_key string
---@return fun(aid: any): fun(text: any): table?, string?
function admin.finders_by_group(list, id_key, name_key)
  local cache = {}
  return function(aid)
    aid = tostring(aid)
    if cache[aid] == nil then
      cache[aid] = admin.finder(list(aid), id_key, name_key)
    end
    return cache[aid]
  end
end

--- The groups to look for users in: every group of `groups` with `all_groups`, else only
--- `current` (the group calls go to, `te.account_groups.current()`), and a label that says
--- which ("every account group (3)" or 'account group "Main" (1234)').
---@param groups table[]
---@param current table
---@param all_groups boolean
---@return table[] groups
---@return string label
function admin.scope(groups, current, all_groups)
  if all_groups then
    return groups, string.format("every account group (%d)", #groups)
  end
  for _, group in ipairs(groups) do
    if tostring(group.aid) == tostring(current.aid) then
      return { group }, string.format('account group "%s" (%s)', tostring(group.accountGroupName), tostring(group.aid))
    end
  end
  return { current }, string.format('account group "%s" (%s)', tostring(current.accountGroupName), tostring(current.aid))
end

--- Resolves a list of names or ids. Returns the items' ids (unique, in order) and the
--- problems ("role 'X' is unknown"), if any.
---@param texts string[]
---@param find fun(text: any): table?, string?
---@param id_key string
---@param what string   "role", "permission", ...
---@return string[] ids
---@return string[] problems
function admin.resolve_all(texts, find, id_key, what)
  local ids, problems, seen = {}, {}, {}
  for _, text in ipairs(texts) do
    if admin.trim(text) ~= "" then
      local item, why = find(text)
      if item then
        local id = tostring(item[id_key])
        if not seen[id] then
          seen[id] = true
          ids[#ids + 1] = id
        end
      else
        problems[#problems + 1] = string.format("%s '%s' %s", what, admin.trim(text), why)
      end
    end
  end
  return ids, problems
end

--- Splits "a;b; c" (or another separator) into trimmed, non-empty parts.
---@param text any
---@param sep? string one character (default ";")
---@return string[]
function admin.split(text, sep)
  sep = sep or ";"
  local out = {}
  for part in tostring(text or ""):gmatch("[^" .. (sep:match("%W") and "%" .. sep or sep) .. "]+") do
    local p = admin.trim(part)
    if p ~= "" then
      out[#out + 1] = p
    end
  end
  return out
end

--- A user's account-group roles (as `GET /users/{id}` returns them) in request form:
--- `{ { accountGroupId = "1234", roleIds = { "57", "1140" } }, ... }`.
---@param user table
---@return {accountGroupId: string, roleIds: string[]}[]
function admin.request_roles(user)
  local out = {}
  for _, entry in ipairs(user.accountGroupRoles or {}) do
    local aid = entry.accountGroupId or (entry.accountGroup or {}).aid
    local ids = {}
    if entry.roleIds then
      for i, id in ipairs(entry.roleIds) do
        ids[i] = tostring(id)
      end
    else
      for _, role in ipairs(entry.roles or {}) do
        ids[#ids + 1] = tostring(role.roleId)
      end
    end
    out[#out + 1] = { accountGroupId = tostring(aid), roleIds = ids }
  end
  return out
end

--- Whether two lists hold the same values, ignoring order and repeats.
---@param a any[]
---@param b any[]
---@return boolean
function admin.same_set(a, b)
  local sa, sb = {}, {}
  for _, v in ipairs(a) do
    sa[v] = true
  end
  for _, v in ipairs(b) do
    if not sa[v] then
      return false
    end
    sb[v] = true
  end
  for v in pairs(sa) do
    if not sb[v] then
      return false
    end
  end
  return true
end

--- Changes request-form account-group roles (see `request_roles`) and says whether anything
--- changed. Modes:
--- - `"set"`: the account group gets exactly `role_ids` (added if missing);
--- - `"add"`: `role_ids` are added to what the account group has (added if missing);
--- - `"move"`: the user keeps only this account group, with exactly `role_ids`.
--- Returns the new list (a new table) and whether it differs from the old one.
---@param groups {accountGroupId: string, roleIds: string[]}[]
---@param aid string
---@param role_ids string[]
---@param mode "set"|"add"|"move"
---@return {accountGroupId: string, roleIds: string[]}[] groups
---@return boolean changed
function admin.apply_roles(groups, aid, role_ids, mode)
  aid = tostring(aid)
  local out, changed, found = {}, false, false
  for _, entry in ipairs(groups) do
    if entry.accountGroupId == aid then
      found = true
      local ids
      if mode == "add" then
        ids = {}
        local seen = {}
        for _, id in ipairs(entry.roleIds) do
          if not seen[id] then
            seen[id] = true
            ids[#ids + 1] = id
          end
        end
        for _, id in ipairs(role_ids) do
          if not seen[id] then
            seen[id] = true
            ids[#ids + 1] = id
          end
        end
      else
        ids = table.move(role_ids, 1, #role_ids, 1, {})
      end
      if not admin.same_set(ids, entry.roleIds) then
        changed = true
      end
      out[#out + 1] = { accountGroupId = aid, roleIds = ids }
    elseif mode == "move" then
      changed = true
    else
      out[#out + 1] = { accountGroupId = entry.accountGroupId, roleIds = table.move(entry.roleIds, 1, #entry.roleIds, 1, {}) }
    end
  end
  if not found then
    out[#out + 1] = { accountGroupId = aid, roleIds = table.move(role_ids, 1, #role_ids, 1, {}) }
    changed = true
  end
  return out, changed
end

--- Every user the token can see, by email (trimmed, lower case): `GET /users` lists only the
--- members of one account group, so each group of `groups` (as `te.account_groups.list()`
--- returns them) is listed in turn. Users in several groups appear once. The second result
--- maps each user's `uid` to an account group it was found in: `GET /users/{id}` and its
--- update are scoped to a group the user belongs to, so pass `{ aid = aid_of[uid] }`.
---@param te table
---@param groups table[]
---@return table<string, table> users
---@return table<string, string> aid_of
function admin.users_by_email(te, groups)
  local out, aid_of = {}, {}
  for _, group in ipairs(groups) do
    local aid = tostring(group.aid)
    for _, user in ipairs(te.users.list({ aid = aid })) do
      if user.email then
        local key = admin.trim(user.email):lower()
        if out[key] == nil then
          out[key] = user
          aid_of[tostring(user.uid)] = aid
        end
      end
    end
  end
  return out, aid_of
end

--- The body of a user update that gives the user `groups` (request-form account-group roles,
--- as `apply_roles` returns them), keeping the name and email of `detail` (the user as read,
--- falling back to `user`, the user as listed). Arrays are marked, so that they stay arrays
--- in JSON, empty ones included.
---@param te table the te module (for te.json.array)
---@param detail table the user as read with te.users.get
---@param user table the user as listed
---@param groups table[] request-form account-group roles
---@return table body
function admin.roles_update_body(te, detail, user, groups)
  for _, g in ipairs(groups) do
    g.roleIds = te.json.array(g.roleIds)
  end
  return {
    name = detail.name or user.name,
    email = detail.email or user.email,
    accountGroupRoles = te.json.array(groups),
  }
end

return admin
