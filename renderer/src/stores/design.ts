/**
 * The network being designed, how it will be trained and on what data; validation against the
 * chosen dataset, undo/redo, presets and persistence. The Train tab reads `design`, `canTrain`
 * and `startRequest()`.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ScalingKind } from '@core/data/scaling';
import type { ScheduleSettings } from '@core/engine/schedules';
import {
  isDense,
  type ActivationName,
  type ConvLayerSpec,
  type InitName,
  type LayerKind,
  type LossName,
  type StopRule,
  type TrainSettings,
} from '@core/engine/spec';
import type { StartRunRequest } from '@core/lab/contract';
import { loadDesign, saveDesign } from '@renderer/model/design/persist';
import { browserStorage } from '@renderer/model/storage';
import { presetDesign, type PresetName } from '@renderer/model/design/presets';
import { byField, designProblems, trainingSize } from '@renderer/model/design/problems';
import {
  architectureName,
  hiddenActivation,
  isSpatialKind,
  newLayer,
  spatialUnavailableReason,
  specForDataset,
} from '@renderer/model/design/layers';
import type { Design } from '@renderer/model/design/types';
import { quantity } from '@renderer/model/format';
import { useDatasetsStore } from './datasets';

export type { Design } from '@renderer/model/design/types';
export type { PresetName } from '@renderer/model/design/presets';

/** Edits of the same field closer together than this are one undo step (typing "100" is one edit). */
export const MERGE_MS = 1000;
const HISTORY_LIMIT = 200;

export const useDesignStore = defineStore('design', () => {
  const datasets = useDatasetsStore();
  const loaded = loadDesign(browserStorage());
  const design = ref<Design>(loaded.design);
  /** Shown once when the stored design could not be used. */
  const notice = ref<string | null>(loaded.notice);
  const past = ref<string[]>([]);
  const future = ref<string[]>([]);
  let lastKey: string | null = null;
  let lastAt = 0;

  const dataset = computed(() => datasets.find(design.value.datasetId));
  const problems = computed(() => designProblems(design.value, dataset.value, datasets.loaded));
  /** The spec as it will train on the chosen dataset (its image shape given to convolutions). */
  const spec = computed(() => specForDataset(design.value.spec, dataset.value));
  /** Why convolution and pooling cannot be added (null when the dataset's samples are images). */
  const spatialReason = computed(() => spatialUnavailableReason(dataset.value));
  const problemsByField = computed(() => byField(problems.value));
  const canTrain = computed(() => dataset.value !== undefined && problems.value.length === 0);
  const trainSize = computed(() => trainingSize(design.value, dataset.value));
  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);

  const snapshot = (): string => JSON.stringify(design.value);
  const persist = (): void => void saveDesign(browserStorage(), design.value);

  /** Applies one edit as an undoable step; `key` merges quick repeated edits of one field. */
  function commit(mutate: (d: Design) => void, key?: string): void {
    const before = snapshot();
    mutate(design.value);
    if (snapshot() === before) return;
    const now = Date.now();
    const merge = key !== undefined && key === lastKey && now - lastAt < MERGE_MS;
    if (!merge) {
      past.value.push(before);
      if (past.value.length > HISTORY_LIMIT) past.value.shift();
    }
    future.value = [];
    lastKey = key ?? null;
    lastAt = now;
    persist();
  }

  function travel(from: typeof past, to: typeof future): void {
    const target = from.value.pop();
    if (target === undefined) return;
    to.value.push(snapshot());
    design.value = JSON.parse(target) as Design;
    lastKey = null;
    persist();
  }
  const undo = (): void => travel(past, future);
  const redo = (): void => travel(future, past);

  const applyPreset = (name: PresetName): void => commit((d) => Object.assign(d, presetDesign(name, d)));

  /** Inserts a layer of `kind` at `index`; convolution and pooling only when the dataset's samples are images. */
  function addLayer(index: number, kind: LayerKind = 'dense'): void {
    if (isSpatialKind(kind) && spatialReason.value !== null) return;
    commit((d) => {
      const at = Math.max(0, Math.min(index, d.spec.layers.length));
      d.spec.layers.splice(at, 0, newLayer(kind, hiddenActivation(d.spec)));
    });
  }
  function removeLayer(index: number): void {
    commit((d) => {
      if (index >= 0 && index < d.spec.layers.length && d.spec.layers.length > 1) d.spec.layers.splice(index, 1);
    });
  }
  function moveLayer(from: number, to: number): void {
    commit((d) => {
      const layers = d.spec.layers;
      if (from < 0 || from >= layers.length || to < 0 || to >= layers.length) return;
      layers.splice(to, 0, ...layers.splice(from, 1));
    });
  }
  function setUnits(index: number, units: number): void {
    commit((d) => {
      const layer = d.spec.layers[index];
      if (layer && isDense(layer)) layer.units = units;
    }, `units:${index}`);
  }
  function setActivation(index: number, activation: ActivationName): void {
    commit((d) => {
      const layer = d.spec.layers[index];
      if (layer && (isDense(layer) || layer.kind === 'conv')) layer.activation = activation;
    });
  }
  /** The same network with every step activation made sigmoid (the step's smooth cousin, which gradient descent can train): one undo step. */
  function stepToSigmoid(): void {
    commit((d) => {
      for (const layer of d.spec.layers)
        if ((isDense(layer) || layer.kind === 'conv') && layer.activation === 'step') layer.activation = 'sigmoid';
    });
  }
  /** One number of a convolution (filters, kernel, stride), a pooling window (size, stride) or a dropout rate. */
  function setLayerNumber(index: number, key: 'filters' | 'kernel' | 'stride' | 'size' | 'rate', value: number): void {
    commit((d) => {
      const layer = d.spec.layers[index] as unknown as Record<string, unknown> | undefined;
      if (layer && key in layer) layer[key] = value;
    }, `${key}:${index}`);
  }
  function setPadding(index: number, padding: ConvLayerSpec['padding']): void {
    commit((d) => {
      const layer = d.spec.layers[index];
      if (layer?.kind === 'conv') layer.padding = padding;
    });
  }
  const setInputSize = (n: number): void => commit((d) => void (d.spec.inputSize = n), 'inputSize');
  const setLoss = (loss: LossName): void => commit((d) => void (d.spec.loss = loss));
  const setInit = (init: InitName): void => commit((d) => void (d.spec.init = init));
  function setSetting<K extends keyof TrainSettings>(key: K, value: TrainSettings[K]): void {
    commit((d) => void (d.settings[key] = value), `setting:${key}`);
  }
  const setStop = (stop: StopRule): void => commit((d) => void (d.settings.stop = stop), `stop:${stop.kind}`);
  /** A constant η without warm-up is stored as no schedule, as before schedules existed. */
  function setSchedule(schedule: ScheduleSettings): void {
    commit((d) => {
      if (schedule.kind === 'constant' && schedule.warmupEpochs === 0) delete d.settings.schedule;
      else d.settings.schedule = schedule;
    }, `schedule:${schedule.kind}`);
  }
  const setScaling = (scaling: ScalingKind): void => commit((d) => void (d.scaling = scaling));
  const setDataset = (id: string): void => commit((d) => void (d.datasetId = id));
  const setValidation = (on: boolean): void => commit((d) => void (d.validation = on));
  function setLimit(which: 'trainLimit' | 'testLimit', n: number | undefined): void {
    commit((d) => {
      if (n === undefined) delete d[which];
      else d[which] = n;
    }, which);
  }
  const setTrainLimit = (n: number | undefined): void => setLimit('trainLimit', n);
  const setTestLimit = (n: number | undefined): void => setLimit('testLimit', n);

  /** After the dataset list arrives: a design pointing at a dataset that is gone moves to the first one. */
  function syncDataset(): void {
    const first = datasets.datasets[0];
    if (datasets.loaded && !dataset.value && first) {
      design.value.datasetId = first.id;
      persist();
    }
  }

  /** The request for window.lab.startRun: a plain copy, with no reactive proxies. */
  function startRequest(name?: string): StartRunRequest {
    const d = JSON.parse(snapshot()) as Design;
    const trained = specForDataset(d.spec, dataset.value);
    const request: StartRunRequest = {
      name: name ?? `${architectureName(trained)} ${d.settings.optimizer} η=${quantity(d.settings.learningRate)}`,
      spec: trained,
      settings: d.settings,
      datasetId: d.datasetId,
      scaling: d.scaling,
      validation: d.validation,
    };
    if (d.trainLimit !== undefined) request.trainLimit = d.trainLimit;
    if (d.testLimit !== undefined) request.testLimit = d.testLimit;
    return request;
  }

  const dismissNotice = (): void => void (notice.value = null);

  return {
    design,
    notice,
    dataset,
    spec,
    spatialReason,
    problems,
    problemsByField,
    canTrain,
    trainSize,
    canUndo,
    canRedo,
    undo,
    redo,
    applyPreset,
    addLayer,
    removeLayer,
    moveLayer,
    setUnits,
    setActivation,
    stepToSigmoid,
    setLayerNumber,
    setPadding,
    setInputSize,
    setLoss,
    setInit,
    setSetting,
    setStop,
    setSchedule,
    setScaling,
    setDataset,
    setValidation,
    setTrainLimit,
    setTestLimit,
    syncDataset,
    startRequest,
    dismissNotice,
  };
});
