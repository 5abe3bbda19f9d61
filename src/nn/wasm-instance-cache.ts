/**
 * jax-js's WebAssembly backend instantiates a kernel's module anew on every
 * synchronous dispatch (`new WebAssembly.Instance(module, {env: {memory}})`
 * in 0.1.25). Its kernels are stateless functions over the shared memory, so
 * one instance per (module, memory) serves every dispatch; instantiation was
 * about a tenth of PPO's time on CartPole. This reuses instances for exactly
 * that import shape and leaves every other instantiation alone.
 */

// The few WebAssembly types used here (TypeScript's DOM lib is not loaded).
type WasmModule = object;
type WasmInstance = object;
type Imports = Record<string, Record<string, unknown>>;
interface WasmApi {
  Instance: new (module: WasmModule, imports?: Imports) => WasmInstance;
  Memory: new (...args: never[]) => object;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const Native = wasm.Instance;
const instances = new WeakMap<WasmModule, { memory: object; instance: WasmInstance }>();

function ReusedInstance(module: WasmModule, imports?: Imports): WasmInstance {
  const env = imports?.env;
  const memory = env?.memory;
  const memoryOnly = memory instanceof wasm.Memory && Object.keys(imports!).length === 1 && Object.keys(env!).length === 1;
  if (!memoryOnly) return new Native(module, imports);
  const seen = instances.get(module);
  if (seen && seen.memory === memory) return seen.instance;
  const instance = new Native(module, imports);
  instances.set(module, { memory: memory as object, instance });
  return instance;
}
ReusedInstance.prototype = Native.prototype;

if ((wasm.Instance as unknown) !== ReusedInstance) (wasm as { Instance: unknown }).Instance = ReusedInstance;
