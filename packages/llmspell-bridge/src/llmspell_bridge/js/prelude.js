// The JavaScript side of the bridge. Evaluated once per context, before the spell.
//
// The only door to Python is `host(op, a, b)`, captured here and removed from globalThis; it
// never throws (Python answers with JSON envelopes), so a failed call cannot poison the context.
// Every function that may sit on the stack when an error is created is named `llmspell$...`:
// the engine skips those frames to find the spell's line.
(function llmspell$prelude(host) {
  "use strict";
  const nativeParse = JSON.parse;
  const nativeStringify = JSON.stringify;
  const MARK = "__llmspell__";
  const MAX_DEPTH = 64;
  const pending = new Map(); // call id -> {resolve, reject, site}
  const fns = new Map(); // script function id -> function
  const fnIds = new WeakMap();
  const objRefs = new WeakMap(); // API object proxy -> id
  const objects = new Map(); // id -> API object proxy (one proxy per Python object)
  const generators = new Map();
  let nextFnId = 1;
  let nextGenId = 1;

  class llmspell$Error extends Error {
    constructor(message, code) {
      super(message);
      this.name = "LLMSpellError";
      this.code = code;
    }
    toString() {
      return this.message;
    }
  }

  function llmspell$makeError(info, site) {
    const e = new llmspell$Error(info.message, info.code);
    if (info.id !== undefined && info.id !== null) e.llmspellId = info.id;
    if (site) e.stack = site.stack;
    return e;
  }

  // values: JS -> JSON text for Python -----------------------------------------------------
  function llmspell$enc(v, depth, path) {
    if (v === null || v === undefined) return null;
    const t = typeof v;
    if (t === "number") return Number.isFinite(v) ? v : null;
    if (t === "string" || t === "boolean") return v;
    if (t === "bigint") return Number(v);
    if (t === "symbol") return null;
    if (t === "object" && llmspell$isIterator(v)) v = llmspell$puller(v);
    if (typeof v === "function") {
      let id = fnIds.get(v);
      if (id === undefined) {
        id = nextFnId++;
        fnIds.set(v, id);
        fns.set(id, v);
      }
      return { [MARK]: "jsfn", id: id };
    }
    const ref = objRefs.get(v);
    if (ref !== undefined) return { [MARK]: "obj", id: ref };
    if (depth >= MAX_DEPTH) throw new TypeError("value is nested more than 64 levels deep");
    if (path.has(v)) throw new TypeError("value contains itself (a cycle), which has no JSON form");
    path.add(v);
    let out;
    if (Array.isArray(v)) {
      out = [];
      for (let i = 0; i < v.length; i++) out.push(llmspell$enc(v[i], depth + 1, path));
    } else if (v instanceof Date) {
      out = v.toISOString();
    } else {
      out = {};
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (x !== undefined && typeof x !== "symbol") out[k] = llmspell$enc(x, depth + 1, path);
      }
    }
    path.delete(v);
    return out;
  }

  // A generator object (sync or async) reaching Python becomes a script iterator: a function
  // giving the next value on each call and null at the end, so a workflow pulls it lazily.
  function llmspell$isIterator(v) {
    return (
      typeof v.next === "function" &&
      (typeof v[Symbol.iterator] === "function" || typeof v[Symbol.asyncIterator] === "function")
    );
  }

  const pullers = new WeakMap();
  function llmspell$puller(it) {
    let pull = pullers.get(it);
    if (pull === undefined) {
      pull =
        typeof it[Symbol.asyncIterator] === "function"
          ? async function llmspell$pullAsync() {
              const step = await it.next();
              return step.done || step.value === undefined ? null : step.value;
            }
          : function llmspell$pull() {
              const step = it.next();
              return step.done || step.value === undefined ? null : step.value;
            };
      pullers.set(it, pull);
    }
    return pull;
  }

  // Whether JSON.stringify(v) already gives what llmspell$enc would: plain JSON data only
  // (no functions, API objects, dates, undefined, NaN), so the copy can be skipped.
  function llmspell$plain(v, depth) {
    if (v === null) return true;
    const t = typeof v;
    if (t === "string" || t === "boolean") return true;
    if (t === "number") return Number.isFinite(v);
    if (t !== "object" || depth >= MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!llmspell$plain(v[i], depth + 1)) return false;
      return true;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype || objRefs.has(v)) return false;
    for (const k in v) if (!llmspell$plain(v[k], depth + 1)) return false;
    return true;
  }

  function llmspell$encode(v) {
    return nativeStringify(llmspell$plain(v, 0) ? v : llmspell$enc(v, 0, new Set()));
  }

  // values: Python envelopes -> JS ------------------------------------------------------------
  function llmspell$revive(v) {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = llmspell$revive(v[i]);
      return v;
    }
    const kind = v[MARK];
    if (kind === "obj") return llmspell$object(v);
    if (kind === "fn") return llmspell$function(v.id, v.async, v.name);
    if (kind === "stream") return llmspell$stream(v.id);
    if (kind === "jsfn") return fns.get(v.id);
    for (const k of Object.keys(v)) v[k] = llmspell$revive(v[k]);
    return v;
  }

  function llmspell$unwrap(text, site) {
    const r = nativeParse(text);
    if (r.err) throw llmspell$makeError(r.err, site);
    return r.r ? llmspell$revive(r.ok) : r.ok;
  }

  // API functions, objects and streams ----------------------------------------------------------
  // Errors made here, synchronously, carry the caller's stack themselves; a call still
  // running keeps an Error made now (`site`) so that its later failure points at the caller.
  function llmspell$begin(op, a, b, noSite) {
    const r = nativeParse(host(op, a, b));
    const n = r.now;
    if (n !== undefined) {
      // finished at once: an already settled Promise, as llmspell$settle would make later
      if (n.err) return Promise.reject(llmspell$makeError(n.err, null));
      return Promise.resolve(n.r ? llmspell$revive(n.ok) : n.ok);
    }
    if (r.err) return Promise.reject(llmspell$makeError(r.err, null));
    const site = noSite ? null : new Error();
    return new Promise(function llmspell$executor(resolve, reject) {
      pending.set(r.ok, { resolve: resolve, reject: reject, site: site });
    });
  }

  // `for await (const x of obj.stream())` works whether stream() returns the stream itself
  // or a Promise of it. One shared function (`this` is the Promise): nothing made per call.
  function llmspell$deferredIterator() {
    const promise = this;
    let inner = null;
    return {
      next: function llmspell$deferredNext() {
        return promise.then(function llmspell$first(it) {
          if (inner === null) inner = it[Symbol.asyncIterator]();
          return inner.next();
        });
      },
      return: function llmspell$deferredReturn() {
        return inner && inner.return ? inner.return() : Promise.resolve({ done: true });
      },
    };
  }

  function llmspell$asyncIterable(promise) {
    promise[Symbol.asyncIterator] = llmspell$deferredIterator;
    return promise;
  }

  function llmspell$function(id, isAsync, name) {
    if (isAsync) {
      return function llmspell$asyncCall(...args) {
        let encoded;
        try {
          encoded = llmspell$encode(args);
        } catch (e) {
          return Promise.reject(llmspell$makeError({ message: name + ": " + e.message, code: "VALIDATION_ERROR" }, null));
        }
        return llmspell$asyncIterable(llmspell$begin("start", id, encoded, false));
      };
    }
    return function llmspell$call(...args) {
      let encoded;
      try {
        encoded = llmspell$encode(args);
      } catch (e) {
        throw llmspell$makeError({ message: name + ": " + e.message, code: "VALIDATION_ERROR" });
      }
      return llmspell$unwrap(host("call", id, encoded));
    };
  }

  function llmspell$object(desc) {
    const known = objects.get(desc.id);
    if (known !== undefined) return known;
    const o = {};
    for (const k of Object.keys(desc.f)) o[k] = llmspell$revive(desc.f[k]);
    for (const k of Object.keys(desc.m)) {
      const m = desc.m[k];
      o[k] = llmspell$function(m[0], m[1], desc.type + "." + k);
    }
    objRefs.set(o, desc.id);
    objects.set(desc.id, o);
    return Object.freeze(o);
  }

  function llmspell$stream(id) {
    let finished = false;
    const it = {
      next: function llmspell$streamNext() {
        if (finished) return Promise.resolve({ done: true, value: undefined });
        return llmspell$begin("next", id, null, false).then(function llmspell$step(r) {
          if (r.done) finished = true;
          return r;
        });
      },
      return: function llmspell$streamReturn() {
        if (!finished) {
          finished = true;
          host("close", id, null);
        }
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    it[Symbol.asyncIterator] = function llmspell$self() {
      return it;
    };
    return it;
  }

  function llmspell$global(name) {
    const desc = llmspell$unwrap(host("global", name, null));
    const g = {};
    for (const k of Object.keys(desc.v)) g[k] = llmspell$revive(desc.v[k]);
    for (const k of Object.keys(desc.f)) {
      const f = desc.f[k];
      g[k] = llmspell$function(f[0], f[1], name + "." + k);
    }
    if (desc.i === null || desc.i === undefined) return g;
    const index = llmspell$function(desc.i, false, name + "[]");
    return new Proxy(g, {
      get: function llmspell$index(target, key, receiver) {
        if (typeof key === "string" && !(key in target)) return index(key);
        return Reflect.get(target, key, receiver);
      },
    });
  }

  function llmspell$defineLazy(name) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get: function llmspell$lazyGlobal() {
        const value = llmspell$global(name);
        Object.defineProperty(globalThis, name, { value: value, writable: true, configurable: true });
        return value;
      },
      set: function llmspell$setGlobal(value) {
        Object.defineProperty(globalThis, name, { value: value, writable: true, configurable: true });
      },
    });
  }

  // output -------------------------------------------------------------------------------------
  function llmspell$text(v) {
    if (typeof v === "string") return v;
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    if (typeof v === "function") return "function";
    if (typeof v !== "object") return String(v);
    if (v instanceof Error) return String(v);
    try {
      return nativeStringify(v);
    } catch (e) {
      return String(v);
    }
  }

  function llmspell$line(args, sep) {
    const parts = [];
    for (let i = 0; i < args.length; i++) parts.push(llmspell$text(args[i]));
    return parts.join(sep);
  }

  const console = {
    log: function llmspell$log(...a) { host("print", llmspell$line(a, " "), null); },
    info: function llmspell$info(...a) { host("print", llmspell$line(a, " "), null); },
    debug: function llmspell$debug(...a) { host("print", llmspell$line(a, " "), null); },
    warn: function llmspell$warn(...a) { host("stderr", llmspell$line(a, " "), null); },
    error: function llmspell$error(...a) { host("stderr", llmspell$line(a, " "), null); },
  };

  // timers -------------------------------------------------------------------------------------
  const timers = new Map();
  function llmspell$setTimeout(fn, ms, ...args) {
    if (typeof fn !== "function") throw new TypeError("setTimeout needs a function");
    const promise = llmspell$begin("timer", Number(ms) || 0, null, true);
    const handle = { cancelled: false, call: null };
    handle.call = promise.then(function llmspell$fire() {
      if (!handle.cancelled) {
        timers.delete(id);
        fn(...args);
      }
    }, function llmspell$timerCancelled() {});
    const id = nextTimerId++;
    timers.set(id, handle);
    return id;
  }
  let nextTimerId = 1;
  function llmspell$clearTimeout(id) {
    const handle = timers.get(id);
    if (handle) {
      handle.cancelled = true;
      timers.delete(id);
    }
  }

  // what Python calls --------------------------------------------------------------------------
  function llmspell$settle(id, text) {
    const p = pending.get(id);
    if (p === undefined) return;
    pending.delete(id);
    let value;
    try {
      value = llmspell$unwrap(text, p.site);
    } catch (e) {
      p.reject(e);
      return;
    }
    p.resolve(value);
  }

  function llmspell$describe(e) {
    if (e instanceof Error) {
      return {
        message: String(e.message),
        name: String(e.name),
        code: e.code === undefined ? null : e.code,
        id: e.llmspellId === undefined ? null : e.llmspellId,
        stack: String(e.stack || ""),
        text: String(e),
      };
    }
    let text;
    try {
      text = typeof e === "string" ? e : nativeStringify(e);
    } catch (x) {
      text = String(e);
    }
    return { message: text, name: "Error", code: null, id: null, stack: "", text: "uncaught exception: " + text, thrown_null: e === null };
  }

  function llmspell$outcome(run) {
    try {
      const value = run();
      if (value !== null && typeof value === "object" && typeof value.then === "function") {
        return nativeStringify({ promise: llmspell$track(value) });
      }
      return nativeStringify({ ok: llmspell$enc(value, 0, new Set()) });
    } catch (e) {
      return nativeStringify({ err: llmspell$describe(e) });
    }
  }

  let nextPromiseId = 1;
  function llmspell$track(promise) {
    const id = nextPromiseId++;
    promise.then(
      function llmspell$resolved(v) {
        let text;
        try {
          text = nativeStringify({ ok: llmspell$enc(v, 0, new Set()) });
        } catch (e) {
          text = nativeStringify({ err: llmspell$describe(e) });
        }
        host("resolve", id, text);
      },
      function llmspell$rejected(e) {
        host("resolve", id, nativeStringify({ err: llmspell$describe(e) }));
      }
    );
    return id;
  }

  function llmspell$invoke(id, argsText) {
    return llmspell$outcome(function llmspell$invokeOne() {
      const fn = fns.get(id);
      return fn(...llmspell$unwrap(argsText));
    });
  }

  function llmspell$iterStart(id, argsText) {
    return llmspell$outcome(function llmspell$startOne() {
      const fn = fns.get(id);
      const it = fn(...llmspell$unwrap(argsText));
      if (it === null || typeof it !== "object" || typeof it.next !== "function") {
        throw new TypeError("expected a generator function (function* or async function*)");
      }
      const gid = nextGenId++;
      generators.set(gid, it);
      return gid;
    });
  }

  // An async generator's step is a Promise of {done, value}: Python awaits it on the loop.
  function llmspell$iterNext(gid) {
    return llmspell$outcome(function llmspell$nextOne() {
      const step = generators.get(gid).next();
      const settle = function llmspell$settleStep(s) {
        if (s.done) generators.delete(gid);
        return { done: !!s.done, value: s.done || s.value === undefined ? null : s.value };
      };
      if (step !== null && typeof step === "object" && typeof step.then === "function") {
        return step.then(settle, function llmspell$stepFailed(e) {
          generators.delete(gid);
          throw e;
        });
      }
      return settle(step);
    });
  }

  function llmspell$run(main) {
    delete globalThis.__llmspell_run;
    main().then(
      function llmspell$done(v) {
        let text;
        try {
          text = nativeStringify({ ok: llmspell$enc(v, 0, new Set()) });
        } catch (e) {
          text = nativeStringify({ err: llmspell$describe(e) });
        }
        host("finish", text, null);
      },
      function llmspell$failed(e) {
        host("finish", nativeStringify({ err: llmspell$describe(e) }), null);
      }
    );
  }

  function llmspell$setup(namesText, argsText) {
    for (const name of nativeParse(namesText)) llmspell$defineLazy(name);
    globalThis.ARGS = nativeParse(argsText);
    // each run removes it (spells never see it); a REPL session runs again and again
    Object.defineProperty(globalThis, "__llmspell_run", Object.assign({ value: llmspell$run }, hidden));
  }

  const hidden = { configurable: true, enumerable: false, writable: true };
  Object.defineProperty(globalThis, "print", Object.assign({ value: function llmspell$print(...a) { host("print", llmspell$line(a, "\t"), null); } }, hidden));
  Object.defineProperty(globalThis, "console", Object.assign({ value: console }, hidden));
  Object.defineProperty(globalThis, "setTimeout", Object.assign({ value: llmspell$setTimeout }, hidden));
  Object.defineProperty(globalThis, "clearTimeout", Object.assign({ value: llmspell$clearTimeout }, hidden));
  Object.defineProperty(globalThis, "__llmspell_run", Object.assign({ value: llmspell$run }, hidden));
  // Python fetches these with ctx.get and deletes them right after.
  globalThis.__llmspell_settle = llmspell$settle;
  globalThis.__llmspell_invoke = llmspell$invoke;
  globalThis.__llmspell_iter_start = llmspell$iterStart;
  globalThis.__llmspell_iter_next = llmspell$iterNext;
  globalThis.__llmspell_setup = llmspell$setup;
})(globalThis.__llmspell_host);
delete globalThis.__llmspell_host;
