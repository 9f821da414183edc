-- The `te` library: the Lua half of the `te` API, built on the host's primitives (TEBridge).
--
-- terun runs this file once per run with the primitives and `load_part`, which compiles another
-- file of this folder (under its chunk name, `@te/NAME.lua`); the run's `te` table comes through
-- a global set only while this runs. Each part takes what it needs and adds its share of `te`;
-- the order below is the dependency order.
--
-- Frames of chunks named `@te/...` are terun's own: they are left out of users' tracebacks and
-- error positions, so an error points at the runbook's line that called `te`.
local prim, load_part = ...
local te = rawget(_ENV, "__terun_te_install")

local function part(name, ...)
  return load_part(name)(...)
end

local checks = part("checks", prim)
-- te.parallel; it replaces prim.request (asynchronous inside its coroutines) before the others take it.
local parallel = part("parallel", prim, te, checks)
local context = part("context", prim, te, checks)
local paging = part("paging", prim, te, checks, context)
part("http", prim, te, checks, context, paging)
local resources = part("resources", prim, te, checks, context, paging)
part("tests", prim, te, checks, context, paging, resources)
part("tags", prim, te, checks, context, resources)
part("results", prim, te, checks, paging)
parallel.guard_with_aid()
