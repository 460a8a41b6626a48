// Streaming.create over a generator body: a generator function in JavaScript.
const stream = Streaming.create(function* (start) {
  for (let i = start; i <= start + 2; i++) {
    yield i * 10
  }
}, 1)
print(stream.next(), stream.isDone())
print(JSON.stringify(stream.collect()), stream.isDone(), stream.next() ?? "nil")
const timer = Debug.timer("t")
print(typeof timer.elapsed(), timer.name)
print(Debug.dump({ b: [1, 2], a: "x" }))
print(Config.getSecurity().allow_file_access, Config.getSection("runtime").max_memory_mb)
print(JSON.stringify(Config.listProviders()), Config.getProvider("nope") === null)
