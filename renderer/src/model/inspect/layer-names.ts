/** How Inspect names a network's layers: the one name every screen uses (design/layers.ts), from the engine's layer index. */
import type { NetworkSpec } from '@core/engine/spec';
import { layerNumber } from '@core/engine/notation';
import { layerName as specLayerName } from '../design/layers';

/** The layer the engine calls `layer` (≥ 1, weights w^(layer+1)): "layer 2" in a fully connected network, "conv 2", "pool 3", "dense 4" otherwise. */
export function layerName(spec: NetworkSpec | undefined, layer: number): string {
  return spec ? specLayerName(spec, layer - 1) : `layer ${layerNumber(layer)}`;
}
