/**
 * The run record's events (η changed, paused, resumed, a single step, rolled back) as markers on a
 * chart: one dataset of points per kind, each sitting on the chart's main line at the event's x,
 * drawn with its own shape and listed in the legend. Each point carries its event's words (`note`),
 * which the tooltip shows.
 */
import type { RunRecordEvent, RunRecordEventKind } from '@core/lab/contract';
import type { LineSet, Point } from '../charts/spec';
import { EVENT_LABELS, eventX } from './run-record';

/** A marker's point: where it sits, and what happened there. */
export interface MarkPoint extends Point {
  note: string;
}

const SHAPES: Record<RunRecordEventKind, { style: 'star' | 'rect' | 'rectRounded' | 'cross' | 'crossRot'; colour: string }> = {
  'learning-rate': { style: 'star', colour: '#d9480f' },
  pause: { style: 'rect', colour: '#868e96' },
  resume: { style: 'rectRounded', colour: '#2f9e44' },
  step: { style: 'cross', colour: '#7048e8' },
  rollback: { style: 'crossRot', colour: '#c92a2a' },
};

/** y of the line at x: the nearest point's (the line's points are sorted by x). */
function yAt(line: readonly Point[], x: number): number | null {
  if (line.length === 0) return null;
  let lo = 0;
  let hi = line.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (line[mid]!.x < x) lo = mid + 1;
    else hi = mid;
  }
  const after = line[lo]!;
  const before = line[lo - 1];
  return before && x - before.x < after.x - x ? before.y : after.y;
}

/** Marker datasets for the events, placed on `along` (nothing when it has no points yet). */
export function eventMarks(events: readonly RunRecordEvent[] | undefined, along: readonly Point[], batchesPerEpoch = 0): LineSet[] {
  if (!events?.length || along.length === 0) return [];
  const byKind = new Map<RunRecordEventKind, MarkPoint[]>();
  for (const e of events) {
    const x = eventX(e, batchesPerEpoch);
    const y = yAt(along, x);
    if (y === null || !Number.isFinite(y)) continue;
    const points = byKind.get(e.kind) ?? [];
    points.push({ x, y, note: `${EVENT_LABELS[e.kind]}: ${e.detail}` });
    byKind.set(e.kind, points);
  }
  return [...byKind].map(([kind, points]) => {
    const { style, colour } = SHAPES[kind];
    return {
      label: EVENT_LABELS[kind],
      data: points.sort((a, b) => a.x - b.x),
      showLine: false,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      // Crosses and stars are strokes only: a point's own border settings draw them.
      pointBorderColor: colour,
      pointBackgroundColor: colour,
      pointBorderWidth: 2.5,
      pointStyle: style,
      pointRadius: 6,
      pointHoverRadius: 8,
      order: -1,
    };
  });
}
