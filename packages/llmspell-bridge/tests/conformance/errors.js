// API errors: catchable, with message and code; bad values refused the same way.
let ok = true
try { JSON.parse("{oops") } catch (err) { ok = false; print(ok, err.code, err.message); print("as text: " + err) }
const cycle = {}
cycle.me = cycle
try { JSON.stringify(cycle) } catch (err) { print(false, err.code, String(err)) }
const deep = {}
let cursor = deep
for (let i = 0; i < 70; i++) {
  cursor.next = {}
  cursor = cursor.next
}
try { JSON.stringify(deep) } catch (err) { print(false, err.message) }
try { JSON.stringify(print) } catch (err) { print(false, err.message) }
try { State.set("", 1) } catch (err) { print(false, err.code, err.message) }
try { Debug.log("loud", "x") } catch (err) { print(false, err.code) }
