---@meta
-- LuaLS annotations for terun's `te` module (see docs/te.md). Point your editor's
-- Lua language server at this folder ("workspace.library": ["<terun>/types"]) to get
-- completion and type checks in runbooks. The module itself is built into terun.

---@class te
---@field params table<string, any> The runbook's parameters, converted to their declared types.
---@field dry_run boolean Whether this run is a dry run (writes are planned, not sent).
---@field mode "live"|"plan"|"confirm" What becomes of writes: sent now ("live"), planned and never sent by this run ("plan": --dry-run, --plan-out), or planned and applied once the user confirms ("confirm": --confirm).
---@field json te.json
---@field yaml te.yaml
---@field spec te.spec
---@field log te.log
---@field fs te.fs
---@field csv te.csv
---@field agents te.agents
---@field tests te.tests
---@field results te.results
---@field alerts te.alerts
---@field users te.users
---@field roles te.resource
---@field account_groups te.account_groups
---@field permissions te.permissions
---@field tags te.tags
te = {}

---@alias te.id string|integer An API id; numbers are accepted and sent as integers.
---@class te.iterate_options
---@field fields? string[] the members of each item to decode, e.g. `{ "roundId", "agent.agentId" }`; the others are left out
---@field as? "objects"|"values" iterators only: "values" yields the item's position, then the fields' values in order, instead of a table

---@alias te.query table<string, string|number|boolean|(string|number)[]> Query parameters, e.g. `{ aid = 1234, window = "1h", agentTypes = { "cloud" } }`. A list becomes comma-separated.
---@alias te.object table<string, any> A decoded JSON object (keys exactly as the API spells them).

---An API error raised by a `te` call. `pcall` returns it; `tostring(err)` gives
---`METHOD /path: STATUS Title: detail` plus one line per field error.
---@class te.api_error
---@field kind "api"|"network"|"rate_limit"|"pagination"
---@field status integer? HTTP status (absent for network failures)
---@field title string?
---@field detail string?
---@field errors { code: string?, field: string?, message: string? }[]?
---@field method string
---@field path string Relative to /v7, without the query.
---@field reason string? For network errors: "connection refused", "read timeout", ...
---@field timeout boolean? For network errors: whether it was a timeout.
---@field message string

-- Generic calls ----------------------------------------------------------------------

---GET a path relative to /v7; returns the decoded body (nil when empty).
---@param path string e.g. "/agents" or "/tests/agent-to-server/123"
---@param query? te.query
---@return any
function te.get(path, query) end

---POST a JSON body.
---@param path string
---@param body any
---@param query? te.query
---@return any
function te.post(path, body, query) end

---PUT a JSON body.
---@param path string
---@param body any
---@param query? te.query
---@return any
function te.put(path, body, query) end

---PATCH a JSON body.
---@param path string
---@param body any
---@param query? te.query
---@return any
function te.patch(path, body, query) end

---DELETE a path; returns the decoded body or nil.
---@param path string
---@param query? te.query
---@return any
function te.delete(path, query) end

---Iterates the decoded pages of a collection, following `_links.next`.
---@param path string
---@param query? te.query
---@return fun(): te.object?
function te.pages(path, query) end

---Iterates the items under `key` across all pages, holding one page at a time.
---@param path string
---@param key string e.g. "results", "tests"
---@param query? te.query
---@param options? te.iterate_options
---@return fun(): any
function te.items(path, key, query, options) end

---Calls any of the API's 297 operations by operationId; `params` fill the path and the
---query. A paginated operation returns its first page with every item merged in.
---@param operation_id string e.g. "getAgentToServerTest"
---@param params? table<string, any> path and query parameters, e.g. `{ testId = 123, aid = 1234 }`
---@param body? any
---@return any
function te.call(operation_id, params, body) end

-- Resources ----------------------------------------------------------------------------

---@class te.resource
local resource = {}
---All items across all pages.
---@param opts? te.query
---@param options? te.iterate_options
---@return te.object[]
function resource.list(opts, options) end
---Streams the items.
---@param opts? te.query
---@param options? te.iterate_options
---@return fun(): te.object?
function resource.each(opts, options) end
---@param id te.id
---@param opts? te.query
---@return te.object
function resource.get(id, opts) end
---@param body te.object
---@param opts? te.query
---@return te.object
function resource.create(body, opts) end
---@param id te.id
---@param changes te.object
---@param opts? te.query
---@return te.object
function resource.update(id, changes, opts) end
---@param id te.id
---@param opts? te.query
---@return true
function resource.delete(id, opts) end

---@class te.agents
---@field list fun(opts?: te.query, options?: te.iterate_options): te.object[]
---@field each fun(opts?: te.query, options?: te.iterate_options): fun(): te.object?
---@field get fun(id: te.id, opts?: te.query): te.object
---@field update fun(id: te.id, changes: te.object, opts?: te.query): te.object
---@field delete fun(id: te.id, opts?: te.query): true

---@class te.tags: te.resource
local tags = {}
---The tag `key:value` for `object_type` objects (default "test"), with its `assignments`; nil if none.
---@param key string
---@param value string
---@param object_type? string
---@param opts? te.query
---@return te.object?
function tags.find(key, value, object_type, opts) end
---Assigns the tag to objects (test ids, or `{ id, type }`); earlier assignments stay.
---@param id te.id
---@param objects (te.id|{ id: te.id, type: string })[]
---@param opts? te.query
---@return te.object
function tags.assign(id, objects, opts) end
---Removes the tag from objects (test ids, or `{ id, type }`).
---@param id te.id
---@param objects (te.id|{ id: te.id, type: string })[]
---@param opts? te.query
function tags.unassign(id, objects, opts) end

---@class te.tests
---@field list fun(opts?: te.query, options?: te.iterate_options): te.object[]
---@field each fun(opts?: te.query, options?: te.iterate_options): fun(): te.object?
local tests = {}
---Gets a test by id; its type is resolved from the test list.
---@param id te.id
---@param opts? te.query
---@return te.object
function tests.get(id, opts) end
---Creates a test of a type ("agent-to-server", "http-server", ...).
---@param type string
---@param config te.object
---@param opts? te.query
---@return te.object
function tests.create(type, config, opts) end
---Changes only the given fields: reads the test, merges the changes where the test type's PUT
---replaces the whole test, drops read-only fields and reduces expanded objects to references
---(a modified `get` result can be passed back as it is). A body the API would refuse raises a
---`kind = "validation"` error before anything is sent.
---@param id te.id
---@param changes te.object
---@param opts? te.query
---@return te.object
function tests.update(id, changes, opts) end
---@param id te.id
---@param opts? te.query
---@return true
function tests.delete(id, opts) end

---@alias te.result_kind "network"|"http-server"|"path-vis"|"page-load"|"web-transactions"|"api"|"ftp-server"|"dns-trace"|"dns-server"|"dnssec"|"sip-server"|"rtp-server"|"bgp"

---@class te.results
local results = {}
---All results of a test (kind defaults to "network"; opts may come second).
---@param test_id te.id
---@param kind? te.result_kind|te.query
---@param opts? te.query e.g. `{ window = "1h" }` or `{ startDate = ..., endDate = ... }`
---@param options? te.iterate_options e.g. `{ fields = { "roundId", "agent.agentId", "avgLatency" } }`
---@return te.object[]
function results.list(test_id, kind, opts, options) end
---Streams the results of a test.
---@param test_id te.id
---@param kind? te.result_kind|te.query
---@param opts? te.query
---@param options? te.iterate_options
---@return fun(): te.object?
function results.each(test_id, kind, opts, options) end

---@class te.alerts
---@field list fun(opts?: te.query, options?: te.iterate_options): te.object[]
---@field each fun(opts?: te.query, options?: te.iterate_options): fun(): te.object?
---@field get fun(id: te.id, opts?: te.query): te.object
---@field rules te.resource
---@field suppression_windows te.resource

---@class te.users: te.resource
local users = {}
---The user the token belongs to.
---@param opts? te.query
---@return te.object
function users.current(opts) end

---@class te.permissions
---@field list fun(opts?: te.query, options?: te.iterate_options): te.object[]

-- Context and helpers ----------------------------------------------------------------

---@class te.account_groups: te.resource
local account_groups = {}

---With a function: calls `fn(aid, group)` once per account group the token can see, with
---every `te` call inside going to that group. Without one: iterates the groups.
---@param fn fun(aid: string, group: te.object)
function account_groups.each(fn) end

---The account group calls go to now: `{ aid, accountGroupName, ... }`.
---@return te.object
function account_groups.current() end

---Stops the run; terun prints `message` alone and exits 1.
---@param message string
function te.fail(message) end

---Records `n` more failed items and returns the total (no argument: only returns it). A run
---that ends with failed items exits 1 after its output, dry runs included.
---@param n? integer
---@return integer
function te.fail_count(n) end

---Stops the run as a usage error (exit 2) naming the parameter.
---@param param string
---@param message string
function te.usage_error(param, message) end

---Runs `fn` with every `te` call in account group `aid` (unless a call names its own aid);
---returns what `fn` returns.
---@generic T
---@param aid te.id
---@param fn fun(): T
---@return T
function te.with_aid(aid, fn) end

---@class te.config
---@field base_url string
---@field aid string?
---@field dry_run boolean
---@field mode "live"|"plan"|"confirm"
---@field user_agent string

---The run's API settings (never the token).
---@return te.config
function te.config() end

---@class te.parallel_options
---@field concurrency integer? how many items run at once (default: from the rate limit and latency; capped by --max-concurrency)
---@field fail_fast boolean? the first error cancels the items not yet finished (default false)

---Calls `fn(item, index)` for every item, each in a coroutine whose `te` requests overlap.
---Returns the results and the errors by item index, in item order. In a dry run the items run
---one after another, so the plan is the sequential one.
---@generic T, R
---@param items T[]
---@param fn fun(item: T, index: integer): R
---@param options te.parallel_options?
---@return table<integer, R> results
---@return table<integer, any> errors
function te.parallel(items, fn, options) end

---Sleeps for `seconds` (fractions allowed).
---@param seconds number
function te.sleep(seconds) end

---The current time as integer epoch seconds (UTC).
---@return integer
function te.now() end

-- Core fields (installed by the runner) ----------------------------------------------

---@class te.json
---@field null lightuserdata JSON null
---@field encode fun(value: any, opts?: { pretty: boolean? }): string
---@field decode fun(text: string): any
---@field array fun(t?: table): table Marks `t` as a JSON array.
---@field object fun(t?: table): table Marks `t` as a JSON object.

---@class te.yaml
---@field encode fun(value: any): string YAML of the value te.json.encode would write (keys sorted; strings YAML would read as another type quoted).
---@field decode fun(text: string): any The value te.json.decode would give for the document's JSON.

---@class te.spec
---@field writable_fields fun(method: string, path: string): string[]? Fields the request body of `method path` takes (read-only ones left out), sorted; nil when no operation matches or it takes no body.
---@field write_only_fields fun(method: string, path: string): string[]? Fields of the request body of `method path` the spec marks write-only (never returned, such as passwords), sorted; nil when no operation matches.
---@field body_problems fun(method: string, path: string, body: table?): {field: string, code: string, message: string}[]? What the API would refuse in `body` as the request body of `method path` (as a write's plan checks it); empty when accepted; nil when no operation matches.

---@class te.log
---@field debug fun(fmt: string, ...: any)
---@field info fun(fmt: string, ...: any)
---@field warn fun(fmt: string, ...: any)
---@field error fun(fmt: string, ...: any)

---@class te.fs
---@field read fun(path: string): string  Reads a file from the runbook's folder or a `path` parameter.
---@field write fun(path: string, text: string)  Writes a whole file under --out-dir, atomically.
---@field open fun(path: string): te.fs.Writer  Opens a file under --out-dir for streaming, atomic writing.

--- A file being written by `te.fs.open`: bytes go to a temporary file beside the target,
--- renamed onto it by `close`. Usable as a to-be-closed variable (`local w <close> = ...`):
--- commits on a normal exit, aborts when an error propagates. Never closed: nothing is written.
---@class te.fs.Writer
local Writer = {}

--- Appends strings and numbers (numbers as `tostring` writes them). Returns the writer.
---@param ... string|number
---@return te.fs.Writer
function Writer:write(...) end

--- Flushes, fsyncs and renames the file onto its target. Closing again does nothing.
function Writer:close() end

--- Discards the file: the temporary file is removed, the target untouched.
function Writer:abort() end

---@class te.csv
local csv_native = {}
---One CSV row exactly as the stdlib `csv` module formats it (fields `1..values.n` or
---`1..#values`), done in C; `csv` writers use it.
---@param values any[]
---@param sep? string default ","
---@param quote_all? boolean
---@param line_end? string appended when given
---@return string
function csv_native.format_row(values, sep, quote_all, line_end) end
