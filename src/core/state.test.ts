import { expect, test } from "vitest";
import { Rng } from "./rng.js";
import { captureState, restoreState, stateFromJson, stateToJson } from "./state.js";

class Thing {
  n = 3;
  label = "a";
  rng = new Rng(5);
  cells = Float32Array.of(1, 2, 3);
  nested = { count: 2, ids: Int32Array.of(7), list: [1, { x: 2 }] };
  map = new Map([["k", 1]]);
  inf = Infinity;
  fn = () => 42;
  self: Thing | undefined;
}

test("state round-trips through JSON and lands in place", () => {
  const a = new Thing();
  a.self = a;
  a.rng.uint32();
  const saved = JSON.parse(JSON.stringify(captureState(a)));
  const b = new Thing();
  const cells = b.cells;
  restoreState(b, saved);
  expect(b.cells).toBe(cells); // filled in place
  expect(Array.from(b.cells)).toEqual([1, 2, 3]);
  expect(b.rng.uint32()).toBe(a.rng.uint32());
  expect(b.nested).toEqual(a.nested);
  expect(b.map.get("k")).toBe(1);
  expect(b.inf).toBe(Infinity);
  expect(b.fn()).toBe(42);
});

test("mutations after capture are undone by restore", () => {
  const t = new Thing();
  const saved = captureState(t);
  t.n = 9;
  t.cells[0] = 100;
  t.nested.ids[0] = -1;
  t.rng.uint32();
  const expected = new Thing().rng.uint32();
  restoreState(t, saved);
  expect([t.n, t.cells[0], t.nested.ids[0]]).toEqual([3, 1, 7]);
  expect(t.rng.uint32()).toBe(expected);
});

test("numbers in bulk go as bytes and come back exactly; text from older checkpoints still restores", () => {
  const params = Array.from({ length: 40 }, (_, i) => Math.fround(Math.sin(i) / 7));
  params[3] = -0;
  const holder = { loop: { params, counts: [1, 2, 3], wide: Array.from({ length: 20 }, (_, i) => i + 0.1) }, run: captureState({ weights: Float32Array.from(params) }) };
  const text = stateToJson(holder);
  const raw = JSON.parse(text);
  expect(raw.loop.params.$f32).toEqual(expect.any(String)); // float32-exact: bytes
  expect(raw.loop.counts).toEqual([1, 2, 3]); // short: text
  expect(Array.isArray(raw.loop.wide)).toBe(true); // 0.1 is not a float32: text, never rounded
  expect(raw.run.weights.b64).toEqual(expect.any(String));
  expect(text.length).toBeLessThan(JSON.stringify({ ...holder, run: { weights: { $typed: "Float32Array", data: params } } }).length / 2);
  const back = stateFromJson(text) as typeof holder;
  expect(back.loop).toEqual(holder.loop);
  expect(Object.is(back.loop.params[3], -0)).toBe(true);
  const into = { weights: new Float32Array(40) };
  const weights = into.weights;
  restoreState(into, back.run);
  expect(into.weights).toBe(weights);
  expect(Array.from(into.weights)).toEqual(params);
  const fresh: Record<string, unknown> = {};
  restoreState(fresh, back.run);
  expect(fresh.weights).toBeInstanceOf(Float32Array);
  // Written before numbers went as bytes:
  const old = { weights: new Float32Array(3) };
  restoreState(old, { weights: { $typed: "Float32Array", data: [1.5, "NaN", -2] } });
  expect(Array.from(old.weights)).toEqual([1.5, NaN, -2]);
  expect(stateFromJson(JSON.stringify({ a: [0.1, 2] }))).toEqual({ a: [0.1, 2] });
});
