/**
 * A sweep's results as the window shows them, regrouped from the runs list (each run records its
 * sweep and its point): a row per run with its best validation accuracy and final losses, sorting,
 * the best run, and the cells of the chart (accuracy against one setting, or a heatmap for two).
 */
import { axisName, type SweepAxis, type SweepPoint } from '@core/engine/sweep';
import type { RunStatus, RunSummary } from '@core/lab/contract';

export interface SweepGroup {
  id: string;
  name: string;
  axes: SweepAxis[];
  budget?: number;
  /** In the order they were queued. */
  runs: RunSummary[];
}

export interface SweepRow {
  runId: string;
  point: SweepPoint;
  status: RunStatus;
  /** Best validation accuracy over the run's epochs, and the epoch it came at (null before the first epoch). */
  bestValidationAccuracy: number | null;
  bestEpoch: number | null;
  trainLoss: number | null;
  validationLoss: number | null;
  epochs: number;
  seconds: number;
}

/** The sweeps in the runs list, newest first. */
export function sweepGroups(runs: readonly RunSummary[]): SweepGroup[] {
  const groups = new Map<string, SweepGroup>();
  for (const run of [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))) {
    const tag = run.sweep;
    if (!tag) continue;
    let group = groups.get(tag.id);
    if (!group)
      groups.set(tag.id, (group = { id: tag.id, name: tag.name, axes: tag.axes, runs: [], ...(tag.budget ? { budget: tag.budget } : {}) }));
    group.runs.push(run);
  }
  return [...groups.values()].reverse();
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function sweepRow(run: RunSummary): SweepRow {
  let best: { accuracy: number; epoch: number } | null = null;
  for (const r of run.history) {
    const accuracy = finite(r.validationAccuracy);
    if (accuracy !== null && (best === null || accuracy > best.accuracy)) best = { accuracy, epoch: r.epoch };
  }
  const last = run.history.at(-1);
  return {
    runId: run.id,
    point: run.sweep?.point ?? {},
    status: run.status,
    bestValidationAccuracy: best?.accuracy ?? null,
    bestEpoch: best?.epoch ?? null,
    trainLoss: finite(last?.trainLoss),
    validationLoss: finite(last?.validationLoss),
    epochs: last?.epoch ?? 0,
    seconds: run.history.reduce((sum, r) => sum + (finite(r.seconds) ?? 0), 0),
  };
}

export type SortKey = 'bestValidationAccuracy' | 'trainLoss' | 'validationLoss' | 'epochs' | 'seconds' | `axis:${string}`;

/** Rows sorted by a column; missing values always last, whichever the direction. */
export function sortRows(rows: readonly SweepRow[], key: SortKey, descending: boolean): SweepRow[] {
  const value = (row: SweepRow): number | string | null =>
    key.startsWith('axis:') ? (row.point[key.slice(5)] ?? null) : (row[key as keyof SweepRow] as number | null);
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}

/** The run with the highest best validation accuracy (the first of a tie), if any run has one. */
export function bestRow(rows: readonly SweepRow[]): SweepRow | null {
  let best: SweepRow | null = null;
  for (const row of rows)
    if (row.bestValidationAccuracy !== null && (best === null || row.bestValidationAccuracy > best.bestValidationAccuracy!)) best = row;
  return best;
}

/** Each axis's values in the order the runs were queued (the grid's order), without repeats. */
export function axisLevels(group: SweepGroup): (number | string)[][] {
  return group.axes.map((axis) => {
    const name = axisName(axis);
    const seen: (number | string)[] = [];
    for (const run of group.runs) {
      const v = run.sweep?.point[name];
      if (v !== undefined && !seen.includes(v)) seen.push(v);
    }
    return typeof seen[0] === 'number' ? (seen as number[]).sort((a, b) => a - b) : seen;
  });
}

export interface HeatCell {
  x: number | string;
  y: number | string;
  /** The best validation accuracy of the run(s) there (the highest, when a random search drew the point twice); null: none yet. */
  accuracy: number | null;
  runId: string | null;
}

/** The heatmap of a two-setting sweep: rows by the second axis, columns by the first. */
export function heatmap(
  group: SweepGroup,
  rows: readonly SweepRow[],
): { xs: (number | string)[]; ys: (number | string)[]; cells: HeatCell[][] } {
  const [xs = [], ys = []] = axisLevels(group);
  const [xName, yName] = group.axes.map(axisName) as [string, string];
  const cells = ys.map((y) =>
    xs.map((x) => {
      let cell: HeatCell = { x, y, accuracy: null, runId: null };
      for (const row of rows)
        if (
          row.point[xName] === x &&
          row.point[yName] === y &&
          (cell.accuracy === null || (row.bestValidationAccuracy ?? -1) > cell.accuracy)
        )
          cell = { x, y, accuracy: row.bestValidationAccuracy, runId: row.runId };
      return cell;
    }),
  );
  return { xs, ys, cells };
}

/** A one-setting sweep's points for the chart: x its value, y the best validation accuracy (runs without one are left out). */
export function accuracyPoints(group: SweepGroup, rows: readonly SweepRow[]): { x: number | string; y: number }[] {
  const name = axisName(group.axes[0]!);
  return rows.flatMap((row) => {
    const x = row.point[name];
    return x === undefined || row.bestValidationAccuracy === null ? [] : [{ x, y: row.bestValidationAccuracy }];
  });
}

/** Whether a numeric axis reads best on a log scale (positive values spanning more than ten times). */
export function isLogAxis(values: readonly (number | string)[]): boolean {
  const nums = values.filter((v): v is number => typeof v === 'number');
  return nums.length === values.length && nums.length > 1 && nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) > 10;
}
