-- API errors: catchable, with message and code; bad values refused the same way.
local ok, err = pcall(JSON.parse, "{oops")
print(ok, err.code, err.message)
print("as text: " .. err)
local cycle = {}
cycle.me = cycle
ok, err = pcall(JSON.stringify, cycle)
print(ok, err.code, tostring(err))
local deep = {}
local cursor = deep
for _ = 1, 70 do
  cursor.next = {}
  cursor = cursor.next
end
ok, err = pcall(JSON.stringify, deep)
print(ok, err.message)
ok, err = pcall(JSON.stringify, print)
print(ok, err.message)
ok, err = pcall(State.set, "", 1)
print(ok, err.code, err.message)
ok, err = pcall(Debug.log, "loud", "x")
print(ok, err.code)
