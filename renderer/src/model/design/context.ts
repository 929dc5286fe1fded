/** A sentence tying an explanation to the design on screen ("your batch of 10 …"). */
import { descentKind, layerActivation } from '@core/engine/spec';
import type { Topic } from './explanations';
import { count } from '../format';
import { layerName } from './layers';
import type { Design } from './types';

/** `samples`: what one training sample is called: images, or rows of a table. */
export function contextNote(
  topic: Topic,
  design: Design,
  trainSize: number | undefined,
  samples: 'images' | 'rows' = 'images',
): string | null {
  const { settings, spec } = design;
  if (topic === 'batch' && trainSize !== undefined && settings.batchSize >= 1) {
    const m = Math.min(settings.batchSize, trainSize);
    const kind = descentKind(settings.batchSize, trainSize);
    return `Here: batches of ${count(m)} from ${count(trainSize)} training ${samples} — ${kind} descent, ${count(Math.ceil(trainSize / m))} weight updates per epoch.`;
  }
  if (topic === 'epochs' && trainSize !== undefined && settings.batchSize >= 1 && settings.epochs >= 1) {
    // Epochs times updates per epoch: "2 epochs × 3,000 images = 94" would read as a wrong product.
    const m = Math.min(settings.batchSize, trainSize);
    const perEpoch = Math.ceil(trainSize / m);
    const updates = `${count(perEpoch)} update${perEpoch === 1 ? '' : 's'}`;
    const epochs = `${count(settings.epochs)} epoch${settings.epochs === 1 ? '' : 's'}`;
    const total = perEpoch * settings.epochs;
    return `Here: ${epochs} × ${updates} (${count(trainSize)} ${samples} in batches of ${count(m)}) = ${count(total)} weight update${total === 1 ? '' : 's'} in all.`;
  }
  if (topic.startsWith('activation:')) {
    const name = topic.slice('activation:'.length);
    const layers = spec.layers.flatMap((l, i) => (layerActivation(l) === name ? [layerName(spec, i)] : []));
    if (layers.length) return `Used by ${layers.join(', ')} of your network.`;
  }
  return null;
}
