/**
 * The slice of the WebAssembly JS API the backend uses. The node tsconfig's lib (ES2023) has no
 * WebAssembly types (they live in the DOM lib), so the global is typed here instead.
 */
export interface WasmMemory {
  /** At run time a SharedArrayBuffer (the kernels are built for shared memory); typed as ArrayBuffer so views stay Float32Array<ArrayBuffer>. */
  readonly buffer: ArrayBuffer;
}
/** A compiled module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * True when this runtime validates a module using 128-bit SIMD: (func (result v128)
 * i32.const 0 i8x16.splat i8x16.popcnt). Checked once by the loader.
 */
export function wasmSimdSupported(): boolean {
  const api = wasmApi();
  if (!api || typeof api.validate !== 'function') return false;
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
  ]);
  try {
    return api.validate(probe);
  } catch {
    return false;
  }
}

/**
 * True when this runtime validates relaxed SIMD's f32x4.relaxed_madd: (func (result v128)
 * v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd). Electron's V8 has it; Node 20 only
 * with --experimental-wasm-relaxed-simd.
 */
export function wasmRelaxedSimdSupported(): boolean {
  const api = wasmApi();
  if (!api || typeof api.validate !== 'function') return false;
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b];
  const code = [0x01, body.length, ...body];
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, code.length, ...code]);
  try {
    return api.validate(probe);
  } catch {
    return false;
  }
}
