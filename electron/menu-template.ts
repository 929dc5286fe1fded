/**
 * The application menu as data: a pure function of what the page reports of itself (AppState), the
 * recent files and the platform. Page commands go to the page as `command` events (the page acts
 * as if its own button were pressed); the rest are Electron roles or actions of main. Nothing here
 * opens the web: the default menu's Help links are not used.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppState, AppTab, ShellCommand } from '../core/lab/contract';
import type { RecentFile } from './recent-files';

export type Theme = 'system' | 'light' | 'dark';

export interface MenuContext {
  platform: NodeJS.Platform;
  /** Reload and DevTools only in development. */
  isPackaged: boolean;
  /** What the page last reported; null before it has (everything that needs the page is disabled). */
  state: AppState | null;
  /** Recent models and datasets that still exist, newest first. */
  recent: readonly RecentFile[];
  theme: Theme;
}

export interface MenuActions {
  command(command: ShellCommand): void;
  openRecent(file: RecentFile): void;
  clearRecent(): void;
  setTheme(theme: Theme): void;
  about(): void;
  shortcuts(): void;
}

const TAB_LABELS: Record<AppTab, string> = { design: 'Design', train: 'Train', inspect: 'Inspect' };

/** The run the page is focused on can be paused/resumed/stepped/stopped. */
function runControls(state: AppState | null) {
  const status = state?.run?.status;
  return {
    pauseResume: status === 'running' || status === 'paused',
    step: status === 'paused',
    stop: status === 'queued' || status === 'running' || status === 'paused',
    hasEpochs: (state?.run?.epochs ?? 0) > 0,
  };
}

export function menuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const { state, platform } = context;
  const mac = platform === 'darwin';
  const send = (command: ShellCommand) => () => actions.command(command);
  const run = runControls(state);
  // Save model and Export ONNX act on what the tab shows: the focused run's weights in Train, the open model in Inspect.
  const savable = !!state && ((state.tab === 'inspect' && state.model) || (state.tab !== 'inspect' && run.hasEpochs));

  const recentItems: MenuItemConstructorOptions[] = context.recent.map((file) => ({
    label: file.label,
    toolTip: file.paths.join('\n'),
    click: () => actions.openRecent(file),
  }));
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', enabled: !!state, click: send({ command: 'open-model' }) },
      {
        label: 'Open Recent',
        enabled: !!state,
        submenu: [
          ...(recentItems.length ? recentItems : [{ label: 'No recent files', enabled: false }]),
          { type: 'separator' },
          { label: 'Clear Recent', enabled: recentItems.length > 0, click: () => actions.clearRecent() },
        ],
      },
      { label: 'Import Dataset…', accelerator: 'CmdOrCtrl+I', enabled: !!state, click: send({ command: 'import-dataset' }) },
      { type: 'separator' },
      { label: 'Save Model…', accelerator: 'CmdOrCtrl+S', enabled: savable, click: send({ command: 'save-model' }) },
      { label: 'Export ONNX…', accelerator: 'CmdOrCtrl+Shift+E', enabled: savable, click: send({ command: 'export-onnx' }) },
      {
        label: 'Export Run History (CSV)…',
        enabled: !!state && state.tab === 'train' && run.hasEpochs,
        click: send({ command: 'export-history' }),
      },
      {
        label: 'Export Charts (PNG)…',
        enabled: !!state && state.tab === 'train' && run.hasEpochs,
        click: send({ command: 'export-charts' }),
      },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      // The designer's own history; in a text field the page undoes the typing instead.
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', enabled: !!state?.canUndo, click: send({ command: 'undo' }) },
      { label: 'Redo', accelerator: mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', enabled: !!state?.canRedo, click: send({ command: 'redo' }) },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const tabs = (Object.keys(TAB_LABELS) as AppTab[]).map((tab, i): MenuItemConstructorOptions => ({
    label: TAB_LABELS[tab],
    accelerator: `CmdOrCtrl+${i + 1}`,
    type: 'radio',
    checked: state?.tab === tab,
    enabled: !!state,
    click: send({ command: 'show-tab', tab }),
  }));
  const themes = (['system', 'light', 'dark'] as const).map((theme): MenuItemConstructorOptions => ({
    label: theme === 'system' ? 'As the System' : theme === 'light' ? 'Light' : 'Dark',
    type: 'radio',
    checked: context.theme === theme,
    click: () => actions.setTheme(theme),
  }));
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...tabs,
      { type: 'separator' },
      { label: 'Theme', submenu: themes },
      { type: 'separator' },
      { role: 'resetZoom', label: 'Actual Size' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(context.isPackaged ? [] : [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };
  const runMenu: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [
      { label: 'Train', accelerator: 'CmdOrCtrl+Enter', enabled: !!state?.canTrain, click: send({ command: 'train' }) },
      {
        label: state?.run?.status === 'paused' ? 'Resume' : 'Pause',
        accelerator: 'CmdOrCtrl+P',
        enabled: run.pauseResume,
        click: send({ command: state?.run?.status === 'paused' ? 'resume' : 'pause' }),
      },
      { label: 'Step', accelerator: 'CmdOrCtrl+Shift+Enter', enabled: run.step, click: send({ command: 'step' }) },
      { label: 'Stop', accelerator: 'CmdOrCtrl+.', enabled: run.stop, click: send({ command: 'stop' }) },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: () => actions.shortcuts() },
      ...(mac ? [] : [{ type: 'separator' } as const, { label: 'About Fathom', click: () => actions.about() }]),
    ],
  };
  const appMenu: MenuItemConstructorOptions = {
    label: 'Fathom',
    submenu: [
      { label: 'About Fathom', click: () => actions.about() },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit', label: 'Quit Fathom' },
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, runMenu, help];
}

/** Every item with an accelerator, as "Menu ▸ Item" and its keys (for the Keyboard Shortcuts box and the README's table). */
export function shortcutList(template: readonly MenuItemConstructorOptions[]): { item: string; keys: string }[] {
  const list: { item: string; keys: string }[] = [];
  const walk = (items: readonly MenuItemConstructorOptions[], path: string) => {
    for (const item of items) {
      const label = (item.label ?? '').replace('&', '');
      if (item.accelerator && label) list.push({ item: `${path}${label}`, keys: String(item.accelerator) });
      if (Array.isArray(item.submenu)) walk(item.submenu, `${path}${label} ▸ `);
    }
  };
  walk(template, '');
  return list;
}
