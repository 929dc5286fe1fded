/** The training recipes' side of window.lab (verbs.ts): the learning-rate finder and sweeps. */
import type { LrFinderResult } from '../engine/lr-finder';
import type { SweepAxis, SweepPoint } from '../engine/sweep';

export type { LrFinderPoint, LrFinderResult } from '../engine/lr-finder';
export type { SweepAxis, SweepPoint, SweepSetting, SweepValues } from '../engine/sweep';

/** Most runs one sweep may queue (a grid of two 10-value axes). */
export const MAX_SWEEP_RUNS = 100;

/** The finder's answer: its result, or that it was cancelled (not an error: the person asked for it). */
export type FinderReply = { status: 'found'; finderId: string; result: LrFinderResult } | { status: 'cancelled'; finderId: string };

/** How far a finder has got: the share of its planned batches done (it may end early, where the loss diverges). */
export interface FinderProgressEvent {
  type: 'finder-progress';
  finderId: string;
  fraction: number;
}

/** What a run made by a sweep records of it (on RunSummary): the window regroups a sweep from its runs. */
export interface RunSweepTag {
  id: string;
  name: string;
  /** The settings varied, as the sweep was asked for (the same on every run of the sweep). */
  axes: SweepAxis[];
  /** This run's values, keyed by axis name (`lr`, `units2`). */
  point: SweepPoint;
  /** Set for a random search: how many points it drew. */
  budget?: number;
}

export interface SweepStarted {
  sweepId: string;
  name: string;
  /** The runs queued, in the sweep's order (the first axis varying slowest). */
  runIds: string[];
}
