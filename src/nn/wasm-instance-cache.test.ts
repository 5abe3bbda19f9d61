import { expect, test } from "vitest";
import "./jax.js";

// A module that imports only env.memory, as jax-js's kernels do.
const bytes = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0, 0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01);
const W = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Memory: new (d: { initial: number }) => object; Instance: new (m: object, i?: object) => object } }).WebAssembly;

test("jax-js kernel instances are reused per (module, memory), and other instantiations are left alone", () => {
  const module = new W.Module(bytes);
  const memory = new W.Memory({ initial: 1 });
  const a = new W.Instance(module, { env: { memory } });
  expect(new W.Instance(module, { env: { memory } })).toBe(a);
  expect(new W.Instance(module, { env: { memory: new W.Memory({ initial: 1 }) } })).not.toBe(a);
  expect(new W.Instance(module, { env: { memory, extra: 1 } } as object)).not.toBe(a);
  expect(a).toBeInstanceOf(W.Instance);
});
