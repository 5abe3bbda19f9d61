import { expect, test } from "vitest";
import { Rng } from "./rng.js";
import { captureState, restoreState } from "./state.js";

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
