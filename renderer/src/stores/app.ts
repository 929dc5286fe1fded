/**
 * The window as a whole: which tab shows, and what the shell (the main process) asks of the page
 * on its own — a model file opened from outside (the command line, a second launch, the OS) shows
 * in Inspect. App.vue connects it while mounted.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useLab } from '../lab';
import { useModelsStore } from './models';

export const TABS = ['design', 'train', 'inspect'] as const;
export type Tab = (typeof TABS)[number];

export const useAppStore = defineStore('app', () => {
  const tab = ref<Tab>('design');
  let unsubscribe: (() => void) | null = null;

  function show(next: Tab): void {
    tab.value = next;
  }

  function connect(): void {
    const models = useModelsStore();
    unsubscribe ??= useLab().onEvent((event) => {
      if (event.type !== 'model-opened') return;
      tab.value = 'inspect';
      void models.showOpened(event.result);
    });
  }

  function disconnect(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  return { tab, show, connect, disconnect };
});
