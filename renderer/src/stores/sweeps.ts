/**
 * Sweeps: the form of the Design tab (which settings to vary, their values, grid or random budget),
 * starting one (main queues its runs through the run queue), the sweeps regrouped from the runs
 * list, the one whose results are open, and cancelling one (its finished runs stay).
 */
import { isDense } from '@core/engine/spec';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SweepSetting } from '@core/engine/sweep';
import type { StartSweepRequest } from '@core/lab/contract';
import { newAxis, readDraft, type SweepDraft } from '@renderer/model/sweeps/draft';
import { sweepGroups } from '@renderer/model/sweeps/results';
import { attempt, couldNot } from '../lab';
import { useAppStore } from './app';
import { useDesignStore } from './design';
import { useRunsStore } from './runs';

export const useSweepsStore = defineStore('sweeps', () => {
  const design = useDesignStore();
  const runs = useRunsStore();
  const draft = ref<SweepDraft>({ axes: [newAxis('lr')], mode: 'grid', budget: 8 });
  const read = computed(() => readDraft(draft.value));
  const starting = ref(false);
  /** What went wrong with the last start, in the lab's words. */
  const problem = ref<string | null>(null);
  const groups = computed(() => sweepGroups(runs.runs));
  const openId = ref<string | null>(null);
  const open = computed(() => groups.value.find((g) => g.id === openId.value) ?? null);
  const notice = ref<string | null>(null);

  /** The hidden layers a "units" axis can vary, in Nielsen's numbering (2 = the first hidden one). */
  /** The hidden layers whose units a sweep can vary: fully connected ones (a convolution has filters, not units). */
  const hiddenLayers = computed(() =>
    design.design.spec.layers
      .slice(0, -1)
      .map((layer, i) => ({ layer, number: i + 2 }))
      .filter(({ layer }) => isDense(layer))
      .map(({ number }) => number),
  );

  function addAxis(setting: SweepSetting): void {
    if (draft.value.axes.length < 2) draft.value.axes.push(newAxis(setting, hiddenLayers.value[0] ?? 2));
  }
  function removeAxis(index: number): void {
    draft.value.axes.splice(index, 1);
  }
  /** A new setting for an axis starts from that setting's example values. */
  function setSetting(index: number, setting: SweepSetting): void {
    const axis = draft.value.axes[index];
    if (axis) draft.value.axes[index] = newAxis(setting, axis.layer);
  }

  async function start(): Promise<boolean> {
    const checked = read.value;
    if (!checked.ok || starting.value) return false;
    const base = design.startRequest();
    const request: StartSweepRequest = {
      spec: base.spec,
      settings: base.settings,
      datasetId: base.datasetId,
      scaling: base.scaling,
      axes: checked.axes,
      ...(base.trainLimit !== undefined ? { trainLimit: base.trainLimit } : {}),
      ...(base.testLimit !== undefined ? { testLimit: base.testLimit } : {}),
      ...(draft.value.mode === 'random' ? { budget: draft.value.budget } : {}),
      // A design from a model file: every run of the sweep starts from its weights.
      ...(base.start ? { start: base.start } : {}),
    };
    starting.value = true;
    const result = await attempt((lab) => lab.startSweep(request));
    starting.value = false;
    if (!result.ok) {
      problem.value = couldNot('start the sweep', result.message);
      return false;
    }
    problem.value = null;
    await runs.load();
    openId.value = result.value.sweepId;
    useAppStore().show('train');
    return true;
  }

  async function cancel(sweepId: string): Promise<void> {
    const result = await attempt((lab) => lab.cancelSweep({ sweepId }));
    notice.value = result.ok ? null : couldNot('cancel the sweep', result.message);
    await runs.load();
  }

  function show(sweepId: string | null): void {
    openId.value = sweepId;
    notice.value = null;
  }

  return {
    draft,
    read,
    starting,
    problem,
    groups,
    openId,
    open,
    notice,
    hiddenLayers,
    addAxis,
    removeAxis,
    setSetting,
    start,
    cancel,
    show,
  };
});
