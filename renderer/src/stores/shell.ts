/**
 * The page's side of the desktop shell: the application menu's commands (each does what the page's
 * own button does), what the page reports of itself so the menu can enable the right items, the
 * files main offers for import (dropped on the window, Open Recent), main's notices, and the
 * exports that go through main's save dialogs (Save model, ONNX, the history as CSV, the charts
 * as PNG). App.vue connects it while mounted.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { AppState, CommandEvent, LabApi, ModelSourceRequest, SaveResult } from '@core/lab/contract';
import { chartsPngBase64 } from '@renderer/model/shell/charts-png';
import { attempt, couldNot, useLab } from '../lab';
import { useAppStore } from './app';
import { useComputeStore } from './compute';
import { useDesignStore } from './design';
import { useLibraryStore } from './library';
import { useModelsStore } from './models';
import { useRunsStore } from './runs';

export interface ShellNotice {
  kind: 'info' | 'error';
  text: string;
  /** A file the lab just saved: the notice offers to show it in its folder. */
  path?: string;
}

/** A text field, where Undo and Redo mean the typing, not the designer's history. */
function editingText(): boolean {
  const active = document.activeElement;
  return (
    active instanceof HTMLInputElement ||
    active instanceof HTMLTextAreaElement ||
    (active as HTMLElement | null)?.isContentEditable === true
  );
}

/** The weight exports beside ONNX (core/model/exports/). */
export const WEIGHTS_EXPORTS = { pytorch: 'PyTorch project…', safetensors: 'safetensors…', npz: 'NumPy .npz…' } as const;
export type WeightsExportKind = keyof typeof WEIGHTS_EXPORTS;

export const useShellStore = defineStore('shell', () => {
  const app = useAppStore();
  const runs = useRunsStore();
  const models = useModelsStore();
  const design = useDesignStore();
  const library = useLibraryStore();
  const notice = ref<ShellNotice | null>(null);
  let unsubscribe: (() => void) | null = null;
  let stopReporting: (() => void) | null = null;

  const appState = computed<AppState>(() => {
    const run = runs.focused;
    return {
      tab: app.tab,
      run: run ? { status: run.status, epochs: run.history.length } : null,
      model: models.modelId !== null,
      canTrain: design.canTrain && !runs.starting,
      canUndo: design.canUndo,
      canRedo: design.canRedo,
    };
  });

  /** What Save model and Export ONNX act on: the open model in Inspect, the focused run elsewhere. */
  function source(): ModelSourceRequest | null {
    if (app.tab === 'inspect') return models.modelId ? { modelId: models.modelId } : null;
    return runs.focusedId ? { runId: runs.focusedId } : null;
  }

  async function save(what: string, call: (lab: LabApi) => Promise<SaveResult>): Promise<void> {
    const result = await attempt(call);
    if (!result.ok) notice.value = { kind: 'error', text: couldNot(what, result.message) };
    // The whole path: a name alone does not say which folder the dialog was in.
    else if (result.value.saved) notice.value = { kind: 'info', text: `Saved ${result.value.path}`, path: result.value.path };
  }

  /** Shows a file a save notice names in the system's file manager (main shows only files the lab wrote); a refusal is the shell's notice. */
  async function reveal(path: string): Promise<void> {
    const result = await attempt((lab) => lab.revealPath({ path }));
    if (!result.ok) notice.value = { kind: 'error', text: couldNot('show the file in its folder', result.message) };
  }

  async function saveModelOf(from: ModelSourceRequest | null = source()): Promise<void> {
    if (from) await save('save the model', (lab) => lab.saveModel(from));
  }

  async function exportOnnxOf(from: ModelSourceRequest | null = source()): Promise<void> {
    if (from) await save('export the model to ONNX', (lab) => lab.exportOnnx(from));
  }

  /** A model's weights to take elsewhere: a PyTorch project folder (model.py, train.py, weights), safetensors or NumPy .npz. */
  async function exportWeightsOf(kind: WeightsExportKind, from: ModelSourceRequest | null = source()): Promise<void> {
    if (!from) return;
    if (kind === 'pytorch') await save('export a PyTorch project', (lab) => lab.exportPytorch(from));
    else if (kind === 'safetensors') await save('export the weights as safetensors', (lab) => lab.exportSafetensors(from));
    else await save('export the weights as NumPy .npz', (lab) => lab.exportNpz(from));
  }

  /** w^l of the open model as CSV (Inspect's weights view), of the epoch the slider shows; `layer` is the engine's index, as getWeights takes it. */
  async function exportWeightCsv(layer: number): Promise<void> {
    const { modelId, epoch } = models;
    if (modelId)
      await save('export the weight matrix as CSV', (lab) => lab.exportWeightCsv({ modelId, layer, ...(epoch !== null ? { epoch } : {}) }));
  }

  async function exportHistory(runId = runs.focusedId): Promise<void> {
    if (runId) await save('export the run history', (lab) => lab.exportHistory({ runId }));
  }

  /** The Train tab's charts, drawn onto one sheet and saved through main's dialog. */
  async function exportCharts(): Promise<void> {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="view-train"] canvas')];
    const background = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#ffffff';
    let base64: string | null;
    try {
      base64 = chartsPngBase64(canvases, background);
    } catch (error) {
      notice.value = { kind: 'error', text: couldNot('export the charts', error instanceof Error ? error.message : String(error)) };
      return;
    }
    if (base64 === null) {
      notice.value = { kind: 'error', text: 'No chart has been drawn yet: train a run first.' };
      return;
    }
    const name = runs.focused ? `${runs.focused.name} charts` : 'charts';
    await save('export the charts', (lab) => lab.savePng({ name: name.replace(/[^A-Za-z0-9 ._-]+/g, '-').slice(0, 100), base64 }));
  }

  /** A menu command: what the page's own button for it does. */
  function run(command: CommandEvent): void {
    const focused = runs.focusedId ?? undefined;
    switch (command.command) {
      case 'show-tab':
        return app.show(command.tab);
      case 'open-model':
        app.show('inspect');
        return void models.openFile();
      case 'import-dataset':
        app.show('design');
        library.browserOpen = true;
        return;
      case 'save-model':
        return void saveModelOf();
      case 'export-onnx':
        return void exportOnnxOf();
      case 'export-history':
        return void exportHistory();
      case 'export-charts':
        return void exportCharts();
      case 'undo':
        if (editingText()) document.execCommand('undo');
        else design.undo();
        return;
      case 'redo':
        if (editingText()) document.execCommand('redo');
        else design.redo();
        return;
      case 'train':
        if (!design.canTrain || runs.starting) return;
        app.show('train');
        return void runs.start({ ...design.startRequest(), threads: useComputeStore().threads });
      case 'pause':
        return void runs.pause(focused);
      case 'resume':
        return void runs.resume(focused);
      case 'step':
        return void runs.step(focused);
      case 'stop':
        return void runs.stop(focused);
    }
  }

  function connect(): void {
    unsubscribe ??= useLab().onEvent((event) => {
      if (event.type === 'command') run(event);
      else if (event.type === 'shell-notice') notice.value = { kind: event.kind, text: event.text };
      else if (event.type === 'import-source') {
        app.show('design');
        library.offer(event);
      }
    });
    // The menu follows the page: every change is reported (main rebuilds the menu only when it differs).
    stopReporting ??= watch(appState, (state) => void attempt((lab) => lab.reportAppState(state)), { immediate: true });
  }

  function disconnect(): void {
    unsubscribe?.();
    unsubscribe = null;
    stopReporting?.();
    stopReporting = null;
  }

  return {
    notice,
    appState,
    connect,
    disconnect,
    run,
    saveModelOf,
    exportOnnxOf,
    exportWeightsOf,
    exportWeightCsv,
    reveal,
    exportHistory,
    exportCharts,
  };
});
