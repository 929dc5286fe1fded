/**
 * Sweeps started from the window: one run per point of a grid (or of a random search) over one or
 * two settings of a design, each with validation on and the design's seed, queued through the run
 * queue like any run (maxConcurrent, threads). Every point's design is checked before the first run
 * is queued, so a sweep starts whole or not at all. The sweep lives on its runs' records (their
 * `sweep` tag): cancelling stops those that have not ended and keeps the finished ones, and the
 * window regroups a sweep from the runs list. A design started from a model file sweeps from it: every
 * run starts from the file's weights (the same ones), with its scaling; its layers cannot be varied.
 */
import { randomBytes } from 'node:crypto';
import { applyPoint, axisName, gridPoints, randomPoints, SweepError, type SweepAxis, type SweepPoint } from '../../engine/sweep';
import type { RunSummary, RunSweepTag, StartRunRequest, StartSweepRequest, SweepIdRequest, SweepStarted } from '../../lab/contract';
import { MAX_SWEEP_RUNS } from '../../lab/contract';
import { SpecError } from '../../engine/errors';
import { LabError } from '../errors';

export interface SweepRuns {
  /** Checks a run's request against its dataset as startRun does; throws why it cannot train. */
  check(request: StartRunRequest): Promise<void>;
  start(request: StartRunRequest, sweep: RunSweepTag): RunSummary;
  list(): RunSummary[];
  stop(request: { runId: string }): Promise<void>;
}

const ENDED: readonly RunSummary['status'][] = ['finished', 'stopped', 'failed'];

/** `lr=0.1 batch=64`: a point as the run's name shows it. */
export const pointText = (point: SweepPoint): string =>
  Object.entries(point)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

export class Sweeps {
  constructor(private readonly runs: SweepRuns) {}

  async start(request: StartSweepRequest): Promise<SweepStarted> {
    const { axes, budget, name: asked, ...base } = request;
    const names = axes.map(axisName);
    if (new Set(names).size !== names.length)
      throw new LabError('invalid', `${names.find((n, i) => names.indexOf(n) !== i)} is varied twice.`);
    const layers = axes.find((axis) => axis.setting === 'units');
    if (base.start && layers)
      throw new LabError(
        'invalid',
        `A sweep from a model file cannot vary ${axisName(layers)}: the file's weights fit its own layers only. Vary η, the batch size, L2, the optimiser or the activation, or start from random weights.`,
      );
    const points = budget !== undefined ? randomPoints(axes, budget, base.settings.seed) : gridPoints(axes);
    if (points.length > MAX_SWEEP_RUNS)
      throw new LabError(
        'invalid',
        `This sweep would queue ${points.length} runs; at most ${MAX_SWEEP_RUNS} (use fewer values, or a random search).`,
      );
    const sweepId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const name = asked?.trim() || `Sweep of ${names.join(' × ')}`;
    const requests = await Promise.all(points.map((point) => this.pointRequest(base, axes, point, name)));
    const runIds = requests.map(({ request, point }) => {
      const tag: RunSweepTag = { id: sweepId, name, axes, point, ...(budget !== undefined ? { budget } : {}) };
      return this.runs.start(request, tag).id;
    });
    return { sweepId, name, runIds };
  }

  /** Stops the sweep's runs that have not ended (the queued ones first, so none starts meanwhile); finished runs stay. */
  async cancel({ sweepId }: SweepIdRequest): Promise<void> {
    const runs = this.runs.list().filter((r) => r.sweep?.id === sweepId);
    if (runs.length === 0) throw new LabError('not-found', `There is no sweep "${sweepId}".`);
    const live = runs.filter((r) => !ENDED.includes(r.status));
    const queuedFirst = [...live.filter((r) => r.status === 'queued'), ...live.filter((r) => r.status !== 'queued')];
    for (const run of queuedFirst)
      await this.runs.stop({ runId: run.id }).catch((err: unknown) => {
        // It ended on its own meanwhile: nothing to stop.
        if (!(err instanceof LabError && err.code === 'bad-state')) throw err;
      });
  }

  private async pointRequest(
    base: Omit<StartSweepRequest, 'axes' | 'budget' | 'name'>,
    axes: SweepAxis[],
    point: SweepPoint,
    sweepName: string,
  ): Promise<{ request: StartRunRequest; point: SweepPoint }> {
    let design: ReturnType<typeof applyPoint>;
    try {
      design = applyPoint(axes, point, base.spec, base.settings);
    } catch (err) {
      if (err instanceof SweepError) throw new LabError('invalid', err.message);
      throw err;
    }
    const request: StartRunRequest = { ...base, ...design, validation: true, name: `${sweepName}: ${pointText(point)}` };
    try {
      await this.runs.check(request);
    } catch (err) {
      // The design's own problems (a SpecError) and the dataset's (a LabError) both name the point at fault.
      if (err instanceof LabError) throw new LabError(err.code, `At ${pointText(point)}: ${err.message}`, { cause: err });
      if (err instanceof SpecError) throw new LabError('invalid', `At ${pointText(point)}: ${err.message}`, { cause: err });
      throw err;
    }
    return { request, point };
  }
}
