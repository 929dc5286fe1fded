import { describe, it, expect } from 'vitest';
import type { FloatArray } from '../../../core/engine/activations';
import { gradientCheck } from '../../../core/engine/gradcheck';
import type { Kernels } from '../../../core/engine/kernels';
import { jsKernels } from '../../../core/engine/kernels-js';
import { createOptimizer } from '../../../core/engine/optimizers';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { ACTIVATIONS, LOSSES, type NetworkSpec } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import type { WasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { selectKernels, wasmUnavailableReason } from '../../../core/engine/wasm/select';
import { BACKENDS, place, RAGGED_SIZES, randomWithZeros, refAB, refABt, refAtB } from './reference-kernels';
import { parseCli } from '../../../core/cli/args';
import { blobs, runGuarded, settings } from './helpers';

/** float32 values, about `zeroShare` of them exactly zero; with `blocky`, zeros come in runs as in images. */
const random = (rng: Rng, n: number, zeroShare = 0.4, blocky = false): Float32Array => randomWithZeros(rng, n, zeroShare, blocky);

function expectClose(actual: FloatArray, expected: number[], label: string, tol = 1e-4): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    // Sums of up to ~800 N(0,1) products: scale the float32 tolerance with √k-sized magnitudes.
    if (!(Math.abs(actual[i]! - e) <= tol * Math.max(4, Math.abs(e)))) expect.fail(`${label}[${i}] = ${actual[i]}, expected ${e}`);
  }
}

/** (m, n, k): ragged sizes (not multiples of 4 or 8), tiny ones, and the MNIST layer shapes. */
const SIZES: [number, number, number][] = [...RAGGED_SIZES, [10, 30, 784], [10, 17, 61], [64, 100, 784], [13, 23, 37]];

function randomSizes(rng: Rng, count: number): [number, number, number][] {
  return Array.from({ length: count }, () => [1 + rng.int(20), 1 + rng.int(40), 1 + rng.int(90)] as [number, number, number]);
}

describe.each(BACKENDS)('kernels backend %s (float32, against naive references)', (name) => {
  const sizes = [...SIZES, ...randomSizes(new Rng(77), 25)];
  // Operands in the backend's own memory (no copy) and plain arrays (copied in and out).
  for (const where of ['placed', 'plain'] as const) {
    const make = (k: Kernels, x: Float32Array): Float32Array => (where === 'placed' ? place(k, x) : x);

    it(`matMulABt with and without bias (${where})`, () => {
      const k = selectKernels(name);
      const rng = new Rng(21);
      for (const [m, n, kk] of sizes) {
        const a = make(k, random(rng, m * kk, 0.8, true));
        const b = make(k, random(rng, n * kk));
        const bias = make(k, random(rng, n, 0.2));
        const c = make(k, new Float32Array(m * n).fill(99));
        k.matMulABt(a, b, c, m, n, kk);
        expectClose(c, refABt(a, b, m, n, kk), `${name} ABt ${m}x${n}x${kk}`);
        k.matMulABt(a, b, c, m, n, kk, bias);
        expectClose(c, refABt(a, b, m, n, kk, bias), `${name} ABt+bias ${m}x${n}x${kk}`);
      }
    });

    it(`matMulAB (${where})`, () => {
      const k = selectKernels(name);
      const rng = new Rng(22);
      for (const [m, n, kk] of sizes) {
        const a = make(k, random(rng, m * kk));
        const b = make(k, random(rng, kk * n));
        const c = make(k, new Float32Array(m * n).fill(-5));
        k.matMulAB(a, b, c, m, n, kk);
        expectClose(c, refAB(a, b, m, n, kk), `${name} AB ${m}x${n}x${kk}`);
      }
    });

    it(`matMulAtB, overwriting and accumulating, over sparse B (${where})`, () => {
      const k = selectKernels(name);
      const rng = new Rng(23);
      for (const [m, n, kk] of sizes) {
        const a = make(k, random(rng, kk * m));
        const b = make(k, random(rng, kk * n, 0.8, true));
        const expected = refAtB(a, b, m, n, kk);
        const c = make(k, new Float32Array(m * n).fill(7));
        k.matMulAtB(a, b, c, m, n, kk, false);
        expectClose(c, expected, `${name} AtB ${m}x${n}x${kk}`);
        const start = random(rng, m * n, 0);
        const acc = make(k, Float32Array.from(start));
        k.matMulAtB(a, b, acc, m, n, kk, true);
        expectClose(
          acc,
          expected.map((v, i) => v + start[i]!),
          `${name} AtB+= ${m}x${n}x${kk}`,
        );
      }
    });

    it(`sumRows, overwriting and accumulating (${where})`, () => {
      const k = selectKernels(name);
      const rng = new Rng(24);
      for (const [m, n] of sizes) {
        const a = make(k, random(rng, m * n));
        const out = make(k, new Float32Array(n).fill(3));
        const ref = new Array<number>(n).fill(0);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ref[j]! += a[i * n + j]!;
        k.sumRows(a, out, m, n, false);
        expectClose(out, ref, `${name} sumRows ${m}x${n}`);
        k.sumRows(a, out, m, n, true);
        expectClose(
          out,
          ref.map((v) => 2 * v),
          `${name} sumRows+= ${m}x${n}`,
        );
      }
    });
  }

  it('the sparse-input path: all-zero inputs, single nonzero pixels, and inputs that are all nonzero agree with dense', () => {
    const k = selectKernels(name);
    const rng = new Rng(25);
    const [m, n, kk] = [10, 30, 784];
    const w = place(k, random(rng, n * kk, 0));
    const bias = place(k, random(rng, n, 0));
    for (const fill of ['zeros', 'one-pixel', 'dense', 'mnist-like'] as const) {
      const x = place(k, new Float32Array(m * kk));
      if (fill === 'one-pixel') for (let i = 0; i < m; i++) x[i * kk + ((i * 97) % kk)] = 1;
      if (fill === 'dense') x.set(random(rng, m * kk, 0));
      if (fill === 'mnist-like') x.set(random(rng, m * kk, 0.8, true).map(Math.abs));
      const z = place(k, new Float32Array(m * n));
      k.matMulABt(x, w, z, m, n, kk, bias);
      expectClose(z, refABt(x, w, m, n, kk, bias), `${name} forward ${fill}`);
      const delta = place(k, random(rng, m * n, 0));
      const grad = place(k, new Float32Array(n * kk).fill(1));
      k.matMulAtB(delta, x, grad, n, kk, m, false);
      expectClose(grad, refAtB(delta, x, n, kk, m), `${name} ∇w ${fill}`);
    }
  });

  it('sumSquares is start + Σ a², finite until an element is not', () => {
    const k = selectKernels(name);
    const rng = new Rng(26);
    for (const n of [0, 1, 3, 4, 7, 8, 79_510]) {
      for (const x of [random(rng, n), place(k, random(rng, n)), Float64Array.from(random(rng, n))]) {
        let ref = 0;
        for (const v of x) ref += v * v;
        expect(k.sumSquares(x)).toBeCloseTo(ref, 6);
        expect(k.sumSquares(x, 2.5)).toBeCloseTo(2.5 + ref, 6);
        expect(Number.isFinite(k.sumSquares(x))).toBe(true);
        for (const bad of [Infinity, -Infinity, NaN]) {
          if (n === 0) continue;
          const at = n - 1 - (n >> 1);
          const keep = x[at]!;
          x[at] = bad;
          expect(Number.isFinite(k.sumSquares(x)), `${n} with ${bad}`).toBe(false);
          x[at] = keep;
        }
      }
    }
  });

  it.each(['sgd', 'momentum', 'adam'] as const)('%s steps report max |p| after the step, NaN once one is NaN', (opt) => {
    const k = selectKernels(name);
    const rng = new Rng(31);
    const shapes = [1, 3, 7, 8, 333];
    const params = shapes.map((n) => place(k, random(rng, n, 0.1)));
    const grads = shapes.map((n) => place(k, random(rng, n, 0.1)));
    const decay = shapes.map(() => 0.01);
    const optimizer = createOptimizer(opt, 0.9, shapes, (n) => k.alloc(n), k);
    const maxima: number[] = [];
    for (let t = 0; t < 3; t++) {
      optimizer.step(params, grads, decay, 0.05, maxima);
      params.forEach((p, i) => expect(maxima[i], `${opt} buffer ${i} step ${t}`).toBe(jsKernels.maxAbs(p)));
    }
    for (const at of [0, 2, 6, 330]) {
      const i = shapes.findIndex((n) => n > at && n >= 3);
      const g = grads[i]!;
      const keep = g[at]!;
      g[at] = NaN;
      optimizer.step(params, grads, decay, 0.05, maxima);
      expect(maxima[i], `${opt} NaN at ${at} of buffer ${i}`).toBeNaN();
      g[at] = keep;
    }
  });

  it.each(['sgd', 'momentum', 'adam'] as const)('%s steps on the backend match the plain optimiser', (opt) => {
    const k = selectKernels(name);
    const rng = new Rng(27);
    const shapes = [1, 7, 8, 333];
    const p0 = shapes.map((n) => random(rng, n, 0.1));
    const grads = shapes.map((n) => random(rng, n, 0.1));
    const decay = [0, 0.01, 0, 0.1];
    const plain = p0.map((x) => Float32Array.from(x));
    const placed = p0.map((x) => place(k, x));
    const placedGrads = grads.map((g) => place(k, g));
    const ref = createOptimizer(opt, 0.9, shapes, (n) => new Float32Array(n));
    const fast = createOptimizer(opt, 0.9, shapes, (n) => k.alloc(n), k);
    for (let t = 0; t < 5; t++) {
      ref.step(plain, grads, decay, 0.05);
      fast.step(placed, placedGrads, decay, 0.05);
    }
    placed.forEach((x, i) => expectClose(x, Array.from(plain[i]!), `${name} ${opt} buffer ${i}`, 1e-6));
  });

  it('leaves float64 arrays to exact arithmetic (the js kernels)', () => {
    const k = selectKernels(name);
    const a = Float64Array.from([1, 2, 0, 0, -1, 3]);
    const b = Float64Array.from([4, 0, 1, -2, 5, 1]);
    const c = new Float64Array(4);
    k.matMulABt(a, b, c, 2, 2, 3, Float64Array.from([0.1, 0.2]));
    expect(Array.from(c)).toEqual([4.1, 8.2, 3.1, -1.8]);
  });

  it('takes float64 operands in every kernel and gives exactly what the js kernels give', () => {
    const k = selectKernels(name);
    const rng = new Rng(28);
    const [m, n, kk] = [5, 7, 9];
    const f64 = (length: number, zeros = 0.3): Float64Array => Float64Array.from(random(rng, length, zeros));
    /** Runs `op` on fresh copies of `inputs` with `kernels`, and returns every array afterwards. */
    const run = (kernels: Kernels, inputs: Float64Array[], op: (kernels: Kernels, x: Float64Array[]) => number | void): number[][] => {
      const x = inputs.map((v) => Float64Array.from(v));
      const result = op(kernels, x);
      return [...x.map((v) => Array.from(v)), [result ?? 0]];
    };
    const same = (label: string, inputs: Float64Array[], op: (kernels: Kernels, x: Float64Array[]) => number | void): void =>
      expect(run(k, inputs, op), label).toEqual(run(jsKernels, inputs, op));
    same('matMulABt', [f64(m * kk), f64(n * kk), f64(m * n), f64(n)], (q, [a, b, c, bias]) =>
      q.matMulABt(a!, b!, c!, m, n, kk, bias, true),
    );
    same('matMulAB', [f64(m * kk), f64(kk * n), f64(m * n)], (q, [a, b, c]) => q.matMulAB(a!, b!, c!, m, n, kk));
    same('matMulAtB', [f64(kk * m), f64(kk * n), f64(m * n)], (q, [a, b, c]) => q.matMulAtB(a!, b!, c!, m, n, kk, true, true));
    same('sumRows', [f64(m * n), f64(n)], (q, [a, out]) => q.sumRows(a!, out!, m, n, true));
    same('density', [f64(m * n, 0.6)], (q, [a]) => q.density(a!, m * n));
    same('sumSquares', [f64(m * n)], (q, [a]) => q.sumSquares(a!, 0.5));
    same('maxAbs', [f64(m * n)], (q, [a]) => q.maxAbs(a!));
    for (const act of ACTIVATIONS) {
      same(`matMulABtActivate ${act}`, [f64(m * kk), f64(n * kk), f64(n), f64(m * n), f64(m * n)], (q, [a, b, bias, z, out]) =>
        q.matMulABtActivate(a!, b!, bias!, z!, out!, m, n, kk, act, false),
      );
      same(`activationBackward ${act}`, [f64(m * n), f64(m * n), f64(m * n)], (q, [z, a, g]) =>
        q.activationBackward(act, z!, a!, g!, m, n),
      );
    }
    const unit = (): Float64Array => Float64Array.from({ length: m * n }, () => 0.05 + 0.9 * rng.uniform());
    for (const loss of LOSSES)
      same(`lossGradient ${loss}`, [unit(), unit(), f64(m * n)], (q, [a, y, g]) => q.lossGradient(loss, a!, y!, g!, m, n, 0.1));
    for (const sumY of [true, false])
      same(`outputDelta ${sumY}`, [unit(), unit(), f64(m * n)], (q, [a, y, d]) => q.outputDelta(a!, y!, d!, m, n, 0.1, sumY));
    same('sgdStep', [f64(m * n), f64(m * n)], (q, [p, g]) => q.sgdStep(p!, g!, 0.1, 0.01));
    const hyper = { eta: 0.01, lambda: 0.001, beta1: 0.9, beta2: 0.999, c1: 0.19, c2: 0.002, epsilon: 1e-8 };
    same('adamStep', [f64(m * n), f64(m * n), f64(m * n), unit()], (q, [p, g, mm, v]) => q.adamStep(p!, g!, mm!, v!, hyper));
  });
});

const SPEC: NetworkSpec = {
  inputSize: 37,
  layers: [
    { units: 21, activation: 'tanh' },
    { units: 9, activation: 'relu' },
    { units: 5, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'xavier',
};

/** Sparse inputs (like images) with one-hot targets. */
function sparseSamples(count: number, seed: number) {
  const rng = new Rng(seed);
  const inputs = random(rng, count * SPEC.inputSize, 0.7, true).map(Math.abs);
  const labels = Int32Array.from({ length: count }, () => rng.int(5));
  const targets = new Float32Array(count * 5);
  labels.forEach((label, i) => (targets[i * 5 + label] = 1));
  return { count, inputSize: SPEC.inputSize, outputSize: 5, inputs, targets, labels };
}

describe.each(BACKENDS)('network on backend %s', (name) => {
  it('backprop gradients match float64 backprop (itself checked by finite differences) to float32 tolerance', () => {
    const data = sparseSamples(12, 3);
    const net = Network.create(SPEC, new Rng(4), 'float32', selectKernels(name));
    const exact = new Network(SPEC, 'float64');
    exact.setParameters(net.w, net.b);
    for (const l of [1, 2, 3])
      expect(gradientCheck(exact, data, [0, 3, 5, 8]).find((r) => r.layer === l)!.relativeError).toBeLessThan(1e-6);
    const grads = [net, exact].map((n) => {
      const ws = n.workspace(data.count);
      ws.a[0]!.set(data.inputs);
      ws.y.set(data.targets);
      n.feedforward(ws);
      const g = n.createGradients();
      n.backprop(ws, g, 1 / data.count);
      return g;
    });
    for (let l = 1; l <= 3; l++) {
      expectClose(grads[0]!.nablaW[l]!, Array.from(grads[1]!.nablaW[l]!), `${name} ∇w${l}`, 1e-5);
      expectClose(grads[0]!.nablaB[l]!, Array.from(grads[1]!.nablaB[l]!), `${name} ∇b${l}`, 1e-5);
    }
  });

  it('a float64 network passes the gradient check (float64 runs on the js kernels)', () => {
    // (Same net and rows as above: their ReLU pre-activations keep clear of the kink at 0.)
    const net = Network.create(SPEC, new Rng(4), 'float64', selectKernels(name));
    expect(net.kernels.name).toBe(name);
    for (const r of gradientCheck(net, sparseSamples(12, 3), [0, 3, 5, 8])) expect(r.relativeError).toBeLessThan(1e-6);
  });

  it('places a float32 network’s buffers where the backend reads them without copies', () => {
    const k = selectKernels(name);
    const net = Network.create(SPEC, new Rng(6), 'float32', k);
    const ws = net.workspace(10);
    const buffers = [...net.w, ...ws.a, ...ws.z];
    expect(buffers.every((x) => x instanceof Float32Array)).toBe(true);
    // wasm: views on its one memory; js: ordinary arrays, each with its own buffer.
    if (name === 'wasm') expect(buffers.every((x) => x.buffer === (k as WasmKernels).memory.buffer)).toBe(true);
    else expect(new Set(buffers.map((x) => x.buffer)).size).toBe(buffers.length);
  });
});

describe('whole training runs agree between backends (same seed, float32 tolerance)', () => {
  function train(
    name: (typeof BACKENDS)[number],
    spec: NetworkSpec,
    data: ReturnType<typeof sparseSamples>,
    batchSize: number,
    optimizer: 'sgd' | 'adam',
  ) {
    const net = Network.create(spec, new Rng(9), 'float32', selectKernels(name));
    const trainer = new Trainer(
      net,
      { train: data },
      settings({ epochs: 3, batchSize, optimizer, learningRate: optimizer === 'adam' ? 0.01 : 0.5, seed: 9 }),
    );
    return { history: runGuarded(trainer), net };
  }

  it.each([
    [10, 'sgd'],
    [64, 'adam'],
    [7, 'sgd'],
  ] as const)('batch %i, %s', (batchSize, optimizer) => {
    const data = sparseSamples(300, 11);
    const [js, wasm] = BACKENDS.map((name) => train(name, SPEC, data, batchSize, optimizer));
    for (let e = 0; e < 3; e++) expect(Math.abs(js!.history[e]!.trainLoss - wasm!.history[e]!.trainLoss)).toBeLessThan(1e-4);
    for (let l = 1; l <= 3; l++) expectClose(wasm!.net.w[l]!, Array.from(js!.net.w[l]!), `w${l}`, 2e-4);
  });

  it('the blobs problem learns on wasm as on js', () => {
    const data = blobs(300, 5);
    const spec: NetworkSpec = {
      inputSize: 2,
      layers: [
        { units: 8, activation: 'tanh' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
    };
    const losses = BACKENDS.map((name) => {
      const net = Network.create(spec, new Rng(2), 'float32', selectKernels(name));
      return runGuarded(new Trainer(net, { train: data }, settings({ seed: 2 }))).at(-1)!.trainLoss;
    });
    expect(Math.abs(losses[0]! - losses[1]!)).toBeLessThan(1e-4);
  });
});

describe('selectKernels', () => {
  it('picks js by name, wasm where it runs, and auto = wasm here', () => {
    expect(wasmUnavailableReason()).toBeUndefined();
    expect(selectKernels('js')).toBe(jsKernels);
    expect(selectKernels('wasm').name).toBe('wasm');
    expect(selectKernels('auto').name).toBe('wasm');
  });

  it('each wasm selection is a separate instance (one per network)', () => {
    expect(selectKernels('wasm')).not.toBe(selectKernels('wasm'));
  });

  it('the CLI takes --backend js|wasm|auto (default auto)', () => {
    expect(parseCli([]).backend).toBe('auto');
    expect(parseCli(['--backend', 'js']).backend).toBe('js');
    expect(parseCli(['--backend', 'wasm']).backend).toBe('wasm');
    expect(() => parseCli(['--backend', 'gpu'])).toThrow(/--backend/);
  });
});
