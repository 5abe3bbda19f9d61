/**
 * The code that runs inside each isolate before the answer (JavaScript
 * source, evaluated by the sandbox process in src/agentic/sandbox/child.ts).
 *
 * It installs `assert`, `console` and `stdin` as fixed globals, removes
 * WebAssembly, freezes the built-ins if asked, and returns `run(answer,
 * test)`: the one entry point the host calls. `run` never throws and never
 * rejects: whatever the answer throws (a Proxy, an object whose `message`
 * getter loops, a rejected promise) is turned into one line here, inside the
 * isolate and its time limit, by reading own data properties only (never a
 * getter but V8's own `stack`). What leaves the isolate is one string of
 * JSON built from strings: `[error, stdout, stderr]`, error "" when the test
 * passed. Nothing the answer made is copied out by isolated-vm, whose copy
 * of a thrown object calls its getters with no time limit.
 *
 * Output is kept here, at most `maxOutput` bytes (UTF-8) per stream; the
 * write that passes the limit calls the host's `overflow(stdout, stderr)`,
 * which stops the isolate at once, and throws.
 */
export const PRELUDE_SOURCE = String.raw`(function prelude() {
  "use strict";
  const g = globalThis;
  const stdin = g.$stdin, freeze = g.$freeze, maxOutput = g.$maxOutput, overflow = g.$overflow;
  delete g.$stdin; delete g.$freeze; delete g.$maxOutput; delete g.$overflow;
  // WebAssembly memories live outside the heap limit (the process also runs with --no-expose-wasm).
  delete g.WebAssembly;
  const indirectEval = g.eval;
  const is = Object.is, keys = Object.keys, getProto = Object.getPrototypeOf, define = Object.defineProperty;
  const getOwn = Object.getOwnPropertyDescriptor, hasOwn = Object.prototype.hasOwnProperty, isArray = Array.isArray;
  const stringify = JSON.stringify, objFreeze = Object.freeze, Str = String, call = Function.prototype.call;
  const slice = String.prototype.slice, charCodeAt = String.prototype.charCodeAt, exec = RegExp.prototype.exec;
  const stackGetter = (getOwn(new Error(), "stack") || {}).get;
  const own = (o, k) => call.call(hasOwn, o, k);

  function show(v) {
    if (typeof v === "string") return v;
    try { const s = stringify(v); if (s !== undefined) return s; } catch (e) {}
    try { return Str(v); } catch (e) { return "a value"; }
  }
  const quote = (v) => (typeof v === "string" ? stringify(v) : show(v));
  class AssertionError extends Error {}
  define(AssertionError.prototype, "name", { value: "AssertionError" });
  function fail(message, otherwise) { throw new AssertionError(message === undefined ? otherwise : Str(message)); }
  function deepEqual(a, b, depth) {
    if (is(a, b)) return true;
    if (depth > 100 || typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (getProto(a) !== getProto(b) || isArray(a) !== isArray(b)) return false;
    const ka = keys(a), kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!own(b, k) || !deepEqual(a[k], b[k], depth + 1)) return false;
    return true;
  }
  function assert(value, message) { if (!value) fail(message, "assertion failed"); }
  assert.ok = assert;
  assert.equal = assert.strictEqual = function (actual, expected, message) {
    if (!is(actual, expected)) fail(message, "expected " + quote(expected) + ", got " + quote(actual));
  };
  assert.notEqual = assert.notStrictEqual = function (actual, other, message) {
    if (is(actual, other)) fail(message, "expected something other than " + quote(other));
  };
  assert.deepEqual = assert.deepStrictEqual = function (actual, expected, message) {
    if (!deepEqual(actual, expected, 0)) fail(message, "expected " + quote(expected) + ", got " + quote(actual));
  };
  assert.throws = function (fn, message) {
    let threw = false;
    try { fn(); } catch (e) { threw = true; }
    if (!threw) fail(message, "expected the function to throw");
  };
  assert.fail = function (message) { fail(message, "failed"); };
  objFreeze(assert);

  // ── output, capped in bytes ──
  const out = ["", ""], bytes = [0, 0];
  let stopped = false;
  class OutputLimit extends Error {}
  function write(i, text) {
    if (stopped) throw new OutputLimit("output limit exceeded");
    const room = maxOutput - bytes[i];
    let n = 0, k = 0;
    for (; k < text.length; k++) {
      const c = call.call(charCodeAt, text, k);
      const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
      if (n + w > room) break;
      n += w;
    }
    out[i] += k === text.length ? text : call.call(slice, text, 0, k);
    bytes[i] += n;
    if (k < text.length) {
      stopped = true;
      overflow(out[0], out[1]);
      throw new OutputLimit("output limit exceeded");
    }
  }
  const printer = (i) => function () {
    let line = "";
    for (let j = 0; j < arguments.length; j++) line += (j ? " " : "") + show(arguments[j]);
    write(i, line + "\n");
  };
  const con = objFreeze({ log: printer(0), info: printer(0), debug: printer(0), warn: printer(1), error: printer(1) });
  const fix = (name, value) => define(g, name, { value: value, writable: false, configurable: false, enumerable: false });
  fix("assert", assert);
  fix("AssertionError", AssertionError);
  fix("console", con);
  fix("stdin", stdin);
  if (freeze) {
    const names = ["Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Reflect",
      "Promise", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "RegExp", "Date", "Error", "TypeError", "RangeError", "SyntaxError",
      "ReferenceError", "EvalError", "URIError", "AggregateError", "ArrayBuffer", "DataView", "Int8Array", "Uint8Array",
      "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
      "BigInt64Array", "BigUint64Array", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent"];
    const hidden = [getProto(Int8Array), getProto(function* () {}), getProto(async function () {}), getProto(async function* () {}),
      getProto([][Symbol.iterator]()), getProto(getProto([][Symbol.iterator]())), getProto(new Map().entries()),
      getProto(new Set().values()), getProto(""[Symbol.iterator]())];
    const harden = (o) => {
      if (o === null || (typeof o !== "object" && typeof o !== "function")) return;
      objFreeze(o);
      if (typeof o === "function" && o.prototype) objFreeze(o.prototype);
    };
    for (const o of hidden) harden(o);
    for (const name of names) {
      if (!own(g, name)) continue;
      harden(g[name]);
      fix(name, g[name]);
    }
  }

  // ── errors as one line, without calling getters ──
  const LOCATION = /job\.js:(\d+):(\d+)/;
  let answerLines = 0;
  function clip(s) {
    let t = "";
    for (let k = 0; k < s.length && t.length < 400; k++) {
      const c = call.call(charCodeAt, s, k);
      t += c === 9 || c === 10 || c === 13 ? " " : call.call(slice, s, k, k + 1);
    }
    t = t.trim();
    return t.length > 300 ? call.call(slice, t, 0, 297) + "..." : t;
  }
  // A data property's string value, own or inherited (20 levels at most); undefined for getters.
  function dataString(o, key) {
    for (let depth = 0; o !== null && depth < 20; depth++) {
      const d = getOwn(o, key);
      if (d !== undefined) return "value" in d && typeof d.value === "string" ? call.call(slice, d.value, 0, 2000) : undefined;
      o = getProto(o);
    }
    return undefined;
  }
  // Where the error was raised: the first frame in the answer or the test (V8's own stack getter only).
  function location(e) {
    const d = getOwn(e, "stack");
    let stack;
    if (d !== undefined && "value" in d) stack = d.value;
    else if (d !== undefined && d.get === stackGetter && stackGetter) stack = call.call(stackGetter, e);
    if (typeof stack !== "string") return "";
    const m = call.call(exec, LOCATION, call.call(slice, stack, 0, 20000));
    if (m === null) return "";
    const line = +m[1];
    return line <= answerLines ? "answer.js:" + line + ":" + m[2] : "test.js:" + (line - answerLines - 1) + ":" + m[2];
  }
  function describe(e) {
    if (e === null || (typeof e !== "object" && typeof e !== "function")) return clip("threw " + (typeof e === "symbol" ? "a symbol" : Str(e)));
    const message = dataString(e, "message");
    if (message === undefined) return "threw an object that is not an Error";
    const name = dataString(e, "name") || "Error";
    const text = clip(name + ": " + message);
    const at = location(e);
    return at && text.indexOf(at) < 0 ? text + " (" + at + ")" : text;
  }
  const result = (error) => "[" + stringify(error) + "," + stringify(out[0]) + "," + stringify(out[1]) + "]";

  // The answer and the test are one eval (checked by the host, each alone, to be a whole script, so neither
  // can close the other's brackets or comments), in global scope: the test sees the answer's declarations.
  return async function run(answer, test) {
    try {
      let source = answer;
      answerLines = 1;
      for (let k = 0; k < answer.length; k++) if (call.call(charCodeAt, answer, k) === 10) answerLines++;
      if (typeof test === "string") source += "\n;\n" + test;
      const value = indirectEval(source + "\n//# sourceURL=job.js");
      if ((typeof value === "object" && value !== null) || typeof value === "function") await value;
      return result("");
    } catch (e) {
      let error;
      try { error = stopped ? "output limit exceeded" : describe(e); } catch (x) { error = "threw a value that could not be described"; }
      return result(error);
    }
  };
})()`;
