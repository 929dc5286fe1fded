import { activations, type Activation, type FloatArray } from './activations';
import { ShapeError } from './errors';
import { initialise } from './init';
import { jsKernels } from './kernels-js';
import type { Kernels } from './kernels';
import { hasSimpleOutputDelta, losses, type Loss } from './losses';
import { layerOp } from './layers';
import type { LayerOp } from './layers/types';
import { Rng } from './rng';
import { layerNumber } from './notation';
import { layerShapes, parameterShapes, type LayerShape } from './shapes';
import { layerActivation, type NetworkSpec } from './spec';
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
  /** The last feedforward was a training one (dropout masks drawn, batchnorm on batch statistics). */
  training: boolean;
}

/** ∂C/∂w^l and ∂C/∂b^l for every layer, indexed like the weights. */
export interface Gradients {
  nablaW: FloatArray[];
  nablaB: FloatArray[];
}

/**
 * A network in Nielsen's notation. Layers are numbered l = 0…L with 0 the input. A dense layer's
 * w[l] is units(l) × units(l−1) (row j = neuron j of layer l, column k = neuron k of layer l−1),
 * so z[l] = w[l]·a[l−1] + b[l] and a[l] = σ(z[l]); w[0] and b[0] are empty. Convolution, pooling,
 * dropout and batchnorm layers are LayerOps (core/engine/layers/): each sample's values are stored
 * in CHW order, so a dense layer after a spatial one reads it flattened as it is.
 */
export class Network {
  /** Values per sample of every layer l = 0…L (C·H·W for a spatial one). */
  readonly sizes: number[];
  readonly shapes: LayerShape[];
  /** ops[l]: the operation of a layer that is not dense (undefined for dense layers and l = 0). */
  readonly ops: (LayerOp | undefined)[];
  /** Batchnorm's running mean and variance per layer (empty arrays for other layers). */
  readonly state: { mean: FloatArray[]; variance: FloatArray[] };
  /** Where dropout draws its masks in training; the Trainer hands it the run's seeded Rng. */
  rng = new Rng(0x0d0);
  readonly L: number;
  readonly w: FloatArray[];
  readonly b: FloatArray[];
  readonly sigma: Activation[];
  readonly loss: Loss;
  /** δ^L has the fused form a·s − y (see backprop): 'sum-y' with s = Σ_j y_j (softmax), 'plain' with s = 1 (sigmoid). */
  readonly fusedOutputDelta?: 'sum-y' | 'plain';
  kernels: Kernels;
  /**
   * Counts setParameters() calls: whoever caches something about the weights (the trainer's bound
   * on max |p|) knows it went stale. Write parameters through setParameters, not into w and b.
   */
  parameterVersion = 0;
  private readonly workspaces = new Map<number, Workspace>();

  constructor(
    readonly spec: NetworkSpec,
    readonly precision: Precision = 'float32',
    kernels: Kernels = jsKernels,
  ) {
    throwIfProblems(specProblems(spec));
    this.kernels = kernels;
    this.shapes = layerShapes(spec);
    this.sizes = this.shapes.map((shape) => shape.size);
    this.L = spec.layers.length;
    const params = parameterShapes(spec);
    this.w = params.map((p) => this.alloc(p.weights));
    this.b = params.map((p) => this.alloc(p.biases));
    this.state = { mean: params.map((p) => this.alloc(p.state)), variance: params.map((p) => this.alloc(p.state).fill(1)) };
    const current = (): Kernels => this.kernels;
    const context = {
      // Read through the network: a data-parallel run moves it onto other kernels (parallel/).
      get kernels() {
        return current();
      },
      alloc: (n: number) => this.alloc(n),
      // int32 and float32 are both 4 bytes: a float32 block of the kernels' memory viewed as indices.
      allocIndices: (n: number) => {
        const block = this.kernels.alloc(n);
        return new Int32Array(block.buffer, block.byteOffset, n);
      },
    };
    this.ops = this.shapes.map((shape, l) =>
      l === 0
        ? undefined
        : layerOp(
            spec.layers[l - 1]!,
            this.shapes[l - 1]!,
            shape,
            { mean: this.state.mean[l]!, variance: this.state.variance[l]! },
            context,
          ),
    );
    // sigma[0] is never used; it keeps sigma[l] aligned with the layer numbers.
    this.sigma = [activations.linear, ...spec.layers.map((layer) => activations[layerActivation(layer) ?? 'linear'])];
    this.loss = losses[spec.loss];
    const output = layerActivation(spec.layers[this.L - 1]!) ?? 'linear';
    if (hasSimpleOutputDelta(spec.loss, output)) this.fusedOutputDelta = output === 'softmax' ? 'sum-y' : 'plain';
  }

  /** A new network with weights drawn by the spec's initialisation scheme. */
  static create(spec: NetworkSpec, rng: Rng, precision: Precision = 'float32', kernels?: Kernels): Network {
    const net = new Network(spec, precision, kernels);
    for (let l = 1; l <= net.L; l++) {
      const layer = spec.layers[l - 1]!;
      if (layer.kind === 'conv') {
        // fan-in C·k·k and fan-out F·k·k, as Keras and PyTorch count them for a kernel
        const area = layer.kernel * layer.kernel;
        initialise(spec.init, net.w[l]!, net.b[l]!, net.shapes[l - 1]!.channels * area, layer.filters * area, rng);
      } else if (layer.kind === 'batchnorm')
        net.w[l]!.fill(1); // γ = 1, β = 0: the layer starts as a pure normalisation
      else if (!net.ops[l]) initialise(spec.init, net.w[l]!, net.b[l]!, net.sizes[l - 1]!, net.sizes[l]!, rng);
    }
    return net;
  }

  alloc(n: number): FloatArray {
    if (this.precision === 'float64') return new Float64Array(n);
    return this.kernels.alloc(n);
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
        throw new ShapeError(
          this.ops[l]
            ? `Layer ${layerNumber(l)}: expected ${this.w[l]!.length} weights and ${this.b[l]!.length} biases; got ${w[l]!.length} and ${b[l]!.length}.`
            : `Layer ${layerNumber(l)}: expected w ${this.sizes[l]}×${this.sizes[l - 1]} and b ${this.sizes[l]}.`,
        );
      this.w[l]!.set(w[l]!);
      this.b[l]!.set(b[l]!);
    }
    this.parameterVersion++;
  }

  /** Copies batchnorm's running statistics (indexed like w; layers without state have empty arrays). */
  setState(state: { mean: ArrayLike<number>[]; variance: ArrayLike<number>[] }): void {
    for (let l = 1; l <= this.L; l++) {
      const n = this.state.mean[l]!.length;
      if (state.mean[l]?.length !== n || state.variance[l]?.length !== n)
        throw new ShapeError(`Layer ${layerNumber(l)}: expected running statistics of ${n} values.`);
      this.state.mean[l]!.set(state.mean[l]!);
      this.state.variance[l]!.set(state.variance[l]!);
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
        training: false,
      };
      this.workspaces.set(rows, ws);
    }
    return ws;
  }

  /**
   * Feeds ws.a[0] forward; afterwards ws.z[l] and ws.a[l] hold every layer's values. `training`:
   * dropout drops (masks from this.rng) and batchnorm uses the batch's statistics; otherwise both
   * are as at inference.
   */
  feedforward(ws: Workspace, training = false): FloatArray {
    const k = this.kernels;
    const rows = ws.rows;
    ws.training = training;
    for (let l = 1; l <= this.L; l++) {
      const op = this.ops[l];
      if (op) {
        op.forward(this.w[l]!, this.b[l]!, { rows, input: ws.a[l - 1]!, z: ws.z[l]!, a: ws.a[l]!, training, rng: this.rng });
        continue;
      }
      const n = this.sizes[l]!;
      const nPrev = this.sizes[l - 1]!;
      const input = ws.a[l - 1]!;
      // Per batch, since density depends on the data (MNIST input ~0.2, sigmoid layers 1, ReLU ~0.5).
      const sparse = k.density(input, rows * nPrev) < k.sparseBelow;
      ws.sparse[l] = sparse;
      k.matMulABtActivate(input, this.w[l]!, this.b[l]!, ws.z[l]!, ws.a[l]!, rows, n, nPrev, this.sigma[l]!.name, sparse);
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
    const { kernels: k, L, sizes } = this;
    const { rows, z, a, delta } = ws;
    this.outputDelta(ws, scale); // BP1
    for (let l = L; l >= 1; l--) {
      const n = sizes[l]!;
      const nPrev = sizes[l - 1]!;
      const op = this.ops[l];
      if (op) {
        op.backward(this.w[l]!, this.b[l]!, {
          rows,
          input: a[l - 1]!,
          delta: delta[l]!,
          inputDelta: l > 1 ? delta[l - 1] : undefined,
          nablaW: grads.nablaW[l]!,
          nablaB: grads.nablaB[l]!,
          accumulate,
          training: ws.training,
        });
        if (l > 1) k.activationBackward(this.sigma[l - 1]!.name, z[l - 1]!, a[l - 1]!, delta[l - 1]!, rows, nPrev);
        continue;
      }
      k.sumRows(delta[l]!, grads.nablaB[l]!, rows, n, accumulate); // BP3
      k.matMulAtB(delta[l]!, a[l - 1]!, grads.nablaW[l]!, n, nPrev, rows, accumulate, ws.sparse[l]); // BP4
      if (l === 1) break;
      k.matMulAB(delta[l]!, this.w[l]!, delta[l - 1]!, rows, nPrev, n); // BP2: δ^l · w^l …
      k.activationBackward(this.sigma[l - 1]!.name, z[l - 1]!, a[l - 1]!, delta[l - 1]!, rows, nPrev); // … ⊙ σ'(z^{l−1})
    }
  }

  /**
   * BP1 times `scale`: δ^L = ∇_a C ⊙ σ'(z^L). Where σ' cancels against the loss's denominator the
   * kernels' fused form δ^L = a·s − y is exact and avoids dividing by a saturated σ':
   * softmax + cross-entropy or KL divergence, s = Σ_j y_j (so a − y for one-hot targets);
   * sigmoid + binary cross-entropy, s = 1.
   */
  private outputDelta(ws: Workspace, scale: number): void {
    const { kernels: k, L } = this;
    const n = this.sizes[L]!;
    const aL = ws.a[L]!;
    const deltaL = ws.delta[L]!;
    if (this.fusedOutputDelta) {
      k.outputDelta(aL, ws.y, deltaL, ws.rows, n, scale, this.fusedOutputDelta === 'sum-y');
    } else {
      k.lossGradient(this.loss.name, aL, ws.y, deltaL, ws.rows, n, scale);
      k.activationBackward(this.sigma[L]!.name, ws.z[L]!, aL, deltaL, ws.rows, n);
    }
  }

  /** The output vector for one input (a copy). */
  predict(x: ArrayLike<number>): Float32Array {
    if (x.length !== this.sizes[0]) throw new ShapeError(`Expected ${this.sizes[0]} inputs, got ${x.length}.`);
    const ws = this.workspace(1);
    ws.a[0]!.set(x);
    return Float32Array.from(this.feedforward(ws));
  }
}
