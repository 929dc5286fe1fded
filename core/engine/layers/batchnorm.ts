/**
 * Batch normalisation (Ioffe & Szegedy 2015). Each feature c — a channel after a spatial layer
 * (its statistics taken over every position), a unit after a dense one — is normalised and then
 * scaled and shifted by trained parameters γ_c (stored as w^l) and β_c (b^l):
 *
 *   x̂ = (a^{l−1} − μ_c) / √(σ²_c + ε)      z^l = a^l = γ_c · x̂ + β_c
 *
 * In training μ and σ² are the mini-batch's (biased variance) and the running averages are moved
 * towards them (running ← 0.9·running + 0.1·batch, the unbiased variance, as PyTorch); in
 * evaluation and inference the running ones are used, so a sample's output does not depend on its batch.
 * Backprop through the batch statistics, with N values per feature and δ = ∂C/∂z^l:
 *   ∂C/∂γ_c = Σ δ·x̂    ∂C/∂β_c = Σ δ
 *   ∂C/∂a^{l−1} = γ_c / (N·√(σ²_c + ε)) · (N·δ − Σδ − x̂·Σ δ·x̂)
 */
import type { FloatArray } from '../activations';
import type { LayerShape } from '../shapes';
import type { BackwardPass, ForwardPass, LayerContext, LayerOp } from './types';

export const BATCHNORM_EPSILON = 1e-5;
export const BATCHNORM_MOMENTUM = 0.1;

interface Scratch {
  xhat: FloatArray;
  invStd: Float64Array;
}

export class BatchNormLayer implements LayerOp {
  private readonly features: number;
  /** Values per feature per sample: height · width (1 after a dense layer). */
  private readonly spread: number;
  private readonly scratch = new Map<number, Scratch>();

  constructor(
    readonly input: LayerShape,
    readonly output: LayerShape,
    /** The running mean and variance (the network's state for this layer), updated in training. */
    readonly runningMean: FloatArray,
    readonly runningVariance: FloatArray,
    private readonly context: LayerContext,
  ) {
    this.features = input.channels;
    this.spread = input.height * input.width;
  }

  private buffers(rows: number): Scratch {
    let s = this.scratch.get(rows);
    if (!s) this.scratch.set(rows, (s = { xhat: this.context.alloc(rows * this.input.size), invStd: new Float64Array(this.features) }));
    return s;
  }

  forward(gamma: FloatArray, beta: FloatArray, { rows, input, z, a, training }: ForwardPass): void {
    const { features: C, spread: S } = this;
    const size = this.input.size;
    const s = this.buffers(rows);
    const N = rows * S;
    for (let c = 0; c < C; c++) {
      let mean: number;
      let variance: number;
      if (training) {
        let sum = 0;
        for (let r = 0; r < rows; r++) for (let i = r * size + c * S, e = i + S; i < e; i++) sum += input[i]!;
        mean = sum / N;
        let squares = 0;
        for (let r = 0; r < rows; r++)
          for (let i = r * size + c * S, e = i + S; i < e; i++) {
            const d = input[i]! - mean;
            squares += d * d;
          }
        variance = squares / N;
        const unbiased = N > 1 ? squares / (N - 1) : variance;
        this.runningMean[c] = (1 - BATCHNORM_MOMENTUM) * this.runningMean[c]! + BATCHNORM_MOMENTUM * mean;
        this.runningVariance[c] = (1 - BATCHNORM_MOMENTUM) * this.runningVariance[c]! + BATCHNORM_MOMENTUM * unbiased;
      } else {
        mean = this.runningMean[c]!;
        variance = this.runningVariance[c]!;
      }
      const inv = 1 / Math.sqrt(variance + BATCHNORM_EPSILON);
      s.invStd[c] = inv;
      const g = gamma[c]!;
      const bc = beta[c]!;
      for (let r = 0; r < rows; r++)
        for (let i = r * size + c * S, e = i + S; i < e; i++) {
          const x = (input[i]! - mean) * inv;
          s.xhat[i] = x;
          const y = g * x + bc;
          z[i] = y;
          a[i] = y;
        }
    }
  }

  backward(gamma: FloatArray, _b: FloatArray, { rows, delta, inputDelta, nablaW, nablaB, accumulate, training }: BackwardPass): void {
    const { features: C, spread: S } = this;
    const size = this.input.size;
    const s = this.buffers(rows);
    const N = rows * S;
    for (let c = 0; c < C; c++) {
      let sumD = 0;
      let sumDX = 0;
      for (let r = 0; r < rows; r++)
        for (let i = r * size + c * S, e = i + S; i < e; i++) {
          sumD += delta[i]!;
          sumDX += delta[i]! * s.xhat[i]!;
        }
      nablaW[c] = (accumulate ? nablaW[c]! : 0) + sumDX;
      nablaB[c] = (accumulate ? nablaB[c]! : 0) + sumD;
      if (!inputDelta) continue;
      const g = gamma[c]! * s.invStd[c]!;
      if (!training) {
        // The running statistics are constants: the layer is affine.
        for (let r = 0; r < rows; r++) for (let i = r * size + c * S, e = i + S; i < e; i++) inputDelta[i] = g * delta[i]!;
        continue;
      }
      const k = g / N;
      for (let r = 0; r < rows; r++)
        for (let i = r * size + c * S, e = i + S; i < e; i++) inputDelta[i] = k * (N * delta[i]! - sumD - s.xhat[i]! * sumDX);
    }
  }
}
