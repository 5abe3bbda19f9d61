/**
 * The WebAssembly SIMD kernels of a GRU (nn/gru.ts), generated for its
 * padded sizes: the input-side and hidden-side affine maps of the forward
 * pass and of `step`, the products of the backward pass (∂loss/∂x,
 * ∂loss/∂h_{t−1} and the weight and bias gradients) and a strided copy that
 * moves weights between torch's layout and the kernels' padded ones.
 *
 * The matrix kernels are dense-kernels.ts's: every output element is one
 * f32 lane accumulating over its reduction index in order, so a row's
 * result does not depend on how many rows run at once (`step` and `forward`
 * agree bit for bit).
 */
import { assemble, FunctionBuilder, wasm } from "./assembler.js";
import { affineKernel, outerKernel } from "./dense-kernels.js";

/**
 * `copy(src, dst, n0, n1, n2, s0, s1, s2, d0, d1, d2)`: for every
 * (a, b, c) < (n0, n1, n2), the f32 at src + a·s0 + b·s1 + c·s2 goes to
 * dst + a·d0 + b·d1 + c·d2 (strides in bytes; every count at least 1).
 * Transposes, pads and unpads blocks of a matrix in one call.
 */
export function stridedCopyKernel(name: string): FunctionBuilder {
  const f = new FunctionBuilder(name, ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [src, dst, n0, n1, n2, s0, s1, s2, d0, d1, d2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [a, b, c, sp, dp] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
  f.forRange(a, 0, () => f.get(n0), 1, () => {
    f.forRange(b, 0, () => f.get(n1), 1, () => {
      f.get(src).get(a).get(s0).mul().add().get(b).get(s1).mul().add().set(sp);
      f.get(dst).get(a).get(d0).mul().add().get(b).get(d1).mul().add().set(dp);
      f.forRange(c, 0, () => f.get(n2), 1, () => {
        f.get(dp).get(sp).f32Load().f32Store();
        f.get(sp).get(s2).add().set(sp);
        f.get(dp).get(d2).add().set(dp);
      });
    });
  });
  return f;
}

type Kernel = (...args: number[]) => number;

/** The kernels of one GRU instance; pointers are byte offsets into its memory. */
export interface GruKernels {
  /** gates = x·W_ihᵀ + b_ih (Ip → 3Hp), then gh = h·W_hhᵀ + b_hh (Hp → 3Hp): `affine(x, wT, b, y, n, 0)`. */
  forwardIh: Kernel;
  forwardHh: Kernel;
  /** dx = dGi·W_ih (3Hp → Ip), dh = dGh·W_hh (3Hp → Hp): `affine(d, w, 0, y, n, 0)`. */
  backwardIh: Kernel;
  backwardHh: Kernel;
  /** dW_ihᵀ = xᵀ·dGi with db_ih = Σ dGi, and the same for the hidden side: `outer(x, d, dw, db, n)`. */
  outerIh: Kernel;
  outerHh: Kernel;
  copy: Kernel;
}


/** Compiled modules by padded sizes (the code depends only on them). */
const modules = new Map<string, object>();

/**
 * A fresh memory of at least `bytes` (zeroed) and the kernels for padded
 * input size `Ip` and hidden size `Hp` (multiples of 4) instantiated over it.
 */
export function instantiateGruKernels(Ip: number, Hp: number, bytes: number): { kernels: GruKernels; buffer: ArrayBuffer } {
  const Gp = 3 * Hp;
  const key = `${Ip}_${Hp}`;
  let module = modules.get(key);
  if (!module) {
    module = new wasm.Module(
      assemble([
        affineKernel("forwardIh", Ip, Gp, "none", true),
        affineKernel("forwardHh", Hp, Gp, "none", true),
        affineKernel("backwardIh", Gp, Ip, "none", false),
        affineKernel("backwardHh", Gp, Hp, "none", false),
        outerKernel("outerIh", Ip, Gp),
        outerKernel("outerHh", Hp, Gp),
        stridedCopyKernel("copy"),
      ]),
    );
    modules.set(key, module);
  }
  const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const kernels = new wasm.Instance(module, { env: { memory } }).exports as unknown as GruKernels;
  return { kernels, buffer: memory.buffer };
}
