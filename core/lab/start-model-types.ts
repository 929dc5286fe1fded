/**
 * A model file (Fathom's or ONNX) as the starting point of a run: the design takes its layers and
 * the run trains on from its weights. Pure types, shared with the renderer.
 */
import type { ScalingParams } from '../data/scaling';
import type { NetworkSpec } from '../engine/spec';

/**
 * How the inputs of a run started from a model are scaled: 'file' = as the model file says (the
 * only choice when it says); otherwise the person chooses, since guessing would silently feed the
 * weights inputs they were not trained on: 'dataset' = the design's own scaling fitted on the dataset,
 * 'pixels' = grey levels 0–255 divided by 255, 'none' = the values as they are.
 */
export const START_SCALINGS = ['file', 'dataset', 'pixels', 'none'] as const;
export type StartScaling = (typeof START_SCALINGS)[number];

/** A model opened as a starting point (the service keeps its weights under `startId`). */
export interface StartModel {
  startId: string;
  /** The file's name, for the design's caption and the run's name. */
  name: string;
  format: 'fathom' | 'onnx';
  spec: NetworkSpec;
  /** The file's input scaling, or null when it does not say (then the window asks). */
  scaling: ScalingParams | null;
  /** Epochs the weights were trained for in Fathom (0 for an ONNX model). */
  epochs: number;
}

/**
 * What a run started from a model file keeps of it (RunSummary.startedFrom, and each checkpoint's
 * `startedFrom`): the file, the scaling choice, and the scaling the run trains with when it is not the
 * design's fitted on the dataset (the file's, 0–1 pixels or none). Saved in the run record, so a new
 * lab resumes the run with the same scaling.
 */
export interface StartedFrom {
  name: string;
  format: 'fathom' | 'onnx';
  choice: StartScaling;
  /** The scaling the run trains with; absent for 'dataset' (the design's, fitted on the training split). */
  scaling?: ScalingParams;
}

export type OpenStartModelResult =
  | { status: 'cancelled' }
  /** The file was refused; nothing changed. */
  | { status: 'failed'; message: string }
  | { status: 'opened'; start: StartModel };

/** Whether a model's weights fit a design: the same input and layers (activations, loss and init do not shape the weights). */
export function weightsFit(model: NetworkSpec, design: NetworkSpec): boolean {
  const shape = (s: NetworkSpec) => JSON.stringify([s.inputSize, s.layers.map((l) => ({ ...l, activation: undefined }))]);
  return shape(model) === shape(design);
}
