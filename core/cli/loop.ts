/**
 * The CLI's training loop: batches until the stopping rule, a Ctrl-C or a NaN ends it, with the
 * progress shown as the output's mode wants. It yields to the event loop every YIELD_EVERY_MS so
 * that Ctrl-C (a signal event) can be heard while the maths runs synchronously.
 */
import type { EpochReport, NonFinite } from '../engine/reports';
import type { Trainer } from '../engine/trainer';
import type { StopRequest } from './interrupt';
import type { CliOutput } from './output';

const YIELD_EVERY_MS = 50;

export type LoopEnd =
  | { kind: 'finished'; reason: string }
  /** `batch` batches of epoch `epoch` were done (0: it had not begun). */
  | { kind: 'interrupted'; epoch: number; batch: number; batchesPerEpoch: number }
  | { kind: 'diverged'; detail: NonFinite };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainLoop(
  trainer: Trainer,
  output: CliOutput,
  stop: StopRequest,
  onEpoch: (report: EpochReport) => void,
  now: () => number = () => performance.now(),
): Promise<LoopEnd> {
  let lastYield = now();
  let epochStart = now();
  while (!trainer.finished) {
    if (stop.requested)
      return { kind: 'interrupted', epoch: trainer.epoch, batch: trainer.batchInEpoch, batchesPerEpoch: trainer.batchesPerEpoch };
    const batch = trainer.step();
    // The trainer did not apply this batch's update; the run has failed.
    if (batch.nonFinite) return { kind: 'diverged', detail: batch.nonFinite };
    const t = now();
    const samplesPerSecond = (batch.batch * trainer.settings.batchSize) / ((t - epochStart) / 1000);
    const samplesLeft = trainer.data.train.count - batch.batch * trainer.settings.batchSize;
    output.progress({ ...batch, samplesPerSecond, secondsLeft: samplesLeft / samplesPerSecond });
    if (batch.epochComplete) {
      output.clearBar();
      const report = trainer.endEpoch();
      onEpoch(report);
      if (report.nonFinite) return { kind: 'diverged', detail: report.nonFinite };
      epochStart = now();
    }
    if (t - lastYield >= YIELD_EVERY_MS) {
      await nextTurn();
      lastYield = now();
    }
  }
  return { kind: 'finished', reason: trainer.history.at(-1)?.stopReason ?? 'training finished' };
}
