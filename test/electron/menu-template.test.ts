import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { AppState, ShellCommand } from '../../core/lab/contract';
import { menuTemplate, shortcutList, type MenuActions, type MenuContext } from '../../electron/menu-template';
import type { RecentFile } from '../../electron/recent-files';

const idle: AppState = { tab: 'design', run: null, model: false, canTrain: true, canUndo: false, canRedo: false };

function build(context: Partial<MenuContext> = {}) {
  const calls: unknown[] = [];
  const actions: MenuActions = {
    command: (command: ShellCommand) => void calls.push(command),
    openRecent: (file) => void calls.push(['recent', file.label]),
    clearRecent: () => void calls.push('clear'),
    setTheme: (theme) => void calls.push(['theme', theme]),
    about: () => void calls.push('about'),
    shortcuts: () => void calls.push('shortcuts'),
  };
  const template = menuTemplate({ platform: 'linux', isPackaged: true, state: idle, recent: [], theme: 'system', ...context }, actions);
  return { template, calls };
}

/** The item at "Menu/Item" (labels without '&'). */
function item(template: MenuItemConstructorOptions[], path: string): MenuItemConstructorOptions {
  let items = template;
  let found: MenuItemConstructorOptions | undefined;
  for (const label of path.split('/')) {
    found = items.find((i) => (i.label ?? i.role ?? '').replace('&', '') === label);
    if (!found) throw new Error(`no menu item ${path}`);
    items = Array.isArray(found.submenu) ? found.submenu : [];
  }
  return found!;
}

const click = (i: MenuItemConstructorOptions) => (i.click as () => void)();

describe('menuTemplate', () => {
  it('has File, Edit, View, Run and Help, with the accelerators of the README', () => {
    const { template } = build();
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(shortcutList(template)).toEqual([
      { item: 'File ▸ Open Model…', keys: 'CmdOrCtrl+O' },
      { item: 'File ▸ Import Dataset…', keys: 'CmdOrCtrl+I' },
      { item: 'File ▸ Save Model…', keys: 'CmdOrCtrl+S' },
      { item: 'File ▸ Export ONNX…', keys: 'CmdOrCtrl+Shift+E' },
      { item: 'File ▸ Quit', keys: 'CmdOrCtrl+Q' },
      { item: 'Edit ▸ Undo', keys: 'CmdOrCtrl+Z' },
      { item: 'Edit ▸ Redo', keys: 'Ctrl+Y' },
      { item: 'View ▸ Design', keys: 'CmdOrCtrl+1' },
      { item: 'View ▸ Train', keys: 'CmdOrCtrl+2' },
      { item: 'View ▸ Inspect', keys: 'CmdOrCtrl+3' },
      { item: 'Run ▸ Train', keys: 'CmdOrCtrl+Enter' },
      { item: 'Run ▸ Pause', keys: 'CmdOrCtrl+P' },
      { item: 'Run ▸ Step', keys: 'CmdOrCtrl+Shift+Enter' },
      { item: 'Run ▸ Stop', keys: 'CmdOrCtrl+.' },
      { item: 'Help ▸ Keyboard Shortcuts', keys: 'CmdOrCtrl+/' },
    ]);
  });

  it('sends page commands as commands, and the tab items as show-tab', () => {
    const { template, calls } = build();
    click(item(template, 'File/Open Model…'));
    click(item(template, 'View/Inspect'));
    click(item(template, 'Run/Train'));
    click(item(template, 'Edit/Undo'));
    expect(calls).toEqual([{ command: 'open-model' }, { command: 'show-tab', tab: 'inspect' }, { command: 'train' }, { command: 'undo' }]);
    expect(item(template, 'View/Design').checked).toBe(true);
  });

  it('enables the run items by the focused run', () => {
    expect(item(build().template, 'Run/Pause').enabled).toBe(false);
    expect(item(build().template, 'Run/Stop').enabled).toBe(false);
    const running = build({ state: { ...idle, tab: 'train', run: { status: 'running', epochs: 2 } } });
    expect(item(running.template, 'Run/Pause').enabled).toBe(true);
    expect(item(running.template, 'Run/Step').enabled).toBe(false);
    expect(item(running.template, 'File/Save Model…').enabled).toBe(true);
    expect(item(running.template, 'File/Export Run History (CSV)…').enabled).toBe(true);
    const paused = build({ state: { ...idle, tab: 'train', run: { status: 'paused', epochs: 0 } } });
    click(item(paused.template, 'Run/Resume'));
    expect(paused.calls).toEqual([{ command: 'resume' }]);
    expect(item(paused.template, 'Run/Step').enabled).toBe(true);
    // No epoch yet: no weights to save, no history to export.
    expect(item(paused.template, 'File/Save Model…').enabled).toBe(false);
    expect(item(paused.template, 'File/Export Run History (CSV)…').enabled).toBe(false);
  });

  it('saves the open model in Inspect, and disables what needs the page before it reports', () => {
    expect(item(build({ state: { ...idle, tab: 'inspect', model: true } }).template, 'File/Export ONNX…').enabled).toBe(true);
    expect(item(build({ state: { ...idle, tab: 'inspect', model: false } }).template, 'File/Export ONNX…').enabled).toBe(false);
    const before = build({ state: null }).template;
    for (const path of ['File/Open Model…', 'File/Import Dataset…', 'Run/Train', 'View/Train', 'Edit/Undo'])
      expect(item(before, path).enabled, path).toBe(false);
  });

  it('lists recent files, opens and clears them', () => {
    const recent: RecentFile[] = [{ kind: 'model', paths: ['/m/a.fathom.json'], label: 'a.fathom.json' }];
    const { template, calls } = build({ recent });
    click(item(template, 'File/Open Recent/a.fathom.json'));
    click(item(template, 'File/Open Recent/Clear Recent'));
    expect(calls).toEqual([['recent', 'a.fathom.json'], 'clear']);
    expect(item(build().template, 'File/Open Recent/No recent files').enabled).toBe(false);
  });

  it('has reload and DevTools only in development, and no item that opens the web', () => {
    const roles = (t: MenuItemConstructorOptions[]) => JSON.stringify(t);
    expect(roles(build().template)).not.toMatch(/toggleDevTools|"reload"/);
    expect(roles(build({ isPackaged: false }).template)).toMatch(/toggleDevTools/);
    expect(roles(build().template)).not.toMatch(/https?:/);
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const { template, calls } = build({ platform: 'darwin' });
    expect(template[0]!.label).toBe('Fathom');
    click(item(template, 'Fathom/About Fathom'));
    expect(calls).toEqual(['about']);
    expect(item(template, 'Edit/Redo').accelerator).toBe('Cmd+Shift+Z');
  });

  it('offers the three themes as radio items', () => {
    const { template, calls } = build({ theme: 'dark' });
    expect(item(template, 'View/Theme/Dark').checked).toBe(true);
    click(item(template, 'View/Theme/Light'));
    expect(calls).toEqual([['theme', 'light']]);
  });
});
