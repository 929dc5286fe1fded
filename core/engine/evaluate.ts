import type { Samples } from '../data/dataset';
import type { FloatArray } from './activations';
import type { Network, Workspace } from './network';

/** Rows fed forward at once while evaluating: large enough for fast products, small enough for memory. */
const CHUNK = 500;

export interface Misclassified {
  index: number;
  label: number;
  predicted: number;
  outputs: Float32Array;
}

export interface LayerHealth {
  layer: number;
  /** Share of (unit, sample) pairs where a sigmoid/tanh unit sits on a flat tail (σ' ≈ 0); null for other activations. */
  saturated: number | null;
  /** Share of ReLU units that never fired on any sample; null for other activations. */
  dead: number | null;
}

export interface Evaluation {
  count: number;
  /** Mean cost C over the samples. */
  loss: number;
  /** Share of samples whose largest output is the labelled class; null without labels. */
  accuracy: number | null;
  /** confusion[true][predicted] counts; present when asked for and labels exist. */
  confusion?: number[][];
  misclassified?: Misclassified[];
  health?: LayerHealth[];
}

export interface EvaluateOptions {
  confusion?: boolean;
  misclassified?: boolean;
  health?: boolean;
}

export function argmax(a: FloatArray | Float32Array, offset: number, n: number): number {
  let best = 0;
  let max = a[offset]!;
  for (let i = 1; i < n; i++) {
    if (a[offset + i]! > max) {
      max = a[offset + i]!;
      best = i;
    }
  }
  return best;
}

/** Copies rows [start, start+rows) of a split into the workspace's input and target buffers. */
export function loadRows(ws: Workspace, samples: Samples, start: number, rows: number): void {
  const width = samples.inputSize;
  const raw = samples.raw;
  // Byte-backed samples are scaled row by row as read (rows.ts), so their float32 inputs are never made.
  if (raw) for (let r = 0; r < rows; r++) raw.scaleRow(raw.values, (start + r) * width, ws.a[0]!, r * width);
  else ws.a[0]!.set(samples.inputs.subarray(start * width, (start + rows) * width));
  ws.y.set(samples.targets.subarray(start * samples.outputSize, (start + rows) * samples.outputSize));
}

/** Copies the chosen rows of a split, in order, into `ws` (one at a time through the network's one-row workspace, so any selection works). */
export function loadChosenRows(net: Network, ws: Workspace, samples: Samples, rows: readonly number[]): void {
  const one = net.workspace(1);
  rows.forEach((row, r) => {
    loadRows(one, samples, row, 1);
    ws.a[0]!.set(one.a[0]!, r * samples.inputSize);
    ws.y.set(one.y, r * samples.outputSize);
  });
}

/** Loss and accuracy on a split, plus the confusion matrix, the mistakes and unit health on request. */
export function evaluate(net: Network, samples: Samples, options: EvaluateOptions = {}): Evaluation {
  const nOut = net.sizes[net.L]!;
  const labels = samples.labels;
  const confusion = options.confusion && labels ? Array.from({ length: nOut }, () => new Array<number>(nOut).fill(0)) : undefined;
  const misclassified: Misclassified[] | undefined = options.misclassified && labels ? [] : undefined;
  const health = options.health ? new HealthCounter(net) : undefined;
  let cost = 0;
  let correct = 0;
  for (let start = 0; start < samples.count; start += CHUNK) {
    const rows = Math.min(CHUNK, samples.count - start);
    const ws = net.workspace(rows);
    loadRows(ws, samples, start, rows);
    const out = net.feedforward(ws);
    cost += net.batchCost(ws);
    health?.add(ws);
    if (!labels) continue;
    for (let r = 0; r < rows; r++) {
      const predicted = argmax(out, r * nOut, nOut);
      const label = labels[start + r]!;
      if (predicted === label) correct++;
      else misclassified?.push({ index: start + r, label, predicted, outputs: Float32Array.from(out.subarray(r * nOut, (r + 1) * nOut)) });
      if (confusion) confusion[label]![predicted]!++;
    }
  }
  const result: Evaluation = {
    count: samples.count,
    loss: samples.count ? cost / samples.count : NaN,
    accuracy: labels && samples.count ? correct / samples.count : null,
  };
  if (confusion) result.confusion = confusion;
  if (misclassified) result.misclassified = misclassified;
  if (health) result.health = health.result();
  return result;
}

/** Counts saturated sigmoid/tanh units and ReLU units that never fire, over all evaluated rows. */
class HealthCounter {
  private saturated: number[];
  private everFired: Uint8Array[];
  private rows = 0;

  constructor(private readonly net: Network) {
    this.saturated = net.sizes.map(() => 0);
    this.everFired = net.sizes.map((n) => new Uint8Array(n));
  }

  add(ws: Workspace): void {
    const net = this.net;
    this.rows += ws.rows;
    for (let l = 1; l <= net.L; l++) {
      const name = net.sigma[l]!.name;
      const n = net.sizes[l]!;
      const a = ws.a[l]!;
      const total = ws.rows * n;
      if (name === 'sigmoid') {
        let s = 0;
        for (let i = 0; i < total; i++) if (a[i]! < 0.02 || a[i]! > 0.98) s++;
        this.saturated[l]! += s;
      } else if (name === 'tanh') {
        let s = 0;
        for (let i = 0; i < total; i++) if (Math.abs(a[i]!) > 0.96) s++;
        this.saturated[l]! += s;
      } else if (name === 'relu' || name === 'leaky-relu') {
        const fired = this.everFired[l]!;
        const z = ws.z[l]!;
        for (let i = 0; i < total; i++) if (z[i]! > 0) fired[i % n] = 1;
      }
    }
  }

  result(): LayerHealth[] {
    const net = this.net;
    const out: LayerHealth[] = [];
    for (let l = 1; l <= net.L; l++) {
      const name = net.sigma[l]!.name;
      const n = net.sizes[l]!;
      const saturated = name === 'sigmoid' || name === 'tanh' ? this.saturated[l]! / Math.max(1, this.rows * n) : null;
      let dead: number | null = null;
      if (name === 'relu' || name === 'leaky-relu') {
        let never = 0;
        for (const f of this.everFired[l]!) if (!f) never++;
        dead = never / n;
      }
      out.push({ layer: l, saturated, dead });
    }
    return out;
  }
}
