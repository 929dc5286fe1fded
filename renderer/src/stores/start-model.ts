/**
 * A model file as the starting point of the next run (Design's "Start from a model file…"): the
 * design takes its layers, and the run trains on from its weights. When the file does not say how
 * its inputs were scaled, the window asks (the dataset's scaling, 0–1 pixels or none) and the run
 * waits for the answer: a guess would feed the weights inputs they were never trained on.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { weightsFit, type StartModel, type StartRunRequest, type StartScaling } from '@core/lab/contract';
import type { Problem } from '@core/engine/validate';
import { attempt, couldNot } from '../lab';
import { useDesignStore } from './design';

export const useStartModelStore = defineStore('start-model', () => {
  const design = useDesignStore();
  const start = ref<StartModel | null>(null);
  /** How the run scales its inputs: 'file' when the file says; null until the person chooses. */
  const scaling = ref<StartScaling | null>(null);
  const notice = ref<string | null>(null);
  const opening = ref(false);

  /** The design still has the model's layers, so its weights fit (edited layers start afresh). */
  const fits = computed(() => start.value !== null && weightsFit(start.value.spec, design.spec));
  const needsScaling = computed(() => fits.value && scaling.value === null);
  /** The question that holds the run back, as a design problem (listed with the others, Train waits for it). */
  const problems = computed<Problem[]>(() =>
    needsScaling.value
      ? [{ field: 'start', message: `${start.value!.name} does not say how its inputs are scaled: choose it above the layers.` }]
      : [],
  );
  /** What startRun's `start` carries, or undefined for a fresh initialisation. */
  const request = computed<StartRunRequest['start']>(() =>
    fits.value && scaling.value ? { startId: start.value!.startId, scaling: scaling.value } : undefined,
  );

  /** Asks for a model file (main's open dialog) and takes its layers into the design. */
  async function open(): Promise<void> {
    opening.value = true;
    const result = await attempt((lab) => lab.openStartModel());
    opening.value = false;
    if (!result.ok) return void (notice.value = couldNot('open the model', result.message));
    const reply = result.value;
    if (reply.status === 'cancelled') return;
    if (reply.status === 'failed') return void (notice.value = couldNot('open the model', reply.message));
    notice.value = null;
    start.value = reply.start;
    scaling.value = reply.start.scaling ? 'file' : null;
    design.applySpec(reply.start.spec);
  }

  function chooseScaling(choice: Exclude<StartScaling, 'file'>): void {
    if (start.value && !start.value.scaling) scaling.value = choice;
  }

  /** Back to a fresh initialisation (the design keeps the layers). */
  function clear(): void {
    start.value = null;
    scaling.value = null;
    notice.value = null;
  }

  return { start, scaling, notice, opening, fits, needsScaling, problems, request, open, chooseScaling, clear };
});
