import type { FloatArray } from '../activations';
import { type BatchRows, CHUNK_ROWS } from '../batch-gradients';
import { argmax } from '../evaluate';
import type { Gradients, Network, Workspace } from '../network';
import type { NonFiniteValue } from '../overflow-guard';
import type { LossName, TrainSettings } from '../spec';
import { ACTIVATION_CODE, type WasmKernels } from './kernels-wasm';

/** What one batch gave: as the trainer's step-by-step path (chunkedGradients + OverflowGuard.update) reports it. */
export interface BatchOutcome {
  cost: number;
  correct: number;
  gradientNorms: number[];
  nonFinite: NonFiniteValue | undefined;
}

// The plan's layout, f64 words: keep in step with assembly/dense-step.ts. The header, then one block per layer.
// prettier-ignore
const H = {
  L: 0, ROWS: 1, LOSS: 2, DELTA: 3, OPTIMIZER: 4, ETA: 5, L2: 6, MU: 7, BETA1: 8, BETA2: 9, EPSILON: 10, C1: 11, C2: 12,
  SPARSE_BELOW: 13, FRESH: 14, GMAX: 15, LIST: 16, Y: 17, INPUT: 18, SCRATCH: 19, COST: 20, LAYER: 21, STEPPED: 22, ONE_PASS: 23,
} as const;
const LAYERS = 32;
const LAYER_WORDS = 24;
// prettier-ignore
const LW = {
  N_IN: 0, N_OUT: 1, ACT: 2, W: 3, B: 4, NABLA_W: 5, NABLA_B: 6, Z: 7, A: 8, DELTA: 9,
  S1_W: 10, S1_B: 11, S2_W: 12, S2_B: 13, PREV_W: 14, PREV_B: 15, NORM: 18,
} as const;

/** The losses the fused step computes, by code; each with δ^L as the step-by-step path takes it. */
const LOSS_CODE: Partial<Record<LossName, number>> = { quadratic: 1, 'cross-entropy': 2, 'kl-divergence': 3, 'binary-cross-entropy': 4 };
const OPTIMIZER_CODE = { sgd: 0, momentum: 1, adam: 2 } as const;
/** optimizers.ts's Adam hyper-parameters (createOptimizer passes none, so its defaults apply). */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

const isWasmKernels = (k: Network['kernels']): k is WasmKernels => k.name === 'wasm' && 'exports' in k && 'listStart' in k;

/**
 * Issue 17's fast path: one mini-batch of an all-dense float32 network on the wasm kernels in one
 * wasm call (assembly/dense-step.ts) after the batch's rows are gathered. The weights, gradients,
 * optimiser state and workspaces all live in wasm memory and the call runs the very kernels the
 * step-by-step path runs, in its order, with the overflow guard's checks and undo, so the numbers
 * are the same (tests: test/core/engine/dense-step.test.ts). `create` returns undefined where the
 * step-by-step path must run: float64, js kernels, a layer or loss the fused step lacks, batches
 * above CHUNK_ROWS, or buffers the arena could not place.
 */
export class DenseStep {
  private readonly plan: Float64Array;
  private readonly planAt: number;
  private readonly kernels: WasmKernels;
  private planRows = -1;
  /** Adam's step count t (a step that is undone still counts, as in optimizers.ts). */
  private t = 0;
  /** The network's parameterVersion the layers' max |w|, |b| in the plan belong to (−1: none). */
  private maximaVersion = -1;
  /** Batches whose first layer took the one-pass gradient and SGD step (assembly/gradient-step.ts), for tests. */
  onePassSteps = 0;

  static create(net: Network, rows: BatchRows, grads: Gradients, settings: TrainSettings, trainCount: number): DenseStep | undefined {
    const k = net.kernels;
    if (net.precision !== 'float32' || !isWasmKernels(k) || typeof k.exports.denseStep !== 'function') return undefined;
    if (settings.batchSize > CHUNK_ROWS) return undefined;
    // A union with `kind` once convolutional layers exist; absent or 'dense' means dense.
    const layers = net.spec.layers as readonly { kind?: string; activation: keyof typeof ACTIVATION_CODE }[];
    if (!layers.every((layer) => (layer.kind ?? 'dense') === 'dense' && ACTIVATION_CODE[layer.activation] !== undefined)) return undefined;
    if (LOSS_CODE[net.spec.loss] === undefined || (net.spec.loss !== 'quadratic' && !net.fusedOutputDelta)) return undefined;
    if (net.sizes.some((n) => n >> 1 > k.maxList)) return undefined;
    const step = new DenseStep(net, k, rows, grads, settings);
    const last = trainCount % settings.batchSize || settings.batchSize;
    const placed = [settings.batchSize, last].every((count) => step.placed(net.workspace(count)));
    return placed && step.statePlaced ? step : undefined;
  }

  private readonly statePlaced: boolean;

  private constructor(
    private readonly net: Network,
    kernels: WasmKernels,
    private readonly rows: BatchRows,
    private readonly grads: Gradients,
    private readonly settings: TrainSettings,
  ) {
    this.kernels = kernels;
    const { L, sizes } = net;
    const words = LAYERS + L * LAYER_WORDS;
    const floats = kernels.alloc(2 * words);
    this.plan = new Float64Array(floats.buffer, floats.byteOffset, words);
    this.planAt = floats.byteOffset;
    const p = this.plan;
    const fused = net.fusedOutputDelta;
    p[H.L] = L;
    p[H.LOSS] = LOSS_CODE[net.spec.loss]!;
    p[H.DELTA] = fused === 'sum-y' ? 2 : fused === 'plain' ? 1 : 0;
    p[H.OPTIMIZER] = OPTIMIZER_CODE[settings.optimizer];
    p[H.L2] = settings.l2;
    p[H.MU] = settings.momentum;
    p[H.BETA1] = ADAM.beta1;
    p[H.BETA2] = ADAM.beta2;
    p[H.EPSILON] = ADAM.epsilon;
    p[H.SPARSE_BELOW] = kernels.sparseBelow;
    p[H.LIST] = kernels.listStart;
    const buffers: FloatArray[] = [floats];
    const state = (n: number, needed: boolean): number => {
      if (!needed) return 0;
      const x = net.alloc(n);
      buffers.push(x);
      return x.byteOffset;
    };
    const optimizer = settings.optimizer;
    p[H.SCRATCH] = state(4 * sizes[0]!, optimizer === 'sgd');
    for (let l = 1; l <= L; l++) {
      const at = LAYERS + (l - 1) * LAYER_WORDS;
      const nW = sizes[l]! * sizes[l - 1]!;
      const nB = sizes[l]!;
      buffers.push(net.w[l]!, net.b[l]!, grads.nablaW[l]!, grads.nablaB[l]!);
      p[at + LW.N_IN] = sizes[l - 1]!;
      p[at + LW.N_OUT] = nB;
      p[at + LW.ACT] = ACTIVATION_CODE[net.sigma[l]!.name]!;
      p[at + LW.W] = net.w[l]!.byteOffset;
      p[at + LW.B] = net.b[l]!.byteOffset;
      p[at + LW.NABLA_W] = grads.nablaW[l]!.byteOffset;
      p[at + LW.NABLA_B] = grads.nablaB[l]!.byteOffset;
      p[at + LW.S1_W] = state(nW, optimizer !== 'sgd');
      p[at + LW.S1_B] = state(nB, optimizer !== 'sgd');
      p[at + LW.S2_W] = state(nW, optimizer === 'adam');
      p[at + LW.S2_B] = state(nB, optimizer === 'adam');
      p[at + LW.PREV_W] = state(nW, true);
      p[at + LW.PREV_B] = state(nB, true);
    }
    this.statePlaced = buffers.every((x) => this.inMemory(x));
  }

  /**
   * One mini-batch: the shuffled rows [first, first + count) at η = `eta`, as Trainer.step's
   * step-by-step path takes it (gradient of the mean cost, then the guarded optimiser step).
   */
  step(first: number, count: number, eta: number): BatchOutcome {
    const { net, plan: p } = this;
    const ws = net.workspace(count);
    if (count !== this.planRows) this.pointAt(ws);
    this.rows.load(ws, first, count);
    p[H.ETA] = eta;
    if (this.settings.optimizer === 'adam') {
      p[H.C1] = 1 - ADAM.beta1 ** (this.t + 1);
      p[H.C2] = 1 - ADAM.beta2 ** (this.t + 1);
    }
    const version = net.parameterVersion;
    p[H.FRESH] = this.maximaVersion === version ? 1 : 0;
    const code = this.kernels.exports.denseStep(this.planAt);
    if (p[H.STEPPED]) this.t++;
    if (p[H.ONE_PASS]) this.onePassSteps++;
    const gradientNorms: number[] = [];
    for (let l = 1; l <= net.L; l++) gradientNorms.push(p[LAYERS + (l - 1) * LAYER_WORDS + LW.NORM]!);
    const outcome: BatchOutcome = { cost: p[H.COST]!, correct: this.correct(ws, first, count), gradientNorms, nonFinite: undefined };
    const layer = p[H.LAYER]!;
    switch (code) {
      case 0:
        this.maximaVersion = version;
        break;
      case 1:
        outcome.nonFinite = { what: 'loss' };
        break;
      case 2:
        outcome.nonFinite = { what: 'gradient', layer };
        break;
      case 3:
        this.maximaVersion = -1;
        outcome.nonFinite = { what: 'weight', layer };
        break;
      default:
        this.maximaVersion = -1;
        throw new Error("An update bounded as finite overflowed: the optimiser's maxChange is wrong.");
    }
    return outcome;
  }

  /** How many rows of the batch the network classified right (argmax against the label), as chunkedGradients counts. */
  private correct(ws: Workspace, first: number, count: number): number {
    const { label } = this.rows;
    if (!label) return 0;
    const nOut = this.net.sizes[this.net.L]!;
    const out = ws.a[this.net.L]!;
    let correct = 0;
    for (let r = 0; r < count; r++) if (argmax(out, r * nOut, nOut) === label(first + r)) correct++;
    return correct;
  }

  /** The plan's batch buffers: those of the workspace for `ws.rows` rows. */
  private pointAt(ws: Workspace): void {
    const p = this.plan;
    p[H.ROWS] = ws.rows;
    p[H.Y] = ws.y.byteOffset;
    p[H.INPUT] = ws.a[0]!.byteOffset;
    for (let l = 1; l <= this.net.L; l++) {
      const at = LAYERS + (l - 1) * LAYER_WORDS;
      p[at + LW.Z] = ws.z[l]!.byteOffset;
      p[at + LW.A] = ws.a[l]!.byteOffset;
      p[at + LW.DELTA] = ws.delta[l]!.byteOffset;
    }
    this.planRows = ws.rows;
  }

  private placed(ws: Workspace): boolean {
    return [ws.y, ...ws.z, ...ws.a, ...ws.delta].every((x) => this.inMemory(x));
  }

  private inMemory(x: FloatArray): boolean {
    return x instanceof Float32Array && x.buffer === this.kernels.memory.buffer;
  }
}
