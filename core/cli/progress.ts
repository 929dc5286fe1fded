import type { EpochReport } from '../engine/reports';

const eta = (secondsLeft: number): string => (Number.isFinite(secondsLeft) ? `${secondsLeft.toFixed(1)} s left` : '');
const rate = (samplesPerSecond: number): string => `${Math.round(samplesPerSecond).toLocaleString('en')} samples/s`;

/** A one-line progress bar for an epoch, redrawn in place on a terminal. */
export function progressLine(epoch: number, batch: number, batches: number, samplesPerSecond: number, secondsLeft: number): string {
  const width = 30;
  const filled = Math.round((batch / batches) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `epoch ${epoch} ${bar} ${batch}/${batches}  ${rate(samplesPerSecond)}  ${eta(secondsLeft)}`;
}

/** The same as a plain line, for a stderr that is not a terminal (a log file). */
export function plainProgressLine(epoch: number, batch: number, batches: number, samplesPerSecond: number, secondsLeft: number): string {
  return `epoch ${epoch}: batch ${batch}/${batches}, ${rate(samplesPerSecond)}${Number.isFinite(secondsLeft) ? `, ${eta(secondsLeft)}` : ''}`;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(2)} %`);

/** The line printed when an epoch ends. */
export function epochLine(
  r: Pick<
    EpochReport,
    | 'epoch'
    | 'trainLoss'
    | 'trainAccuracy'
    | 'validationLoss'
    | 'validationAccuracy'
    | 'testLoss'
    | 'testAccuracy'
    | 'samplesPerSecond'
    | 'seconds'
    | 'learningRate'
  >,
  /** Shows η, for runs whose η changes (a schedule). */
  showLearningRate = false,
): string {
  const parts = [`epoch ${String(r.epoch).padStart(3)}`, `train loss ${r.trainLoss.toFixed(4)} acc ${pct(r.trainAccuracy)}`];
  if (r.validationLoss !== undefined) parts.push(`validation loss ${r.validationLoss.toFixed(4)} acc ${pct(r.validationAccuracy)}`);
  if (r.testLoss !== undefined) parts.push(`test loss ${r.testLoss.toFixed(4)} acc ${pct(r.testAccuracy)}`);
  if (showLearningRate && r.learningRate !== undefined) parts.push(`η ${r.learningRate.toPrecision(3)}`);
  parts.push(rate(r.samplesPerSecond), `${r.seconds.toFixed(1)} s`);
  return parts.join('  ');
}
