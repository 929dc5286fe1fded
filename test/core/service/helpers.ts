/** Shared set-up for the lab service tests: a temp data folder, stub dialogs, requests, and an event log. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunEvent, type RunEvent, type StartRunRequest } from '@core/lab/contract';
import type { EpochReport } from '@core/engine/reports';
import { LabService, type LabServiceOptions } from '@core/service/lab-service';
import { trainWorkerFactory } from './tsx-worker';
import { parseHistoryLog } from '@core/service/runs/history-log';
import { readFileSync } from 'node:fs';
import { mnistSpec } from '../../fixtures/specs';

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fathom-lab-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Dialogs that answer from lists (null = the user cancelled) and remember what they were asked. */
export function stubDialogs(savePaths: (string | null)[] = [], openPaths: (string | null)[] = []) {
  const asked: string[] = [];
  return {
    asked,
    chooseSavePath: async (defaultName: string) => {
      asked.push(defaultName);
      return savePaths.shift() ?? null;
    },
    chooseOpenPath: async () => openPaths.shift() ?? null,
  };
}

export function makeService(dataDir: string, options: Partial<LabServiceOptions> = {}): LabService {
  return new LabService({ dataDir, dialogs: stubDialogs(), workerFactory: trainWorkerFactory, ...options });
}

/** A small, quick MNIST run: 784-16-10 sigmoid, 2,000 training and 500 test images. */
export function quickRun(
  overrides: { settings?: Partial<StartRunRequest['settings']> } & Partial<Omit<StartRunRequest, 'settings'>> = {},
): StartRunRequest {
  const { settings, ...rest } = overrides;
  return {
    name: 'quick',
    spec: mnistSpec({ hidden: [16], init: 'scaled-normal' }),
    settings: {
      batchSize: 10,
      learningRate: 3,
      epochs: 2,
      optimizer: 'sgd',
      momentum: 0,
      l2: 0,
      seed: 1,
      stop: { kind: 'epochs' },
      ...settings,
    },
    datasetId: 'mnist',
    scaling: 'min-max',
    validation: false,
    trainLimit: 2000,
    testLimit: 500,
    ...rest,
  };
}

/** An event with the time it arrived (performance.now()). */
export type LoggedEvent = RunEvent & { at: number };

/** Records every event and lets a test wait for one. */
export class EventLog {
  readonly events: LoggedEvent[] = [];
  private waiters: { test(e: RunEvent): boolean; resolve(e: LoggedEvent): void }[] = [];
  readonly unsubscribe: () => void;

  constructor(service: LabService) {
    this.unsubscribe = service.onEvent((event) => {
      if (!isRunEvent(event)) return; // runs only: import and model-opened events have no run
      const logged = { ...event, at: performance.now() };
      this.events.push(logged);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(event)) return true;
        w.resolve(logged);
        return false;
      });
    });
  }

  of(runId: string): LoggedEvent[] {
    return this.events.filter((e) => e.runId === runId);
  }

  /** The first matching event already seen, or the next one to come. */
  waitFor(test: (e: RunEvent) => boolean, timeoutMs = 30_000, what = 'an event'): Promise<LoggedEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return this.next(test, timeoutMs, what);
  }

  /** The next matching event from now on. */
  next(test: (e: RunEvent) => boolean, timeoutMs = 30_000, what = 'an event'): Promise<LoggedEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      this.waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  status(runId: string, status: string, timeoutMs?: number): Promise<LoggedEvent> {
    return this.waitFor((e) => e.runId === runId && e.type === 'status' && e.status === status, timeoutMs, `run ${runId} to be ${status}`);
  }
}

/** The highest loss-point step seen so far for a run. */
export function lastStep(log: EventLog, runId: string): number {
  let step = 0;
  for (const e of log.of(runId)) if (e.type === 'progress') for (const p of e.points) step = Math.max(step, p.step);
  return step;
}

/** The epoch reports an event carries, oldest first (a fast run's epoch event carries the ones before it too). */
export function reportsIn(e: RunEvent): EpochReport[] {
  return e.type === 'epoch' ? [...(e.before ?? []), e.report] : [];
}

/** Whether the event carries the report of this epoch. */
export function endsEpoch(e: RunEvent, epoch: number): boolean {
  return reportsIn(e).some((r) => r.epoch === epoch);
}

/** The report of an epoch among a run's events. */
export function reportOf(events: RunEvent[], epoch: number): EpochReport | undefined {
  return events.flatMap(reportsIn).find((r) => r.epoch === epoch);
}

/** The history a run's files hold on disk: its log, cut at the count its record names (run-store.ts, history-log.ts). */
export function savedHistory(dataDir: string, runId: string): EpochReport[] {
  const record = JSON.parse(readFileSync(join(dataDir, 'runs', `${runId}.json`), 'utf8')) as { historyEpochs: number };
  return parseHistoryLog(readFileSync(join(dataDir, 'runs', `${runId}.history.jsonl`), 'utf8'), record.historyEpochs).history;
}
