import { activations, type FloatArray } from '../activations';
import { jsKernels } from '../kernels-js';
import type { AdamHyper, Kernels } from '../kernels';
import type { ActivationName } from '../spec';
import type { KernelExports } from './kernel-exports';
import { wasmConvKernels } from './conv-wasm';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api';

const PAGE = 65_536;
/** The first page of an instance's region holds no array (pointer 0 means "no bias"); from LIST_OFFSET on it is the kernels' i32 block lists. */
const LIST_OFFSET = 1024;
const LIST_END = PAGE;
const MAX_LIST = (LIST_END - LIST_OFFSET) >> 2;

export interface WasmKernelOptions {
  /** Size of the fixed linear memory (it never grows, so views on it stay valid). Default 64 MiB. */
  memoryBytes?: number;
  /** Share of the memory set aside for copying in operands that live outside it. Default 1/4. */
  scratchShare?: number;
  /** false: never hand out views on wasm memory (every call copies its operands; for measuring). */
  zeroCopy?: boolean;
  /**
   * Run over this (shared) memory instead of a new one, using only the bytes [region.start,
   * region.end) of it for the list area, arena and scratch (data-parallel training: one memory,
   * one region per thread). memoryBytes is then ignored.
   */
  memory?: WasmMemory;
  region?: { start: number; end: number };
  /** The module is the relaxed-SIMD build (select.ts): only the label says so. */
  fma?: boolean;
}

/** Kernels over one wasm instance, with the allocator the Network uses to place its buffers in it. */
export interface WasmKernels extends Kernels {
  readonly memory: WasmMemory;
  /** The compiled module and the instance's raw exports (data-parallel threads instantiate it over one shared memory). */
  readonly module: WasmModule;
  readonly exports: KernelExports;
  /** True for the relaxed-SIMD build (fused multiply-add). */
  readonly fma: boolean;
  /** Bytes of the memory handed out to networks so far. */
  arenaUsed(): number;
  /** Where the kernels' i32 block lists live, and how many entries fit (a product over k inputs needs k/4). */
  readonly listStart: number;
  readonly maxList: number;
  /** out = eˣ with the approximation the activations use, for x and out made by `alloc` (for tests). */
  exp(x: Float32Array, out: Float32Array): void;
}

const align16 = (n: number): number => (n + 15) & ~15;

/** assembly/activations.ts's codes for the activations it has (step stays in js: it trains nothing). */
export const ACTIVATION_CODE: Partial<Record<ActivationName, number>> = {
  linear: 1,
  sigmoid: 2,
  tanh: 3,
  relu: 4,
  'leaky-relu': 5,
  softmax: 6,
};

/**
 * Share of nonzero 4-float input blocks (`density`) below which the block-skipping products win.
 * Measured with bench/sparse-crossover.ts (first layer forward + ∇w, 10×784 by 30 and 100 units,
 * MNIST strokes thinned and dilated) on the 2-core EPYC, Node 20: sparse/dense time is 0.53–0.66 at
 * MNIST's 0.26 block density, 0.9 at 0.63, 1.0 at 0.77–0.80, and 1.02–1.07 on dense inputs or
 * ReLU-like scattered zeros (block density 0.94). Crossover ≈ 0.78.
 */
const SPARSE_BELOW_WASM = 0.75;

/** Raised when the wasm backend is asked for but cannot run here (no WebAssembly or SIMD, or not built). */
export class WasmUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmUnavailableError';
  }
}

/**
 * A WebAssembly SIMD backend for Float32Array operands. Arrays that are views on the instance's
 * own memory (made by `alloc`, which Network uses for all its float32 buffers) are passed by
 * pointer, with no copy; any other float32 array is copied into a scratch area and results are
 * copied back out; float64 arrays, operands too big for the scratch area and the activations it
 * lacks (step) go to the js kernels, here, so that the backend is complete.
 * Make one instance per network: the arena is never freed, and a full arena only means copies.
 */
export function createWasmKernels(module: WasmModule, options: WasmKernelOptions = {}): WasmKernels {
  const memoryBytes = Math.max(4 * PAGE, Math.ceil((options.memoryBytes ?? 64 * 1024 * 1024) / PAGE) * PAGE);
  const pages = memoryBytes / PAGE;
  const api = wasmApi();
  if (!api) throw new WasmUnavailableError('This runtime has no WebAssembly.');
  // Shared: the module is built with --sharedMemory so that parallel runs can share one; measured no slower.
  const memory = options.memory ?? new api.Memory({ initial: pages, maximum: pages, shared: true });
  const w = new api.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const buffer = memory.buffer;
  const base = options.memory ? (options.region?.start ?? 0) : 0;
  const regionEnd = options.memory ? (options.region?.end ?? memory.buffer.byteLength) : memoryBytes;
  if (base % PAGE !== 0 || regionEnd - base < 2 * PAGE || regionEnd > memory.buffer.byteLength)
    throw new RangeError(`Bad wasm region [${base}, ${regionEnd}).`);
  const LIST_START = base + LIST_OFFSET;
  const scratchStart = align16(base + Math.floor((regionEnd - base) * (1 - (options.scratchShare ?? 0.25))));
  const zeroCopy = options.zeroCopy ?? true;
  let arenaTop = base + PAGE;
  let scratchTop = scratchStart;
  let bytesView: Uint8Array | undefined;
  let wordsView: Uint32Array | undefined;

  /** The byte offset of `x` in wasm memory, copying it into scratch first when it lives elsewhere; -1 when it does not fit. */
  function place(x: Float32Array, floats: number, copyIn: boolean): number {
    if (x.buffer === buffer) return x.byteOffset;
    const at = scratchTop;
    const end = align16(at + floats * 4);
    if (end > regionEnd) return -1;
    scratchTop = end;
    if (copyIn) new Float32Array(buffer, at, floats).set(x.subarray(0, floats));
    return at;
  }

  function copyOut(ptr: number, x: Float32Array, floats: number): void {
    if (x.buffer !== buffer) x.set(new Float32Array(buffer, ptr, floats));
  }

  // No rest arguments or closures in the per-call paths: the training loop allocates nothing.
  const f32 = (a: FloatArray, b: FloatArray, c: FloatArray, d?: FloatArray): boolean =>
    a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array && (d === undefined || d instanceof Float32Array);
  const mine = (x: FloatArray, n: number): boolean => x.buffer === buffer && x.length >= n;

  const kernels: WasmKernels = {
    name: 'wasm',
    label: options.fma ? 'wasm SIMD + FMA' : 'wasm SIMD',
    fma: options.fma ?? false,
    memory,
    module,
    exports: w,
    arenaUsed: () => arenaTop - base - PAGE,
    listStart: LIST_START,
    maxList: MAX_LIST,
    exp: (x, out) => {
      if (!mine(x, 0) || !mine(out, x.length)) throw new RangeError('exp() takes arrays made by alloc().');
      w.expArray(x.byteOffset, out.byteOffset, x.length);
    },

    alloc(length) {
      if (!zeroCopy) return new Float32Array(length);
      const end = align16(arenaTop + length * 4);
      if (end > scratchStart) return new Float32Array(length);
      const view = new Float32Array(buffer, arenaTop, length);
      arenaTop = end;
      return view;
    },

    // The set stays where it is (one copy of it is enough): the batch's rows are copied into scratch, in order,
    // then scaled in one call. Keeping MNIST's bytes and the order in this memory instead (one wasm call, no
    // JavaScript copy) was re-measured at +3 % samples per CPU-second on 784-30-10: most of a gather is the
    // random rows' cache misses, which both pay. Not worth 47 MB more (the 200 MB budget of issue 17).
    gatherRows(bytes, table, order, from, count, width, out, at) {
      if (!mine(table, 256) || !(out instanceof Float32Array) || !mine(out, at + count * width))
        return jsKernels.gatherRows(bytes, table, order, from, count, width, out, at);
      const rowsAt = scratchStart;
      const orderAt = align16(rowsAt + count * width);
      if (orderAt + count * 4 > regionEnd) return jsKernels.gatherRows(bytes, table, order, from, count, width, out, at);
      const u8 = (bytesView ??= new Uint8Array(buffer));
      const u32 = (wordsView ??= new Uint32Array(buffer));
      for (let r = 0; r < count; r++) {
        const s = order[from + r]! * width;
        u8.set(bytes.subarray(s, s + width), rowsAt + r * width);
        u32[(orderAt >> 2) + r] = r;
      }
      w.gatherRows(rowsAt, table.byteOffset, orderAt, 0, count, width, out.byteOffset + at * 4);
    },

    matMulABt(a, b, c, m, n, k, bias, sparse) {
      if (!f32(a, b, c, bias) || k >> 2 > MAX_LIST) return jsKernels.matMulABt(a, b, c, m, n, k, bias, sparse);
      scratchTop = scratchStart;
      const pa = place(a as Float32Array, m * k, true);
      const pb = place(b as Float32Array, n * k, true);
      const pbias = bias ? place(bias as Float32Array, n, true) : 0;
      const pc = place(c as Float32Array, m * n, false);
      if (pa < 0 || pb < 0 || pbias < 0 || pc < 0) return jsKernels.matMulABt(a, b, c, m, n, k, bias, sparse);
      w.matMulABt(pa, pb, pc, m, n, k, pbias, LIST_START, sparse ? 1 : 0, 0, 0);
      copyOut(pc, c as Float32Array, m * n);
    },

    matMulAB(a, b, c, m, n, k) {
      if (!f32(a, b, c)) return jsKernels.matMulAB(a, b, c, m, n, k);
      scratchTop = scratchStart;
      const pa = place(a as Float32Array, m * k, true);
      const pb = place(b as Float32Array, k * n, true);
      const pc = place(c as Float32Array, m * n, false);
      if (pa < 0 || pb < 0 || pc < 0) return jsKernels.matMulAB(a, b, c, m, n, k);
      w.matMulAB(pa, pb, pc, m, n, k);
      copyOut(pc, c as Float32Array, m * n);
    },

    matMulAtB(a, b, c, m, n, k, accumulate, sparse) {
      if (!f32(a, b, c) || (n >> 3) * 4 > MAX_LIST) return jsKernels.matMulAtB(a, b, c, m, n, k, accumulate, sparse);
      scratchTop = scratchStart;
      const pa = place(a as Float32Array, k * m, true);
      const pb = place(b as Float32Array, k * n, true);
      const pc = place(c as Float32Array, m * n, accumulate);
      if (pa < 0 || pb < 0 || pc < 0) return jsKernels.matMulAtB(a, b, c, m, n, k, accumulate, sparse);
      w.matMulAtB(pa, pb, pc, m, n, k, accumulate ? 1 : 0, LIST_START, sparse ? 1 : 0);
      copyOut(pc, c as Float32Array, m * n);
    },

    sumRows(a, out, m, n, accumulate) {
      if (!f32(a, out, out)) return jsKernels.sumRows(a, out, m, n, accumulate);
      scratchTop = scratchStart;
      const pa = place(a as Float32Array, m * n, true);
      const po = place(out as Float32Array, n, accumulate);
      if (pa < 0 || po < 0) return jsKernels.sumRows(a, out, m, n, accumulate);
      w.sumRows(pa, po, m, n, accumulate ? 1 : 0);
      copyOut(po, out as Float32Array, n);
    },

    // The fused and element-wise paths below copy float32 operands that live outside this memory in
    // and out, like the products: a network's results must not depend on where its buffers landed
    // (wasm's eˣ and js's differ in the last bit). Float64 arrays go to the js kernels.
    sparseBelow: SPARSE_BELOW_WASM,

    density(a, length) {
      if (a.buffer === buffer && a instanceof Float32Array) return w.density(a.byteOffset, length);
      return jsKernels.density(a, length);
    },

    matMulABtActivate(a, b, bias, z, out, m, n, k, activation, sparse) {
      if (!activateFused(a, b, bias, z, out, m, n, k, activation, sparse)) {
        // This backend's own product, then the js σ: what it computes when it has no fused form.
        kernels.matMulABt(a, b, z, m, n, k, bias, sparse);
        activations[activation].forward(z, out, m, n);
      }
    },

    activationBackward(activation, z, a, g, rows, cols) {
      const act = ACTIVATION_CODE[activation];
      const n = rows * cols;
      if (act === undefined || !f32(z, a, g)) return jsKernels.activationBackward(activation, z, a, g, rows, cols);
      scratchTop = scratchStart;
      const pz = place(z as Float32Array, n, true);
      const pa = place(a as Float32Array, n, true);
      const pg = place(g as Float32Array, n, true);
      if (pz < 0 || pa < 0 || pg < 0) return jsKernels.activationBackward(activation, z, a, g, rows, cols);
      if (act === ACTIVATION_CODE.softmax) w.softmaxBackward(pa, pg, rows, cols);
      else w.activateBackward(act, pz, pa, pg, n);
      copyOut(pg, g as Float32Array, n);
    },

    // The quadratic cost's ∇_a C = a − y is the fused output delta without Σy; other losses are js's.
    lossGradient(loss, a, y, g, rows, cols, scale) {
      if (loss !== 'quadratic' || !deltaFused(a, y, g, rows, cols, scale, false)) jsKernels.lossGradient(loss, a, y, g, rows, cols, scale);
    },

    outputDelta(a, y, delta, rows, cols, scale, sumY) {
      if (!deltaFused(a, y, delta, rows, cols, scale, sumY)) jsKernels.outputDelta(a, y, delta, rows, cols, scale, sumY);
    },

    sumSquares(a, start = 0) {
      if (a.buffer === buffer) return start + w.sumSquares(a.byteOffset, a.length);
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
      return start + s;
    },

    sgdStep(p, g, eta, lambda) {
      if (!mine(p, 0) || !mine(g, p.length)) return jsKernels.sgdStep(p, g, eta, lambda);
      return w.sgdStep(p.byteOffset, g.byteOffset, p.length, eta, lambda);
    },

    adamStep(p, g, m, v, h: AdamHyper) {
      if (!mine(p, 0) || !mine(g, p.length) || !mine(m, p.length) || !mine(v, p.length)) return jsKernels.adamStep(p, g, m, v, h);
      return w.adamStep(
        p.byteOffset,
        g.byteOffset,
        m.byteOffset,
        v.byteOffset,
        p.length,
        h.eta,
        h.lambda,
        h.beta1,
        h.beta2,
        h.c1,
        h.c2,
        h.epsilon,
      );
    },

    maxAbs(a) {
      if (a.buffer === buffer && a instanceof Float32Array) return w.maxAbs(a.byteOffset, a.length);
      return jsKernels.maxAbs(a);
    },

    ...wasmConvKernels(w, buffer, LIST_START, MAX_LIST),
  };

  /** matMulABtActivate in one wasm call; false when it cannot (float64, an activation without a code, no room). */
  function activateFused(
    a: FloatArray,
    b: FloatArray,
    bias: FloatArray,
    z: FloatArray,
    out: FloatArray,
    m: number,
    n: number,
    k: number,
    activation: ActivationName,
    sparse: boolean,
  ): boolean {
    const act = ACTIVATION_CODE[activation];
    if (act === undefined || k >> 2 > MAX_LIST || !f32(a, b, bias, z) || !(out instanceof Float32Array)) return false;
    scratchTop = scratchStart;
    const pa = place(a as Float32Array, m * k, true);
    const pb = place(b as Float32Array, n * k, true);
    const pbias = place(bias as Float32Array, n, true);
    const pz = place(z as Float32Array, m * n, false);
    const po = place(out, m * n, false);
    if (pa < 0 || pb < 0 || pbias < 0 || pz < 0 || po < 0) return false;
    w.matMulABt(pa, pb, pz, m, n, k, pbias, LIST_START, sparse ? 1 : 0, act, po);
    copyOut(pz, z as Float32Array, m * n);
    copyOut(po, out, m * n);
    return true;
  }

  /** δ = (a·s − y)·scale in wasm; false when it cannot (float64 operands, no room). */
  function deltaFused(a: FloatArray, y: FloatArray, delta: FloatArray, rows: number, cols: number, scale: number, sumY: boolean): boolean {
    const n = rows * cols;
    if (!f32(a, y, delta)) return false;
    scratchTop = scratchStart;
    const pa = place(a as Float32Array, n, true);
    const py = place(y as Float32Array, n, true);
    const pd = place(delta as Float32Array, n, false);
    if (pa < 0 || py < 0 || pd < 0) return false;
    w.outputDelta(pa, py, pd, rows, cols, scale, sumY ? 1 : 0);
    copyOut(pd, delta as Float32Array, n);
    return true;
  }

  return kernels;
}
