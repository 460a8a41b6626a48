-- Streaming.create over a generator body: a coroutine body in Lua.
local stream = Streaming.create(function(start)
  for i = start, start + 2 do
    coroutine.yield(i * 10)
  end
end, 1)
print(stream:next(), stream:isDone())
print(JSON.stringify(stream:collect()), stream:isDone(), stream:next())
local timer = Debug.timer("t")
print(type(timer:elapsed()), timer.name)
print(Debug.dump({b = {1, 2}, a = "x"}))
print(Config.getSecurity().allow_file_access, Config.getSection("runtime").max_memory_mb)
print(JSON.stringify(Config.listProviders()), Config.getProvider("nope") == nil)
