-- The sandbox and the Lua side of the bridge. Runs once per interpreter, before the spell.
--
-- Python helpers arrive as arguments and live only in this chunk's locals (upvalues the spell
-- cannot reach: the debug library is gone), so no Python object is ever visible to a spell.
-- Every Python helper returns status values instead of raising, and errors are raised here.

local py_stdout, py_interrupted, py_require, py_load_global, lazy_names, hook_count, max_depth = ...

local G = _G
local type, select, error, pcall, xpcall, tostring, tonumber = type, select, error, pcall, xpcall, tostring, tonumber
local setmetatable, rawequal, rawget, rawset, pairs = setmetatable, rawequal, rawget, rawset, pairs
local string_lib, table_concat, table_pack, table_unpack = string, table.concat, table.pack, table.unpack
local getmetatable = getmetatable
local string_format, string_sub = string.format, string.sub
local math_type, math_floor, math_huge = math.type, math.floor, math.huge
local raw_load = load
local sethook, getinfo, traceback = debug.sethook, debug.getinfo, debug.traceback
local co_create, co_wrap, co_resume, co_status = coroutine.create, coroutine.wrap, coroutine.resume, coroutine.status
local os_time, os_date, os_clock = os.time, os.date, os.clock
local raw_collectgarbage = collectgarbage

-- Errors ----------------------------------------------------------------------------------
-- API failures are raised as tables {message=, code=} that print as their message, concatenate
-- like strings and answer string methods (err:match(...)), so `print(err)` in the
-- rs-llmspell style keeps working while `err.code` is available.
local ErrorMT = {}
ErrorMT.__tostring = function(e) return rawget(e, "message") end
ErrorMT.__concat = function(a, b) return tostring(a) .. tostring(b) end
ErrorMT.__index = function(e, k)
  local f = string_lib[k]
  if f then
    return function(self, ...) return f(tostring(self), ...) end
  end
end
ErrorMT.__name = "LLMSpellError"

local error_ids = setmetatable({}, {__mode = "k"})

local function where(level)
  -- The first frame at or above `level` that belongs to a spell file (not this prelude).
  while true do
    local info = getinfo(level, "Sl")
    if not info then return nil, nil end
    if info.currentline and info.currentline > 0 and string_sub(info.source, 1, 1) == "@" then
      return string_sub(info.source, 2), info.currentline
    end
    level = level + 1
  end
end

local function api_error(message, code, id)
  local e = setmetatable({message = message, code = code}, ErrorMT)
  local file, line = where(4)
  e.file, e.line = file, line
  error_ids[e] = id
  return e
end

-- The instruction hook: wall-clock timeout, cancellation and the recursion limit ----------
local dead = false
-- Levels below the spell's own frames: this hook, the prelude's runner and xpcall.
local depth_probe = max_depth and max_depth + 4
local INTERRUPTED = setmetatable({message = "interrupted", code = "INTERRUPTED"}, ErrorMT)
local hook_error = nil -- the last error the hook raised (a depth-limit message)
local hook
hook = function()
  if dead then
    if py_interrupted() then error(INTERRUPTED, 0) end
    dead = false -- the stopped run is over and a new one began (a REPL's next line)
    sethook(hook, "", hook_count)
  end
  if py_interrupted() then
    dead = true
    sethook(hook, "", 1) -- from now on every instruction fails, so pcall cannot hold on
    error(INTERRUPTED, 0)
  end
  if depth_probe and getinfo(depth_probe, "l") then
    local file, line = where(3)
    local message = string_format("recursion depth limit of %d calls exceeded", max_depth)
    if file then message = string_format("%s:%d: %s", file, line, message) end
    hook_error = message
    error(message, 0)
  end
end

local function hooked(f)
  return function(...)
    sethook(hook, "", hook_count)
    return f(...)
  end
end

-- The sandboxed standard library ----------------------------------------------------------
G.io, G.debug, G.package, G.dofile, G.loadfile, G.python, G.warn = nil, nil, nil, nil, nil, nil, nil
G.os = {time = os_time, date = os_date, clock = os_clock}
string_lib.dump = nil

G.coroutine.create = function(f)
  if type(f) ~= "function" then
    error("bad argument #1 to 'create' (function expected, got " .. type(f) .. ")", 2)
  end
  return co_create(hooked(f))
end
G.coroutine.wrap = function(f)
  if type(f) ~= "function" then
    error("bad argument #1 to 'wrap' (function expected, got " .. type(f) .. ")", 2)
  end
  return co_wrap(hooked(f))
end

-- An error raised inside the hook reaches xpcall's message handler while Lua has hooks
-- switched off, so a looping handler could never be stopped: such errors skip it.
G.xpcall = function(f, handler, ...)
  if type(handler) ~= "function" then return xpcall(f, handler, ...) end
  return xpcall(f, function(e)
    if rawequal(e, INTERRUPTED) or (hook_error ~= nil and rawequal(e, hook_error)) then return e end
    return handler(e)
  end, ...)
end

-- Finalizers run with hooks off too, so a spell may not install them.
local raw_setmetatable = setmetatable
G.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not available in spells", 2)
  end
  return raw_setmetatable(t, mt)
end

local gc_allowed = {collect = true, count = true, step = true, isrunning = true}
G.collectgarbage = function(opt, ...)
  opt = opt or "collect"
  if not gc_allowed[opt] then
    error("collectgarbage('" .. tostring(opt) .. "') is not available in spells", 2)
  end
  return raw_collectgarbage(opt, ...)
end

G.load = function(chunk, chunkname, mode, ...)
  if mode ~= nil and mode ~= "t" then
    return nil, "only text chunks can be loaded in spells (mode must be 't')"
  end
  if select("#", ...) > 0 then
    return raw_load(chunk, chunkname, "t", ...)
  end
  return raw_load(chunk, chunkname, "t")
end

local loaded = {}
G.require = function(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local cached = loaded[name]
  if cached ~= nil then return cached end
  local ok, path, source = py_require(name)
  if not ok then error(path, 2) end
  local fn, err = raw_load(source, "@" .. path, "t")
  if not fn then error(err, 0) end
  local result = fn(name, path)
  if result == nil then result = true end
  loaded[name] = result
  return result
end

-- print: tab-joined, flushed per call; integral floats without ".0" --------------------------
local function number_text(v)
  if math_type(v) == "float" then
    if v ~= v then return "nan" end
    if v == math_huge then return "inf" end
    if v == -math_huge then return "-inf" end
    if v == math_floor(v) and v > -2^63 and v < 2^63 then return string_format("%d", v) end
    for _, fmt in pairs({"%.14g", "%.15g", "%.16g", "%.17g"}) do
      local s = string_format(fmt, v)
      if tonumber(s) == v then return s end
    end
  end
  return tostring(v)
end

local function text(v)
  if type(v) == "number" then return number_text(v) end
  return tostring(v)
end

G.print = function(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = text((select(i, ...))) end
  py_stdout(table_concat(parts, "\t"))
end

-- Globals built on first use -------------------------------------------------------------
setmetatable(G, {
  __index = function(t, k)
    if lazy_names[k] then
      local ok, value, code = py_load_global(k)
      if not ok then
        local file, line = where(2)
        local e = setmetatable({message = value, code = code, file = file, line = line}, ErrorMT)
        error(e, 0)
      end
      rawset(t, k, value)
      return value
    end
    return nil
  end,
})

-- Helpers Python uses ----------------------------------------------------------------------
local H = {}
local refs = setmetatable({}, {__mode = "k"})

function H.make_function(pyfn)
  return function(...)
    local ok, a, b, c = pyfn(...)
    if ok then
      if b ~= nil then return a, nil, nil, b end -- a stream's iterator and its closer
      return a
    end
    error(api_error(a, b, c), 0)
  end
end

function H.make_object(type_name, methods, fields, ref)
  local obj = {}
  local index = {}
  for k, v in pairs(fields) do index[k] = v end
  local lower = string_lib.lower(string_sub(type_name, 1, 1)) .. string_sub(type_name, 2)
  for name, pyfn in pairs(methods) do
    index[name] = function(self, ...)
      if not rawequal(self, obj) then
        error(string_format("%s.%s must be called with a colon: %s:%s(...)", type_name, name, lower, name), 2)
      end
      local ok, a, b, c = pyfn(...)
      if ok then
        if b ~= nil then return a, nil, nil, b end
        return a
      end
      error(api_error(a, b, c), 0)
    end
  end
  setmetatable(obj, {
    __index = index,
    __newindex = function(_, k)
      error(string_format("%s fields are read-only (tried to set '%s')", type_name, tostring(k)), 2)
    end,
    __tostring = function() return type_name end,
    __metatable = type_name,
  })
  refs[obj] = ref
  return obj
end

function H.ref_of(t)
  return refs[t]
end

function H.make_global(functions, values, index_fn)
  local g = {}
  for k, v in pairs(values) do g[k] = v end
  for k, f in pairs(functions) do g[k] = f end
  if index_fn then
    setmetatable(g, {__index = function(_, k) return index_fn(k) end})
  end
  return g
end

function H.make_iterator(pynext, pyclose)
  local finished = false
  local function close()
    if not finished then
      finished = true
      pyclose()
    end
  end
  local closer = setmetatable({}, {__close = close})
  local function iterate()
    if finished then return nil end
    local ok, has, value, id = pynext()
    if not ok then
      finished = true
      error(api_error(has, value, id), 0)
    end
    if not has then
      finished = true
      return nil
    end
    return value
  end
  return iterate, closer
end

function H.error_id(e)
  if type(e) == "table" then return error_ids[e] end
  return nil
end

local function describe(err)
  -- message, file, line, code, id of any error value
  local id = H.error_id(err)
  if id ~= nil or (type(err) == "table" and rawget(err, "message") ~= nil) then
    return tostring(rawget(err, "message")), rawget(err, "file"), rawget(err, "line"), rawget(err, "code"), id
  end
  if type(err) == "string" then return err, nil, nil, nil, nil end
  local ok, s = pcall(tostring, err)
  if ok and type(s) == "string" then
    if type(err) == "table" then return "(error object is a table value: " .. s .. ")", nil, nil, nil, nil end
    return s, nil, nil, nil, nil
  end
  return "(error object is a " .. type(err) .. " value)", nil, nil, nil, nil
end

local function handler(err)
  local message, file, line, code, id = describe(err)
  if line == nil and type(err) ~= "string" then file, line = where(3) end
  return {message = message, file = file, line = line, code = code, id = id, traceback = traceback(nil, 2)}
end

function H.compile(source, chunkname)
  return raw_load(source, "@" .. chunkname, "t")
end

-- Runs `fn(...)` under the hook; returns true, first result or false, error description.
function H.run(fn, ...)
  sethook(hook, "", hook_count)
  local outcome = table_pack(xpcall(fn, handler, ...))
  if outcome[1] then return true, outcome[2] end
  local info = outcome[2]
  if type(info) ~= "table" then -- memory errors skip the handler
    info = {message = tostring(info)}
  end
  return false, info.message, info.file, info.line, info.code, info.id, info.traceback
end

-- A generator body as a step function: each call resumes it once and returns
-- true, alive, value or false and the error's fields. (The coroutine never leaves Lua.)
function H.generator(fn, ...)
  local co = G.coroutine.create(fn)
  local args = table_pack(...)
  local started = false
  return function()
    local result
    if started then
      result = table_pack(co_resume(co))
    else
      started = true
      result = table_pack(co_resume(co, table_unpack(args, 1, args.n)))
    end
    if not result[1] then
      local message, file, line, code, id = describe(result[2])
      return false, message, file, line, code, id
    end
    return true, co_status(co) ~= "dead", result[2]
  end
end

local ArrayMT = {__name = "array"}

function H.empty_array()
  return setmetatable({}, ArrayMT)
end

function H.is_array(t)
  return getmetatable(t) == ArrayMT
end

function H.set_args(args_table, arg_table)
  rawset(G, "ARGS", args_table)
  rawset(G, "arg", arg_table)
end

function H.is_dead()
  return dead
end

return H
