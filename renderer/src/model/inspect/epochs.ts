/** How Inspect names a checkpoint: epoch 0 is the weights before any training. */
import { count } from '../format';

/** "initial weights" for epoch 0, else "after epoch N". */
export function checkpointLabel(epoch: number): string {
  return epoch === 0 ? 'initial weights' : `after epoch ${count(epoch)}`;
}

/**
 * Why the slider has nothing to slide, and what would give it stops: a file holds one set of
 * weights; a run keeps the checkpoints its checkpoint setting (Train's settings) asked for.
 */
export function singleCheckpointNote(source: 'file' | 'run', epoch: number | null): string {
  const at = epoch === null ? '' : ` (${checkpointLabel(epoch)})`;
  const what = source === 'file' ? `A model file holds one set of weights${at}.` : `This run kept one checkpoint${at}.`;
  return `${what} To watch the weights change, train a run whose checkpoint setting (in Train's settings) keeps every epoch, and open it here.`;
}
