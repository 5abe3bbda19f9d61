/**
 * A small WebAssembly assembler: enough of the binary format (types,
 * an imported memory, functions, exports) and of the instruction set
 * (integer loops, f32 and f32x4 SIMD arithmetic) to write numeric kernels
 * specialized to one network's shape at run time.
 *
 * Why by hand: the kernels are generated per shape (sizes become constants,
 * loops tight), no WebAssembly toolchain can be assumed at install time, and
 * the format needed here fits in a page. Instructions are appended to a
 * function body as bytes; structured helpers (`loop`, `forRange`) keep
 * kernels readable.
 */

export type ValType = "i32" | "f32" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Signed LEB128 (32-bit). */
function sleb(n: number, out: number[]): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const vec = (items: number[][]): number[] => {
  const out: number[] = [];
  uleb(items.length, out);
  for (const item of items) out.push(...item);
  return out;
};
const section = (id: number, body: number[]): number[] => {
  const out = [id];
  uleb(body.length, out);
  return out.concat(body);
};

/** A local variable or parameter: its index in the function. */
export type Local = number;

/** One function's body, written instruction by instruction. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** The i-th parameter. */
  param(i: number): Local {
    return i;
  }

  /** A new local of `type`. */
  local(type: ValType): Local {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(opcode: number, ...immediates: number[]): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    this.code.push(...immediates);
    return this;
  }
  /** memarg: alignment (log2) and a constant byte offset. */
  private mem(align: number, offset: number): number[] {
    const out = [align];
    uleb(offset, out);
    return out;
  }

  // ── locals and constants ──
  get(l: Local): this {
    this.code.push(0x20);
    uleb(l, this.code);
    return this;
  }
  set(l: Local): this {
    this.code.push(0x21);
    uleb(l, this.code);
    return this;
  }
  tee(l: Local): this {
    this.code.push(0x22);
    uleb(l, this.code);
    return this;
  }
  i32(n: number): this {
    this.code.push(0x41);
    sleb(n, this.code);
    return this;
  }
  f32(x: number): this {
    this.code.push(0x43, ...new Uint8Array(Float32Array.of(x).buffer));
    return this;
  }

  // ── i32 ──
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  ltU(): this { return this.op(0x49); }
  leU(): this { return this.op(0x4d); }
  eqz(): this { return this.op(0x45); }

  // ── f32 ──
  f32Load(offset = 0): this { return this.op(0x2a, ...this.mem(2, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.mem(2, offset)); }
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Div(): this { return this.op(0x95); }
  f32Min(): this { return this.op(0x96); }
  f32Max(): this { return this.op(0x97); }
  f32Sqrt(): this { return this.op(0x91); }

  // ── f32x4 ──
  v128Load(offset = 0): this { return this.simd(0x00, ...this.mem(4, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ...this.mem(4, offset)); }
  splat(): this { return this.simd(0x13); }
  /** Loads one f32 into all four lanes (v128.load32_splat). */
  loadSplat(offset = 0): this { return this.simd(0x09, ...this.mem(2, offset)); }
  lane(i: number): this { return this.simd(0x1f, i); }
  vAdd(): this { return this.simd(0xe4); }
  vSub(): this { return this.simd(0xe5); }
  vMul(): this { return this.simd(0xe6); }
  vDiv(): this { return this.simd(0xe7); }
  vMin(): this { return this.simd(0xe8); }
  vMax(): this { return this.simd(0xe9); }
  vSqrt(): this { return this.simd(0xe3); }
  vGt(): this { return this.simd(0x44); }
  vAnd(): this { return this.simd(0x4e); }
  /** A constant vector with all four lanes `x` (v128.const). */
  vConst(x: number): this {
    const lane = new Uint8Array(Float32Array.of(x).buffer);
    return this.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }

  // ── control ──
  /** `body` in a loop that repeats while it branches back (`continueIf` inside). */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `body` when the i32 on the stack is non-zero. */
  ifThen(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }
  /** Branches to the innermost enclosing loop's start when the i32 on the stack is non-zero. */
  continueIf(): this { return this.op(0x0d, 0x00); }

  /** for (i = start; i < end; i += step) body(): `end` a local or constant, the body run at least once (callers check). */
  forRange(i: Local, start: number | Local, end: number | (() => void), step: number, body: () => void, startIsLocal = false): this {
    if (startIsLocal) this.get(start);
    else this.i32(start);
    this.set(i);
    return this.loop(() => {
      body();
      this.get(i).i32(step).add().tee(i);
      if (typeof end === "number") this.i32(end);
      else end();
      this.ltU().continueIf();
    });
  }

  /** The body as the binary format's code entry (locals declared one by one). */
  encode(): number[] {
    const body: number[] = [];
    uleb(this.locals.length, body);
    for (const t of this.locals) body.push(1, VALTYPE[t]);
    body.push(...this.code, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

/** Assembles functions over one imported memory (`env.memory`) into a module; every function is exported by name. */
export function assemble(functions: readonly FunctionBuilder[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [VALTYPE[t]])), ...vec(f.results.map((t) => [VALTYPE[t]]))]);
  const memoryImport = [...nameBytes("env"), ...nameBytes("memory"), 0x02, 0x00, 0x01];
  const exports = functions.map((f, i) => {
    const e = [...nameBytes(f.name), 0x00];
    uleb(i, e);
    return e;
  });
  const funcIndices = functions.map((_, i) => {
    const out: number[] = [];
    uleb(i, out);
    return out;
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(funcIndices)),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map((f) => f.encode()))),
  ];
  return Uint8Array.from(bytes);
}

function nameBytes(s: string): number[] {
  const b = utf8(s);
  const out: number[] = [];
  uleb(b.length, out);
  return out.concat(b);
}

// The few WebAssembly types the kernels' owners use (TypeScript's DOM lib is not loaded).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
}
/** The runtime's WebAssembly, typed. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

