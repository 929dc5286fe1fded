/**
 * Models opened as the starting point of a run (openStartModel, startRun's `start`): a Fathom model
 * file or an ONNX model chosen in the open dialog, kept here by id with its weights, its layers and
 * its input scaling (null when the file does not say: the window then asks, and the run is refused
 * until it has). A run started from one begins with its weights (the worker's resume point, with no
 * epochs done) and its inputs scaled as chosen.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ScalingParams } from '../../data/scaling';
import type { NetworkSpec } from '../../engine/spec';
import { weightsFit, type OpenStartModelResult, type StartedFrom, type StartModel, type StartScaling } from '../../lab/start-model-types';
import { ImportError } from '../../model/imports/errors';
import { isOnnxPath, loadOnnxModel } from '../../model/imports/import-files';
import { loadModelFile } from '../../model/model-files';
import { ModelFileError } from '../../model/errors';
import type { LoadedModel } from '../../model/model-file';
import { APP_VERSION } from '../../version';
import { snapshotWeights, type ResumePoint } from '../worker/protocol';
import { LabError } from '../errors';

/** Grey levels 0–255 to 0–1, the scaling ONNX models made from MNIST tutorials expect. */
export const PIXELS_0_1: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
/** Models kept at once; opening another drops the oldest. */
const MAX_KEPT = 4;

interface Kept {
  start: StartModel;
  loaded: LoadedModel;
}

/** Where a run from a start model begins: its weights, and what its record keeps of the file (the scaling to train with among it). */
export interface StartPoint {
  resume: ResumePoint;
  startedFrom: StartedFrom;
}

export class StartModels {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly chooseOpenPath: () => Promise<string | null>) {}

  /** Asks for a model file and keeps it; a refused file is reported with the reason and changes nothing. */
  async open(): Promise<OpenStartModelResult> {
    const path = await this.chooseOpenPath();
    if (path === null) return { status: 'cancelled' };
    return this.openPath(path);
  }

  async openPath(path: string): Promise<Exclude<OpenStartModelResult, { status: 'cancelled' }>> {
    const fileName = basename(path);
    let loaded: LoadedModel;
    let scaling: ScalingParams | null;
    try {
      if (isOnnxPath(path)) {
        // Without its own scaling the file is opened with a stand-in, and the window asks (scaling: null).
        const onnx = await loadOnnxModel(path, APP_VERSION, () => Promise.resolve({ kind: 'none' }));
        loaded = onnx.model;
        scaling = onnx.scalingFromFile ? onnx.model.file.scaling : null;
      } else {
        loaded = await loadModelFile(path);
        scaling = loaded.file.scaling;
      }
    } catch (err) {
      if (!(err instanceof ImportError || err instanceof ModelFileError)) throw err;
      return { status: 'failed', message: err.message.split(path).join(fileName) };
    }
    const start: StartModel = {
      startId: randomBytes(6).toString('hex'),
      name: fileName,
      format: isOnnxPath(path) ? 'onnx' : 'fathom',
      spec: structuredClone(loaded.file.spec),
      scaling: scaling && structuredClone(scaling),
      epochs: loaded.file.history.at(-1)?.epoch ?? 0,
    };
    this.kept.set(start.startId, { start, loaded });
    for (const id of [...this.kept.keys()].slice(0, -MAX_KEPT)) this.kept.delete(id);
    return { status: 'opened', start: structuredClone(start) };
  }

  /** The weights and scaling a run of `spec` starts from, or a LabError saying why it cannot. */
  point(startId: string, choice: StartScaling, spec: NetworkSpec): StartPoint {
    const kept = this.kept.get(startId);
    if (!kept) throw new LabError('not-found', 'The model to start from is no longer open: choose it again (Start from a model file…).');
    const { start, loaded } = kept;
    if (!weightsFit(start.spec, spec))
      throw new LabError(
        'invalid',
        `The design's layers are no longer those of ${start.name}: its weights do not fit them. Open it again, or start afresh.`,
      );
    if (start.scaling && choice !== 'file')
      throw new LabError(
        'invalid',
        `${start.name} says how its inputs are scaled (${start.scaling.kind}): a run from it uses that scaling.`,
      );
    if (!start.scaling && choice === 'file')
      throw new LabError(
        'invalid',
        `${start.name} does not say how its inputs are scaled: choose the dataset's scaling, 0–1 pixels or none.`,
      );
    const scaling =
      choice === 'file' ? start.scaling! : choice === 'pixels' ? PIXELS_0_1 : choice === 'none' ? { kind: 'none' as const } : undefined;
    const startedFrom: StartedFrom = {
      name: start.name,
      format: start.format,
      choice,
      ...(scaling ? { scaling: structuredClone(scaling) } : {}),
    };
    return { resume: { weights: snapshotWeights(loaded.net), history: [] }, startedFrom };
  }
}
