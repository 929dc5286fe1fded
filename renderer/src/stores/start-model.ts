/**
 * A model file as the starting point of the next run (Design's "Start from a model file…"): the
 * design takes its layers (stores/design.ts applySpec), and the run trains on from its weights. When
 * the file does not say how its inputs were scaled, the window asks (the dataset's scaling, 0–1
 * pixels or none) and the run waits for the answer: a guess would feed the weights inputs they were
 * never trained on. The design store asks this one about its spec (this store does not read it back,
 * so the two stores' types do not depend on each other).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { weightsFit } from '@core/lab/contract';
import type { NetworkSpec } from '@core/engine/spec';
import type { StartModel, StartRunRequest, StartScaling } from '@core/lab/contract';
import type { Problem } from '@core/engine/validate';
import { attempt, couldNot } from '../lab';

export const useStartModelStore = defineStore('start-model', () => {
  const start = ref<StartModel | null>(null);
  /** How the run scales its inputs: 'file' when the file says; null until the person chooses. */
  const scaling = ref<StartScaling | null>(null);
  const notice = ref<string | null>(null);
  const opening = ref(false);

  /** The design (`spec`) still has the model's layers, so its weights fit (edited layers start afresh). */
  const fits = (spec: NetworkSpec): boolean => start.value !== null && weightsFit(start.value.spec, spec);
  const needsScaling = (spec: NetworkSpec): boolean => fits(spec) && scaling.value === null;
  /** The question that holds the run back, as a design problem (listed with the others; Train waits for it). */
  const problems = (spec: NetworkSpec): Problem[] =>
    needsScaling(spec)
      ? [{ field: 'start', message: `${start.value!.name} does not say how its inputs are scaled: choose it above the layers.` }]
      : [];
  /** What startRun's `start` carries for a run of `spec`, or undefined for a fresh initialisation. */
  const request = (spec: NetworkSpec): StartRunRequest['start'] =>
    fits(spec) && scaling.value ? { startId: start.value!.startId, scaling: scaling.value } : undefined;

  /** Asks for a model file (main's open dialog); the model opened, for the design to take its layers. */
  async function open(): Promise<StartModel | undefined> {
    opening.value = true;
    const result = await attempt((lab) => lab.openStartModel());
    opening.value = false;
    if (!result.ok) return void (notice.value = couldNot('open the model', result.message));
    const reply = result.value;
    if (reply.status === 'cancelled') return undefined;
    if (reply.status === 'failed') return void (notice.value = couldNot('open the model', reply.message));
    notice.value = null;
    start.value = reply.start;
    scaling.value = reply.start.scaling ? 'file' : null;
    return reply.start;
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
