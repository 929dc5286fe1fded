/**
 * The lines `--json` prints on stdout, one JSON object each, told apart by `type`. The table below
 * is what --help and the README list (typed by the union under it, so each type is described once).
 */
import type { LrFinderResult } from '../engine/lr-finder';
import type { NonFinite } from '../engine/reports';
import type { SweepResult } from './sweep';

export const JSON_EVENTS: Record<CliEventType, string> = {
  loaded: 'a --load model evaluated: file, epochs, testLoss, testAccuracy',
  started:
    'training begins: network, parameters, dataset, train/validation/test sizes, batchSize, batchesPerEpoch, epochs, [afterEpoch,] kernels, threads',
  progress: 'after the first batch, then about once a second: epoch, batch, batchesPerEpoch, samplesPerSecond',
  epoch:
    'an epoch ended: epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, [validationLoss, validationAccuracy,] samplesPerSecond, seconds, learningRate',
  finished: 'training ended by its stopping rule: epochs, reason',
  interrupted: 'Ctrl-C stopped training: epoch, batch (done in that epoch), batchesPerEpoch, completedEpochs',
  diverged:
    'a loss, gradient or weight became NaN or infinite (exit 1, nothing saved): what, layer (1 = the first weights, w², into layer 2), epoch, batch',
  saved: 'the model file was written: file',
  onnx: 'the ONNX file was written: file',
  exported: 'an export for other tools was written: format (safetensors, npz or pytorch), file (a folder for pytorch)',
  'sweep-result':
    'a --sweep run ended: run, settings (the varied ones), bestValidationAccuracy, bestEpoch, trainLoss, validationLoss, testAccuracy, epochs, seconds, [failed]',
  'lr-finder':
    '--find-lr finished (nothing trained or saved): suggestedLearningRate, steepestLearningRate, minimumLearningRate, [divergedAt,] points (learningRate, loss, smoothedLoss per batch)',
};

export type CliEventType = CliEvent['type'];

export type CliEvent =
  | { type: 'loaded'; file: string; epochs: number; testLoss: number; testAccuracy: number | null }
  | {
      type: 'started';
      network: string;
      parameters: number;
      dataset: string;
      train: number;
      validation?: number;
      test: number;
      batchSize: number;
      batchesPerEpoch: number;
      epochs: number;
      /** Set when a --load model trains further: its epochs number on from here. */
      afterEpoch?: number;
      kernels: string;
      threads: number;
    }
  | { type: 'progress'; epoch: number; batch: number; batchesPerEpoch: number; samplesPerSecond: number }
  | {
      type: 'epoch';
      epoch: number;
      trainLoss: number;
      trainAccuracy: number | null;
      validationLoss?: number;
      validationAccuracy?: number | null;
      testLoss: number | null;
      testAccuracy: number | null;
      samplesPerSecond: number;
      seconds: number;
      /** η of the epoch's last batch. */
      learningRate?: number;
    }
  | { type: 'finished'; epochs: number; reason: string }
  | { type: 'interrupted'; epoch: number; batch: number; batchesPerEpoch: number; completedEpochs: number }
  | ({ type: 'diverged' } & NonFinite)
  | ({ type: 'lr-finder' } & LrFinderResult)
  | ({ type: 'sweep-result' } & SweepResult)
  | { type: 'saved'; file: string }
  | { type: 'onnx'; file: string }
  | { type: 'exported'; format: 'safetensors' | 'npz' | 'pytorch'; file: string };

/** The --help section listing them, wrapped to `width` columns under a hanging indent. */
export function describeJsonEvents(indent: string, width = 100): string {
  const column = indent.length + Math.max(...Object.keys(JSON_EVENTS).map((t) => t.length)) + 2;
  return Object.entries(JSON_EVENTS)
    .map(([type, text]) => {
      const lines = [`${indent}${type}`.padEnd(column)];
      for (const word of text.split(' ')) {
        const line = lines.at(-1)!;
        if (line.length + word.length + 1 > width && line.trim() !== type) lines.push(`${' '.repeat(column)}${word}`);
        else lines[lines.length - 1] = line.length === column ? `${line}${word}` : `${line} ${word}`;
      }
      return lines.join('\n');
    })
    .join('\n');
}
