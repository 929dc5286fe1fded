/**
 * The desktop shell's side of window.lab (verbs.ts): what the main process asks of the page on its
 * own (a menu command, a note to show, files offered for import), what the page tells main about
 * itself (so the menu can enable the right items), and what the page saves through main's dialogs.
 */
import type { ImportKind } from './dataset-types';
import type { RunStatus } from './run-types';

export const APP_TABS = ['design', 'train', 'inspect'] as const;
export type AppTab = (typeof APP_TABS)[number];

/** What a menu item asks the page to do (the page acts as if its own button were pressed). */
export const SHELL_COMMANDS = [
  'show-tab',
  'open-model',
  'import-dataset',
  'save-model',
  'export-onnx',
  'export-history',
  'export-charts',
  'undo',
  'redo',
  'train',
  'pause',
  'resume',
  'step',
  'stop',
] as const;
export type ShellCommandName = (typeof SHELL_COMMANDS)[number];

export type ShellCommand = { command: 'show-tab'; tab: AppTab } | { command: Exclude<ShellCommandName, 'show-tab'> };

/** A menu command, sent by main on the event stream. */
export type CommandEvent = { type: 'command' } & ShellCommand;

/** A line main wants the person to read (a dropped file it cannot open, a recent file that is gone). */
export interface ShellNoticeEvent {
  type: 'shell-notice';
  kind: 'info' | 'error';
  text: string;
}

/**
 * Files main was handed from outside the page (dropped on the window, picked from Open Recent) and
 * offers for import. The page sees their names only; it imports them by `sourceId`.
 */
export interface ImportSourceEvent {
  type: 'import-source';
  sourceId: string;
  kind: ImportKind;
  /** The file or folder names, without their folders. */
  names: string[];
}

/** What the page reports of itself after every change, for the application menu. */
export interface AppState {
  tab: AppTab;
  /** The run the Train tab is focused on, if any. */
  run: { status: RunStatus; epochs: number } | null;
  /** A model is open in Inspect. */
  model: boolean;
  canTrain: boolean;
  canUndo: boolean;
  canRedo: boolean;
}

/** What a main-process save dialog is asked to save; it picks the filter and the extension from this. */
export const SAVE_KINDS = ['model', 'onnx', 'csv', 'png', 'pytorch', 'safetensors', 'npz'] as const;
export type SaveKind = (typeof SAVE_KINDS)[number];

/** The most bytes a PNG the page hands main may hold (a chart at 3× is well under 2 MB). */
export const MAX_PNG_BYTES = 8 * 1024 * 1024;

/**
 * The one channel a path travels on from the renderer's process: the paths of files dropped on the
 * window, read by the preload (never by the page) and checked again in main (electron/dropped-files.ts).
 */
export const DROP_CHANNEL = 'lab-shell:dropped-files';
