-- The Lua half of `te.json` (LuaJSON.install): the Swift functions return `true, result` or
-- `false, message` and never raise (docs/architecture.md, rule 1); this wrapper raises the
-- message with `error(message, 2)`, so that it names the runbook's line that called
-- `te.json.*`. The base library's `error` is passed in, so a runbook that replaces the global
-- cannot change how the library raises.
local raw_encode, raw_decode, raw_array, raw_object, check_kill, error = ...

-- The function that raises `raw`'s message at its caller's line; a failure because the run
-- was killed (the memory cap crossed while decoding) raises the kill instead.
local function checked(raw)
  return function(...)
    local ok, result = raw(...)
    if not ok then
      check_kill()
      error(result, 2)
    end
    return result
  end
end

return {
  encode = checked(raw_encode),
  decode = checked(raw_decode),
  array = checked(raw_array),
  object = checked(raw_object),
}
