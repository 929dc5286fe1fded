/**
 * What training reports after every batch and epoch: types only, shared by the worker, the
 * service, the window.lab contract, the CLI and the renderer (which draws them).
 */
import type { LayerHealth } from './evaluate';

export interface NonFinite {
  what: 'loss' | 'gradient' | 'weight';
  /** Layer number l (1…L) whose gradient or weights went non-finite; absent for the loss. */
  layer?: number;
  epoch: number;
  batch: number;
}

export interface BatchReport {
  /** 1-based epoch and batch within it. */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Rows in this batch. */
  rows: number;
  /** Mean cost C over the batch (before the update). */
  loss: number;
  /** ‖∂C/∂w^l‖ for l = 1…L. */
  gradientNorms: number[];
  /** Set when this batch produced a non-finite loss, gradient or updated weight; its update was not applied. */
  nonFinite?: NonFinite;
  epochComplete: boolean;
}

export interface LayerMetrics extends LayerHealth {
  /** Mean over the epoch's batches of ‖∂C/∂w^l‖. */
  gradientNorm: number;
  /** ‖w^l‖ at the end of the epoch. */
  weightNorm: number;
}

export interface EpochReport {
  epoch: number;
  /** Mean batch cost over the epoch, and the share of its samples the network got right while training. */
  trainLoss: number;
  trainAccuracy: number | null;
  validationLoss?: number;
  validationAccuracy?: number | null;
  testLoss?: number;
  testAccuracy?: number | null;
  /** Training samples per second in this epoch (evaluation excluded). */
  samplesPerSecond: number;
  seconds: number;
  /** η of the epoch's last batch: a schedule's value or a person's mid-run choice (absent in files made before it was recorded). */
  learningRate?: number;
  layers: LayerMetrics[];
  /** Best validation (or test) accuracy so far — the epoch to keep. */
  isBest: boolean;
  /** Why training should stop after this epoch, if it should. */
  stopReason?: string;
  nonFinite?: NonFinite;
}
