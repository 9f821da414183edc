-- The request context: the account group of `te.with_aid`, the sending of requests with it,
-- and the run's settings (`te.config`, `te.sleep`, `te.now`).
local prim, te, checks = ...
local request, settings = prim.request, prim.settings
local pairs, error, pcall = pairs, error, pcall
local pack, unpack = table.pack, table.unpack
local assert_arg, id_text = checks.assert_arg, checks.id_text

-- An account group id: a string or an integer (id_text checks the number).
local id_types = { string = true, number = true, label = "string or integer" }

local context = {}

-- The account group of `te.with_aid`, if any.
local current_aid = nil

-- The account group requests go to because of `te.with_aid`, or nil.
function context.aid()
  return current_aid
end

-- A copy of `query` with the `te.with_aid` account group unless it names one.
function context.query(query)
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

function context.send(method, path, body, query)
  return request(method, path, context.query(query), body)
end

function te.with_aid(aid, fn)
  assert_arg("te.with_aid", 1, aid, id_types)
  assert_arg("te.with_aid", 2, fn, "function")
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

return context
