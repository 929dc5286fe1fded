import type { ScalingKind } from '@core/data/scaling';
import type { NetworkSpec, TrainSettings } from '@core/engine/spec';

/** Everything the designer edits: the network, how to train it, and on what data. */
export interface Design {
  spec: NetworkSpec;
  settings: TrainSettings;
  scaling: ScalingKind;
  datasetId: string;
  /** Hold out the last 10,000 training images as a validation set (Nielsen's split). */
  validation: boolean;
  /** Train on the first N training images only (quick experiments). */
  trainLimit?: number;
  /** Evaluate on the first N test images only. */
  testLimit?: number;
}

/** How many training images the validation split holds back. */
export const VALIDATION_SIZE = 10_000;
