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
