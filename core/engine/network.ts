import { activations, type Activation, type FloatArray } from './activations';
import { ShapeError } from './errors';
import { initialise } from './init';
import { jsKernels } from './kernels-js';
import type { Kernels } from './kernels';
import { hasSimpleOutputDelta, losses, type Loss } from './losses';
import type { Rng } from './rng';
import type { NetworkSpec } from './spec';
import { specProblems, throwIfProblems } from './validate';

export type Precision = 'float32' | 'float64';

/**
 * The forward caches and deltas of one batch, laid out once per batch size and reused.
 * Index l runs over layers as in the equations: a[0] is the input batch, a[L] the output.
 * Every array holds one row per sample (rows × units(l)).
 */
export interface Workspace {
  rows: number;
  z: FloatArray[];
  a: FloatArray[];
  delta: FloatArray[];
  /** Targets y for the rows of the batch. */
  y: FloatArray;
  /** sparse[l]: layer l's input a[l−1] was sparse enough for the zero-skipping products (set by feedforward). */
  sparse: boolean[];
}

/** ∂C/∂w^l and ∂C/∂b^l for every layer, indexed like the weights. */
export interface Gradients {
  nablaW: FloatArray[];
  nablaB: FloatArray[];
}

/**
 * A fully connected network in Nielsen's notation. Layers are numbered l = 0…L with 0 the input;
 * w[l] is units(l) × units(l−1) (row j = neuron j of layer l, column k = neuron k of layer l−1),
 * so z[l] = w[l]·a[l−1] + b[l] and a[l] = σ(z[l]). w[0] and b[0] are empty.
 */
export class Network {
  readonly sizes: number[];
  readonly L: number;
  readonly w: FloatArray[];
  readonly b: FloatArray[];
  readonly sigma: Activation[];
  readonly loss: Loss;
  readonly simpleOutputDelta: boolean;
  kernels: Kernels;
  private readonly workspaces = new Map<number, Workspace>();

  constructor(
    readonly spec: NetworkSpec,
    readonly precision: Precision = 'float32',
    kernels: Kernels = jsKernels,
  ) {
    throwIfProblems(specProblems(spec));
    this.kernels = kernels;
    this.sizes = [spec.inputSize, ...spec.layers.map((layer) => layer.units)];
    this.L = spec.layers.length;
    this.w = this.sizes.map((n, l) => this.alloc(l === 0 ? 0 : n * this.sizes[l - 1]!));
    this.b = this.sizes.map((n, l) => this.alloc(l === 0 ? 0 : n));
    // sigma[0] is never used; it keeps sigma[l] aligned with the layer numbers.
    this.sigma = [activations.linear, ...spec.layers.map((layer) => activations[layer.activation])];
    this.loss = losses[spec.loss];
    this.simpleOutputDelta = hasSimpleOutputDelta(spec.loss, spec.layers[this.L - 1]!.activation);
  }

  /** A new network with weights drawn by the spec's initialisation scheme. */
  static create(spec: NetworkSpec, rng: Rng, precision: Precision = 'float32', kernels?: Kernels): Network {
    const net = new Network(spec, precision, kernels);
    for (let l = 1; l <= net.L; l++) initialise(spec.init, net.w[l]!, net.b[l]!, net.sizes[l - 1]!, net.sizes[l]!, rng);
    return net;
  }

  alloc(n: number): FloatArray {
    if (this.precision === 'float64') return new Float64Array(n);
    return this.kernels.alloc?.(n) ?? new Float32Array(n);
  }

  /** Number of trainable parameters in layer l (weights + biases), as in Keras's summary. */
  parameterCount(l?: number): number {
    if (l !== undefined) return this.w[l]!.length + this.b[l]!.length;
    let total = 0;
    for (let i = 1; i <= this.L; i++) total += this.parameterCount(i);
    return total;
  }

  /** Copies weights and biases from another network (or saved arrays) of the same shape. */
  setParameters(w: ArrayLike<number>[], b: ArrayLike<number>[]): void {
    for (let l = 1; l <= this.L; l++) {
      if (w[l]!.length !== this.w[l]!.length || b[l]!.length !== this.b[l]!.length)
        throw new ShapeError(`Layer ${l}: expected w ${this.sizes[l]}×${this.sizes[l - 1]} and b ${this.sizes[l]}.`);
      this.w[l]!.set(w[l]!);
      this.b[l]!.set(b[l]!);
    }
  }

  /** A zeroed set of gradient buffers shaped like the parameters. */
  createGradients(): Gradients {
    return { nablaW: this.w.map((w) => this.alloc(w.length)), nablaB: this.b.map((b) => this.alloc(b.length)) };
  }

  /** The buffers for a batch of `rows` samples, made on first use and then reused. */
  workspace(rows: number): Workspace {
    let ws = this.workspaces.get(rows);
    if (!ws) {
      ws = {
        rows,
        z: this.sizes.map((n) => this.alloc(rows * n)),
        a: this.sizes.map((n) => this.alloc(rows * n)),
        delta: this.sizes.map((n, l) => this.alloc(l === 0 ? 0 : rows * n)),
        y: this.alloc(rows * this.sizes[this.L]!),
        sparse: this.sizes.map(() => false),
      };
      this.workspaces.set(rows, ws);
    }
    return ws;
  }

  /** Feeds ws.a[0] forward; afterwards ws.z[l] and ws.a[l] hold every layer's values. */
  feedforward(ws: Workspace): FloatArray {
    const k = this.kernels;
    const rows = ws.rows;
    for (let l = 1; l <= this.L; l++) {
      const n = this.sizes[l]!;
      const nPrev = this.sizes[l - 1]!;
      const input = ws.a[l - 1]!;
      // Per batch, since density depends on the data (MNIST input ~0.2, sigmoid layers 1, ReLU ~0.5).
      const sparse = k.density ? k.density(input, rows * nPrev) < (k.sparseBelow ?? 0) : false;
      ws.sparse[l] = sparse;
      const sigma = this.sigma[l]!;
      if (k.matMulABtActivate?.(input, this.w[l]!, this.b[l]!, ws.z[l]!, ws.a[l]!, rows, n, nPrev, sigma.name, sparse)) continue;
      k.matMulABt(input, this.w[l]!, ws.z[l]!, rows, n, nPrev, this.b[l]!, sparse);
      sigma.forward(ws.z[l]!, ws.a[l]!, rows, n);
    }
    return ws.a[this.L]!;
  }

  /** Σ_x C_x over the rows of the batch, after feedforward. */
  batchCost(ws: Workspace): number {
    const n = this.sizes[this.L]!;
    const a = ws.a[this.L]!;
    let sum = 0;
    for (let r = 0; r < ws.rows; r++) sum += this.loss.value(a, ws.y, r * n, n);
    return sum;
  }

  /**
   * Backpropagation over a whole batch (after feedforward), BP1–BP4 as matrix products:
   *   BP1 δ^L = ∇_a C ⊙ σ'(z^L)
   *   BP2 δ^l = (δ^{l+1} · w^{l+1}) ⊙ σ'(z^l)      (rows are samples, hence no transpose)
   *   BP3 ∂C/∂b^l = Σ_x δ^l_x
   *   BP4 ∂C/∂w^l = δ^lᵀ · a^{l−1}
   * Every δ is multiplied by `scale` (1/n for the mean cost over n samples). With `accumulate` the
   * gradients are added to `grads`, so a large batch can be processed in chunks.
   */
  backprop(ws: Workspace, grads: Gradients, scale: number, accumulate = false): void {
    const k = this.kernels;
    const L = this.L;
    const rows = ws.rows;
    const nOut = this.sizes[L]!;
    const aL = ws.a[L]!;
    const deltaL = ws.delta[L]!;
    const count = rows * nOut;
    const softmaxOut = this.sigma[L]!.name === 'softmax';
    if (this.simpleOutputDelta && k.outputDelta?.(aL, ws.y, deltaL, rows, nOut, scale, softmaxOut)) {
      // δ^L computed by the kernels (see below for the formula).
    } else if (this.simpleOutputDelta) {
      // Softmax + cross-entropy/KL: δ^L = a·Σy − y, which is a − y when the targets sum to 1 (one-hot).
      // Sigmoid + BCE: δ^L = a − y for any targets.
      for (let r = 0; r < rows; r++) {
        const o = r * nOut;
        let sumY = 1;
        if (softmaxOut) {
          sumY = 0;
          for (let c = 0; c < nOut; c++) sumY += ws.y[o + c]!;
        }
        for (let i = o; i < o + nOut; i++) deltaL[i] = (aL[i]! * sumY - ws.y[i]!) * scale;
      }
    } else {
      // The quadratic cost's ∇_a C = a − y is the kernels' output delta without Σy.
      if (!(this.loss.name === 'quadratic' && k.outputDelta?.(aL, ws.y, deltaL, rows, nOut, scale, false))) {
        for (let r = 0; r < rows; r++) this.loss.gradient(aL, ws.y, deltaL, r * nOut, nOut);
        for (let i = 0; i < count; i++) deltaL[i] = deltaL[i]! * scale;
      }
      this.activationBackward(L, ws, deltaL);
    }
    for (let l = L; l >= 1; l--) {
      const n = this.sizes[l]!;
      const nPrev = this.sizes[l - 1]!;
      k.sumRows(ws.delta[l]!, grads.nablaB[l]!, rows, n, accumulate);
      k.matMulAtB(ws.delta[l]!, ws.a[l - 1]!, grads.nablaW[l]!, n, nPrev, rows, accumulate, ws.sparse[l]);
      if (l > 1) {
        k.matMulAB(ws.delta[l]!, this.w[l]!, ws.delta[l - 1]!, rows, nPrev, n);
        this.activationBackward(l - 1, ws, ws.delta[l - 1]!);
      }
    }
  }

  /** g ⊙= σ'(z^l) over the batch, in the kernels when they have σ. */
  private activationBackward(l: number, ws: Workspace, g: FloatArray): void {
    const sigma = this.sigma[l]!;
    const n = this.sizes[l]!;
    if (!this.kernels.activationBackward?.(sigma.name, ws.z[l]!, ws.a[l]!, g, ws.rows, n))
      sigma.backward(ws.z[l]!, ws.a[l]!, g, ws.rows, n);
  }

  /** The output vector for one input (a copy). */
  predict(x: ArrayLike<number>): Float32Array {
    if (x.length !== this.sizes[0]) throw new ShapeError(`Expected ${this.sizes[0]} inputs, got ${x.length}.`);
    const ws = this.workspace(1);
    ws.a[0]!.set(x);
    return Float32Array.from(this.feedforward(ws));
  }
}
