/** How Inspect names a network's layers, in the seed's numbering (layer 1 is the input). */
import type { NetworkSpec } from '@core/engine/spec';
import { isDense } from '@core/engine/spec';
import { layerNumber } from '@core/engine/notation';
import { layerTitle } from '../design/layers';

/**
 * The layer the engine calls `layer` (≥ 1): "layer 2" in a fully connected network (as Inspect
 * always said), "conv 2", "pool 3", "dense 4" once the network has other kinds of layer.
 */
export function layerName(spec: NetworkSpec | undefined, layer: number): string {
  if (!spec || spec.layers.every(isDense)) return `layer ${layerNumber(layer)}`;
  return layerTitle(spec.layers[layer - 1], layer - 1);
}
