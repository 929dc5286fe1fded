/**
 * The messages of a learning-rate finder's worker (the train-worker entry started with a `finder`
 * task, worker/finder-task.ts): progress while η rises, then the result, or why it failed. Main
 * checks each one against `finderMessageSchema` before it believes it, as it does a run's messages.
 */
import { z } from 'zod';
import type { LrFinderResult } from '../../engine/lr-finder';

/** What the worker is asked to do instead of training a run: the range test over this many batches (default 300). */
export interface FinderTask {
  batches?: number;
}

export type FinderMessage =
  | { type: 'finder-progress'; done: number; total: number }
  | { type: 'finder-result'; result: LrFinderResult }
  | { type: 'failed'; message: string };

const positive = z.number().positive().finite();
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number'); // a diverging loss may be huge

export const finderMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('finder-progress'), done: z.number().int().min(0), total: z.number().int().min(1) }),
  z.object({
    type: z.literal('finder-result'),
    result: z.object({
      points: z.array(z.object({ learningRate: positive, loss: anyNumber, smoothedLoss: anyNumber })).min(2),
      steepestLearningRate: positive,
      minimumLearningRate: positive,
      divergedAt: positive.optional(),
      suggestedLearningRate: positive,
    }),
  }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
