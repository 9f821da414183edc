/// The Lua half of the `te` API, built on the Swift primitives of `TEBridge`.
///
/// The chunk is named `[C] te` so that its frames read as built-in ones: an uncaught error's
/// file:line is then the runbook's line that called `te`, not a line of this library.
enum TELibrary {
  static let chunkName = "[C] te"
  static let handoffGlobal = "__terun_te_install"

  static let source = #"""
    local prim = ...
    local te = rawget(_ENV, "__terun_te_install")
    local request, open_pages, operation, match, raise = prim.request, prim.pages, prim.operation, prim.match, prim.raise
    local settings = prim.settings
    local update_body = prim.update_body
    local suggest = prim.suggest
    local json = te.json
    local type, pairs, ipairs, tostring, error, pcall, select = type, pairs, ipairs, tostring, error, pcall, select
    local format, concat, pack, unpack = string.format, table.concat, table.pack, table.unpack
    local math_type = math.type

    -- "; did you mean 'agentTypes'?" when `name` looks like a typo of one of `names`, else "".
    local function did_you_mean(name, names)
      local best = suggest(tostring(name), concat(names, ","))
      return best and format("; did you mean '%s'?", best) or ""
    end

    -- The account group of `te.with_aid`, if any.
    local current_aid = nil

    -- `level` counts from the caller of arg_error, as error's does (2: the caller's caller).
    local function arg_error(fname, n, expected, value, level)
      error(format("bad argument #%d to '%s' (%s expected, got %s)", n, fname, expected, type(value)), (level or 2) + 1)
    end

    -- A dot segment (`..`, `%2e%2e`) would name another resource once the path is normalised.
    local function dot_segment(path)
      for segment in (path:match("^[^?]*")):gmatch("[^/]+") do
        local plain = segment:gsub("%%2[eE]", ".")
        if plain == "." or plain == ".." then
          return segment
        end
      end
    end

    local function check_path(fname, path)
      if type(path) ~= "string" then
        arg_error(fname, 1, "string", path, 3)
      end
      local dots = dot_segment(path)
      if dots then
        error(format("%s: the path %s has a '%s' segment; name each object by its id", fname,
          path:match("^[^?]*"), dots), 3)
      end
      return path
    end

    local function check_query(fname, n, query)
      if query ~= nil and type(query) ~= "table" then
        arg_error(fname, n, "table", query, 3)
      end
    end

    -- The terun options of an item iterator (`{ fields = {...}, as = "values" }`): returns the
    -- fields (or nil) and whether items come as values. `as` is for iterators only.
    local function check_options(fname, n, options, level, iterating)
      level = level or 3
      if options == nil then
        return nil, false
      end
      if type(options) ~= "table" then
        arg_error(fname, n, "table", options, level)
      end
      for k in pairs(options) do
        if k ~= "fields" and k ~= "as" then
          error(format("%s: unknown option '%s' (accepted: fields, as)", fname, tostring(k)), level)
        end
      end
      local as = options.as
      if as ~= nil and as ~= "objects" and as ~= "values" then
        error(format("%s: as must be \"objects\" or \"values\", got %s", fname,
          type(as) == "string" and format("\"%s\"", as) or type(as)), level)
      end
      local values = as == "values"
      if values and not iterating then
        error(format("%s: as = \"values\" is for iterators (each, te.items)", fname), level)
      end
      local fields = options.fields
      if fields == nil then
        if values then
          error(format("%s: as = \"values\" needs fields (the values to return, in order)", fname), level)
        end
        return nil, false
      end
      if type(fields) ~= "table" then
        error(format("%s: fields must be a list of member names like 'agent.agentId', got %s", fname, type(fields)), level)
      end
      local list = {}
      for i = 1, #fields do
        local f = fields[i]
        if type(f) ~= "string" or f == "" or f:find("^%.") or f:find("%.$") or f:find("%.%.") then
          error(format("%s: fields[%d] must be a member name like 'roundId' or 'agent.agentId', got %s", fname, i,
            type(f) == "string" and format("'%s'", f) or type(f)), level)
        end
        list[i] = f
      end
      for k in pairs(fields) do
        if math_type(k) ~= "integer" or k < 1 or k > #fields then
          error(format("%s: fields must be a list (found key %s)", fname, tostring(k)), level)
        end
      end
      if values then
        if #list == 0 then
          error(format("%s: as = \"values\" needs fields (the values to return, in order)", fname), level)
        end
        for i = 2, #list do
          for j = 1, i - 1 do
            local a, b = list[j], list[i]
            if a == b then
              error(format("%s: field '%s' is listed twice", fname, a), level)
            elseif b:sub(1, #a + 1) == a .. "." or a:sub(1, #b + 1) == b .. "." then
              error(format("%s: fields '%s' and '%s' overlap; as values, each field must be a value of its own", fname, a, b), level)
            end
          end
        end
      end
      return list, values
    end

    -- An id given as a string or a number (integers only), as a path segment.
    local function id_text(fname, n, id, level)
      local kind = type(id)
      if kind == "string" and (id == "." or id == "..") then
        error(format("bad argument #%d to '%s' (id expected, got '%s')", n, fname, id), (level or 2) + 1)
      elseif kind == "string" and id ~= "" then
        return (id:gsub("[^%w%-%._~]", function(c)
          return format("%%%02X", c:byte())
        end))
      elseif kind == "number" then
        if math_type(id) == "integer" then
          return tostring(id)
        elseif id == math.floor(id) then
          return format("%d", id)
        end
      end
      error(format("bad argument #%d to '%s' (id expected as a string or an integer, got %s)", n, fname,
        kind == "number" and tostring(id) or kind), (level or 2) + 1)
    end

    -- A copy of `query` with the `te.with_aid` account group unless it names one.
    local function context_query(query)
      local q = {}
      if query ~= nil then
        for k, v in pairs(query) do
          q[k] = v
        end
      end
      if q.aid == nil and current_aid ~= nil then
        q.aid = current_aid
      end
      return q
    end

    local function send(method, path, body, query)
      return request(method, path, context_query(query), body)
    end

    -- Refuses a query parameter the operation of `method path` does not take, as te.call
    -- does: a filter the API would silently drop must not widen a bulk change.
    local function check_params(fname, method, path, query, level)
      -- A query written into the path (`/agents?countryId=SG`) is checked as well.
      local in_path = path:match("%?(.*)$")
      if in_path ~= nil then
        local merged = {}
        for k, v in pairs(query or {}) do
          merged[k] = v
        end
        for name in in_path:gmatch("([^&=]+)=?[^&]*") do
          merged[name] = merged[name] or true
        end
        query = merged
      end
      if query == nil then
        return
      end
      local op = match(method, path)
      if op == nil then
        return
      end
      local accepted = { aid = true, cursor = op.paginated or nil }
      local names = {}
      for _, name in ipairs(op.query_params) do
        if name ~= "cursor" then
          accepted[name] = true
          names[#names + 1] = name
        end
      end
      if #names == 0 then
        names[1] = "aid"
      end
      for name in pairs(query) do
        if not accepted[name] then
          error(format("%s: unknown query parameter '%s' for %s %s%s (accepted: %s)", fname, tostring(name),
            method, op.path, did_you_mean(name, names), concat(names, ", ")), (level or 2) + 1)
        end
      end
    end

    -- Generic calls --------------------------------------------------------------------------

    -- te.get(path [, query]) and te.delete(path [, query]).
    local function call_without_body(method, fname)
      return function(path, query)
        check_path(fname, path)
        check_query(fname, 2, query)
        check_params(fname, method, path, query)
        return send(method, path, nil, query)
      end
    end

    -- te.post/put/patch(path, body [, query]).
    local function call_with_body(method, fname)
      return function(path, body, query)
        check_path(fname, path)
        check_query(fname, 3, query)
        check_params(fname, method, path, query)
        return send(method, path, body, query)
      end
    end

    te.get = call_without_body("GET", "te.get")
    te.delete = call_without_body("DELETE", "te.delete")
    te.post = call_with_body("POST", "te.post")
    te.put = call_with_body("PUT", "te.put")
    te.patch = call_with_body("PATCH", "te.patch")

    local function page_iterator(method, path, query, body, key, fields, values)
      return open_pages(method, path, context_query(query), body, key, fields, values)
    end

    function te.pages(path, query)
      check_path("te.pages", path)
      check_query("te.pages", 2, query)
      check_params("te.pages", "GET", path, query)
      return page_iterator("GET", path, query, nil, nil)
    end

    -- Iterates the items of `key` across pages; holds one page (plus the one prefetched).
    -- With `fields`, only those members of each item are decoded.
    --
    -- With `values`, each step returns the item's position in the whole stream, then its
    -- fields' values in order (nil where absent), from the page's flat array of values: no
    -- table is made per item.
    local function item_iterator(path, key, query, fields, values)
      local next_page = page_iterator("GET", path, query, nil, key, fields, values)
      if values then
        local width = #fields
        local list, i, n, count = nil, 0, 0, 0
        return function()
          while true do
            if i < n then
              local base = i * width
              i = i + 1
              count = count + 1
              return count, unpack(list, base + 1, base + width)
            end
            local page = next_page()
            if page == nil then
              return nil
            end
            list, i, n = page[key], 0, 0
            if list ~= nil then
              n = type(list) == "table" and rawget(list, "n") or nil
              if math_type(n) ~= "integer" then
                error(format("te.items: '%s' of %s is not a list", key, path), 2)
              end
            end
          end
        end
      end
      local list, i = nil, 0
      return function()
        while true do
          if list ~= nil then
            i = i + 1
            local item = list[i]
            if item ~= nil then
              return item
            end
          end
          local page = next_page()
          if page == nil then
            return nil
          end
          list, i = page[key], 0
          if list ~= nil and type(list) ~= "table" then
            error(format("te.items: '%s' of %s is not a list", key, path), 2)
          end
        end
      end
    end

    function te.items(path, key, query, options)
      check_path("te.items", path)
      if type(key) ~= "string" then
        arg_error("te.items", 2, "string", key)
      end
      check_query("te.items", 3, query)
      local fields, values = check_options("te.items", 4, options, nil, true)
      return item_iterator(path, key, query, fields, values)
    end

    local function collect(path, key, query, fields)
      local out = json.array({})
      local n = 0
      for item in item_iterator(path, key, query, fields) do
        n = n + 1
        out[n] = item
      end
      return out
    end

    function te.call(operation_id, params, body)
      if type(operation_id) ~= "string" then
        arg_error("te.call", 1, "string", operation_id)
      end
      local op = operation(operation_id)
      if op == nil then
        error(format("te.call: unknown operation '%s'", operation_id), 2)
      end
      if params ~= nil and type(params) ~= "table" then
        arg_error("te.call", 2, "table", params)
      end
      params = params or {}
      local is_path, is_query = {}, { aid = true }
      for _, name in ipairs(op.path_params) do
        is_path[name] = true
      end
      for _, name in ipairs(op.query_params) do
        is_query[name] = true
      end
      local segments = {}
      for _, name in ipairs(op.path_params) do
        local value = params[name]
        if value == nil then
          error(format("te.call(%s): missing path parameter '%s' for %s %s", operation_id, name, op.method, op.path), 2)
        end
        local kind = type(value)
        if kind ~= "string" and kind ~= "number" then
          error(format("te.call(%s): path parameter '%s' must be a string or a number, got %s", operation_id, name, kind), 2)
        end
        segments[name] = id_text("te.call", 2, value)
      end
      local query = {}
      for name, value in pairs(params) do
        if not is_path[name] then
          if not is_query[name] then
            local accepted = concat(op.query_params, ", ")
            local known = {}
            for _, list in ipairs({ op.path_params, op.query_params, { "aid" } }) do
              for _, known_name in ipairs(list) do
                known[#known + 1] = known_name
              end
            end
            error(format("te.call(%s): unknown parameter '%s'%s (accepted: %s%s)", operation_id, tostring(name),
              did_you_mean(name, known), concat(op.path_params, ", ") .. (#op.path_params > 0 and ", " or ""),
              accepted ~= "" and accepted or "aid"), 2)
          end
          query[name] = value
        end
      end
      local path = op.path:gsub("{([^}]+)}", segments)
      if op.paginated and op.collection_key ~= nil then
        -- All pages, merged: the first page's object with every item under its key.
        local key = op.collection_key
        local first, n = nil, 0
        for page in page_iterator(op.method, path, query, body, key) do
          if first == nil then
            first = page
            n = first[key] and #first[key] or 0
          else
            local list = page[key]
            if list ~= nil then
              if first[key] == nil then
                first[key] = json.array({})
              end
              for i = 1, #list do
                n = n + 1
                first[key][n] = list[i]
              end
            end
          end
        end
        if first ~= nil and first._links ~= nil then
          first._links.next = nil
        end
        return first
      end
      return send(op.method, path, body, query)
    end

    -- Resources --------------------------------------------------------------------------

    local function check_opts(fname, n, opts)
      if opts ~= nil and type(opts) ~= "table" then
        arg_error(fname, n, "table", opts, 3)
      end
    end

    -- PUT `path` with `changes` applied to the object as it is now: read it (with `read` added
    -- to the query), merge, drop what the request cannot take, reduce expanded objects to
    -- references (see RequestShape), then send. For a resource whose PUT replaces the whole
    -- object this is what makes `update(id, { interval = 300 })` work.
    local function update_object(path, changes, opts, read)
      local query = opts
      if read ~= nil then
        query = {}
        for k, v in pairs(opts or {}) do
          query[k] = v
        end
        for k, v in pairs(read) do
          if query[k] == nil then
            query[k] = v
          end
        end
      end
      local current = send("GET", path, nil, query)
      return send("PUT", path, update_body("PUT", path, current, changes), opts)
    end

    local function check_body(fname, n, body)
      if type(body) ~= "table" then
        arg_error(fname, n, "table", body, 3)
      end
    end

    -- A resource at `base` whose list is under `key` and whose items are addressed by id.
    local function resource(name, base, key, verbs)
      local r = {}
      local prefix = "te." .. name .. "."
      if verbs.list then
        r.list = function(opts, options)
          check_opts(prefix .. "list", 1, opts)
          check_params(prefix .. "list", "GET", base, opts)
          return collect(base, key, opts, check_options(prefix .. "list", 2, options))
        end
        r.each = function(opts, options)
          check_opts(prefix .. "each", 1, opts)
          check_params(prefix .. "each", "GET", base, opts)
          return item_iterator(base, key, opts, check_options(prefix .. "each", 2, options, nil, true))
        end
      end
      if verbs.get then
        r.get = function(id, opts)
          local segment = id_text(prefix .. "get", 1, id)
          check_opts(prefix .. "get", 2, opts)
          check_params(prefix .. "get", "GET", base .. "/" .. segment, opts)
          return send("GET", base .. "/" .. segment, nil, opts)
        end
      end
      if verbs.create then
        r.create = function(body, opts)
          check_body(prefix .. "create", 1, body)
          check_opts(prefix .. "create", 2, opts)
          check_params(prefix .. "create", "POST", base, opts)
          return send("POST", base, body, opts)
        end
      end
      if verbs.update then
        r.update = function(id, changes, opts)
          local segment = id_text(prefix .. "update", 1, id)
          check_body(prefix .. "update", 2, changes)
          check_opts(prefix .. "update", 3, opts)
          check_params(prefix .. "update", "PUT", base .. "/" .. segment, opts)
          return update_object(base .. "/" .. segment, changes, opts)
        end
      end
      if verbs.delete then
        r.delete = function(id, opts)
          local segment = id_text(prefix .. "delete", 1, id)
          check_opts(prefix .. "delete", 2, opts)
          check_params(prefix .. "delete", "DELETE", base .. "/" .. segment, opts)
          send("DELETE", base .. "/" .. segment, nil, opts)
          return true
        end
      end
      return r
    end

    local all = { list = true, get = true, create = true, update = true, delete = true }

    te.agents = resource("agents", "/agents", "agents", { list = true, get = true, update = true, delete = true })
    te.users = resource("users", "/users", "users", all)
    function te.users.current(opts)
      check_opts("te.users.current", 1, opts)
      check_params("te.users.current", "GET", "/users/current", opts)
      return send("GET", "/users/current", nil, opts)
    end
    te.roles = resource("roles", "/roles", "roles", all)
    te.account_groups = resource("account_groups", "/account-groups", "accountGroups", all)
    -- te.account_groups.each(fn): calls fn(aid, group) once per account group the token can
    -- see, with requests inside going to that group (as te.with_aid). With a table or nothing,
    -- it is the item iterator of every resource.
    local each_group_item = te.account_groups.each
    function te.account_groups.each(fn, options)
      if type(fn) ~= "function" then
        return each_group_item(fn, options)
      end
      if options ~= nil then
        error("te.account_groups.each(fn) takes no second argument", 2)
      end
      for _, group in ipairs(collect("/account-groups", "accountGroups", nil)) do
        local aid = tostring(group.aid)
        te.with_aid(aid, function()
          fn(aid, group)
        end)
      end
    end

    -- te.account_groups.current(): the account group requests go to now (te.with_aid, --aid,
    -- TE_AID, else the token's default), as the API lists it: { aid, accountGroupName, ... }.
    function te.account_groups.current()
      for _, group in ipairs(collect("/account-groups", "accountGroups", nil)) do
        if group.isCurrentAccountGroup == true then
          return group
        end
      end
      local aid = current_aid or settings.aid
      return { aid = aid, accountGroupName = aid and ("account group " .. tostring(aid)) or "the default account group" }
    end
    te.permissions = {
      list = function(opts)
        check_opts("te.permissions.list", 1, opts)
        check_params("te.permissions.list", "GET", "/permissions", opts)
        return collect("/permissions", "permissions", opts)
      end,
    }
    te.alerts = resource("alerts", "/alerts", "alerts", { list = true, get = true })
    te.alerts.rules = resource("alerts.rules", "/alerts/rules", "alertRules", all)
    te.alerts.suppression_windows =
      resource("alerts.suppression_windows", "/alert-suppression-windows", "alertSuppressionWindows", all)

    -- Tests: the type is part of a test's path, so `get`, `update` and `delete` resolve it.
    te.tests = resource("tests", "/tests", "tests", { list = true })
    local test_types = {} -- "aid|testId" -> type

    local function resolve_type(fname, segment, opts)
      local aid = (opts and opts.aid) or current_aid or ""
      local cache_key = tostring(aid) .. "|" .. segment
      local known = test_types[cache_key]
      if known then
        return known
      end
      local q = {}
      if opts and opts.aid ~= nil then
        q.aid = opts.aid
      end
      for test in item_iterator("/tests", "tests", q) do
        if test.testId ~= nil and test.type ~= nil then
          test_types[tostring(aid) .. "|" .. tostring(test.testId)] = test.type
        end
      end
      known = test_types[cache_key]
      if known == nil then
        raise({
          kind = "api", status = 404, title = "Not Found", method = "GET", path = "/tests/" .. segment,
          detail = format("no test with id %s in this account group", segment), errors = json.array({}),
          message = format("%s: no test with id %s in this account group (GET /tests/%s: 404 Not Found)", fname,
            segment, segment),
        })
      end
      return known
    end

    function te.tests.get(id, opts)
      local segment = id_text("te.tests.get", 1, id)
      check_opts("te.tests.get", 2, opts)
      local test_type = resolve_type("te.tests.get", segment, opts)
      check_params("te.tests.get", "GET", "/tests/" .. test_type .. "/" .. segment, opts)
      return send("GET", "/tests/" .. test_type .. "/" .. segment, nil, opts)
    end

    function te.tests.create(test_type, config, opts)
      if type(test_type) ~= "string" then
        arg_error("te.tests.create", 1, "string", test_type)
      end
      check_body("te.tests.create", 2, config)
      check_opts("te.tests.create", 3, opts)
      if match("POST", "/tests/" .. test_type) == nil then
        error(format("te.tests.create: unknown test type '%s'", test_type), 2)
      end
      check_params("te.tests.create", "POST", "/tests/" .. test_type, opts)
      local created = send("POST", "/tests/" .. test_type, config, opts)
      if type(created) == "table" and created.testId ~= nil then
        test_types[tostring((opts and opts.aid) or current_aid or "") .. "|" .. tostring(created.testId)] = test_type
      end
      return created
    end

    -- A test's PUT replaces the whole test for most types: te.tests.update reads it (with its
    -- agents: they are listed only with expand=agent), merges the changes and sends the result.
    function te.tests.update(id, changes, opts)
      local segment = id_text("te.tests.update", 1, id)
      check_body("te.tests.update", 2, changes)
      check_opts("te.tests.update", 3, opts)
      local test_type = resolve_type("te.tests.update", segment, opts)
      local path = "/tests/" .. test_type .. "/" .. segment
      check_params("te.tests.update", "PUT", path, opts)
      return update_object(path, changes, opts, { expand = "agent" })
    end

    function te.tests.delete(id, opts)
      local segment = id_text("te.tests.delete", 1, id)
      check_opts("te.tests.delete", 2, opts)
      local test_type = resolve_type("te.tests.delete", segment, opts)
      check_params("te.tests.delete", "DELETE", "/tests/" .. test_type .. "/" .. segment, opts)
      send("DELETE", "/tests/" .. test_type .. "/" .. segment, nil, opts)
      return true
    end

    -- Results: /test-results/{testId}/{kind}, paginated under `results`.
    local function results_path(fname, test_id, kind, opts, options, iterating)
      local segment = id_text(fname, 1, test_id, 3)
      if type(kind) == "table" and options == nil then
        kind, opts, options = nil, kind, opts
      end
      kind = kind or "network"
      if type(kind) ~= "string" then
        arg_error(fname, 2, "string", kind, 3)
      end
      if opts ~= nil and type(opts) ~= "table" then
        arg_error(fname, 3, "table", opts, 3)
      end
      local path = "/test-results/" .. segment .. "/" .. kind
      local op = match("GET", path)
      if op == nil or op.collection_key == nil or op.path ~= "/test-results/{testId}/" .. kind then
        error(format("%s: unknown result kind '%s' (e.g. network, http-server, path-vis, page-load, dns-server)",
          fname, kind), 3)
      end
      check_params(fname, "GET", path, opts, 3)
      return path, op.collection_key, opts, check_options(fname, 4, options, 4, iterating)
    end

    te.results = {
      list = function(test_id, kind, opts, options)
        local path, key, q, fields = results_path("te.results.list", test_id, kind, opts, options)
        return collect(path, key, q, fields)
      end,
      each = function(test_id, kind, opts, options)
        local path, key, q, fields, values = results_path("te.results.each", test_id, kind, opts, options, true)
        return item_iterator(path, key, q, fields, values)
      end,
    }

    -- Context and helpers ----------------------------------------------------------------

    function te.with_aid(aid, fn)
      local kind = type(aid)
      if kind ~= "string" and kind ~= "number" then
        arg_error("te.with_aid", 1, "string or integer", aid)
      end
      if type(fn) ~= "function" then
        arg_error("te.with_aid", 2, "function", fn)
      end
      local saved = current_aid
      current_aid = id_text("te.with_aid", 1, aid)
      local results = pack(pcall(fn))
      current_aid = saved
      if not results[1] then
        error(results[2], 0)
      end
      return unpack(results, 2, results.n)
    end

    function te.config()
      return {
        base_url = settings.base_url,
        aid = current_aid or settings.aid,
        dry_run = settings.dry_run,
        mode = settings.mode,
        user_agent = settings.user_agent,
      }
    end

    te.sleep = prim.sleep
    te.now = prim.now
    """#
}
