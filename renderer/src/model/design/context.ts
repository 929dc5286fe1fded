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
    const steps = Math.ceil(trainSize / Math.min(settings.batchSize, trainSize)) * settings.epochs;
    return `Here: ${count(settings.epochs)} epochs × ${count(trainSize)} ${samples} = ${count(steps)} weight updates in all.`;
  }
  if (topic.startsWith('activation:')) {
    const name = topic.slice('activation:'.length);
    const layers = spec.layers.flatMap((l, i) => (layerActivation(l) === name ? [layerName(spec, i)] : []));
    if (layers.length) return `Used by ${layers.join(', ')} of your network.`;
  }
  return null;
}
