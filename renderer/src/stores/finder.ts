/**
 * The learning-rate finder of the Design tab: runs the range test on the design (in a worker of
 * main, nothing saved), follows its progress, and puts the suggested η into the design when asked.
 * One finder at a time; a new design edit does not cancel it (its result says what it was run on).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { LrFinderResult } from '@core/lab/contract';
import { attempt, couldNot, useLab } from '../lab';
import { useDesignStore } from './design';

export type FinderState =
  | { kind: 'idle' }
  | { kind: 'running'; finderId: string; fraction: number }
  | { kind: 'found'; result: LrFinderResult; optimizer: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** η as the design takes it from the finder: two significant digits (1.08 → 1.1). */
export const roundedRate = (eta: number): number => Number(eta.toPrecision(2));

let nextId = 0;

export const useFinderStore = defineStore('finder', () => {
  const design = useDesignStore();
  /** shallowRef: the result's few hundred points are drawn, never edited. */
  const state = shallowRef<FinderState>({ kind: 'idle' });
  const busy = ref(false);

  async function run(): Promise<void> {
    if (busy.value) return;
    const finderId = `finder-${Date.now().toString(36)}-${nextId++}`;
    const { spec, settings, datasetId, scaling, validation, trainLimit, start } = design.startRequest();
    busy.value = true;
    state.value = { kind: 'running', finderId, fraction: 0 };
    const unsubscribe = useLab().onEvent((event) => {
      if (event.type === 'finder-progress' && event.finderId === finderId && state.value.kind === 'running')
        state.value = { kind: 'running', finderId, fraction: event.fraction };
    });
    // A design from a model file: the range test starts from its weights, as the run would.
    const request = {
      finderId,
      spec,
      settings,
      datasetId,
      scaling,
      validation,
      ...(trainLimit !== undefined ? { trainLimit } : {}),
      ...(start ? { start } : {}),
    };
    const reply = await attempt((lab) => lab.findLearningRate(request));
    unsubscribe();
    busy.value = false;
    if (!reply.ok) state.value = { kind: 'failed', message: couldNot('find a learning rate', reply.message) };
    else if (reply.value.status === 'cancelled') state.value = { kind: 'cancelled' };
    else state.value = { kind: 'found', result: reply.value.result, optimizer: settings.optimizer };
  }

  async function cancel(): Promise<void> {
    const current = state.value;
    if (current.kind !== 'running') return;
    const reply = await attempt((lab) => lab.cancelFinder({ finderId: current.finderId }));
    if (!reply.ok) state.value = { kind: 'failed', message: couldNot('cancel the finder', reply.message) };
  }

  /** Puts the suggestion (rounded) into the design's η, as one undoable edit. */
  function useSuggestion(): void {
    if (state.value.kind === 'found') design.setSetting('learningRate', roundedRate(state.value.result.suggestedLearningRate));
  }

  const dismiss = (): void => void (state.value = { kind: 'idle' });

  return { state, busy, run, cancel, useSuggestion, dismiss };
});
