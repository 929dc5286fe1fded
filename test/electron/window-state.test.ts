import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_WINDOW,
  fitToDisplays,
  loadWindowState,
  MIN_WINDOW,
  parseWindowState,
  rememberWindowState,
  saveWindowState,
  type WindowState,
} from '../../electron/window-state';

const screen = { x: 0, y: 0, width: 1920, height: 1040 };
const left = { x: -1280, y: 0, width: 1280, height: 984 };

describe('window state', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('keeps remembered bounds that lie on a display, and the maximised flag', () => {
    const state: WindowState = { bounds: { x: 100, y: 50, width: 1300, height: 800 }, maximized: true };
    expect(fitToDisplays(state, [screen])).toEqual(state);
    const onLeft: WindowState = { bounds: { x: -1200, y: 20, width: 1100, height: 700 }, maximized: false };
    expect(fitToDisplays(onLeft, [screen, left])).toEqual(onLeft);
  });

  it('centres the default window on the primary display when the remembered one is off every display', () => {
    const gone: WindowState = { bounds: { x: -1200, y: 20, width: 1100, height: 700 }, maximized: false };
    const expected = { x: (1920 - DEFAULT_WINDOW.width) / 2, y: (1040 - DEFAULT_WINDOW.height) / 2, ...DEFAULT_WINDOW };
    expect(fitToDisplays(gone, [screen])).toEqual({ bounds: expected, maximized: false });
    expect(fitToDisplays(null, [screen])).toEqual({ bounds: expected, maximized: false });
  });

  it('clamps to the display and to the minimum size', () => {
    const big: WindowState = { bounds: { x: 1800, y: 900, width: 3000, height: 2000 }, maximized: false };
    expect(fitToDisplays(big, [screen]).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    const small: WindowState = { bounds: { x: 10, y: 10, width: 300, height: 200 }, maximized: false };
    expect(fitToDisplays(small, [screen]).bounds).toEqual({ x: 10, y: 10, ...MIN_WINDOW });
    // 1366 × 768 with a taskbar: the default is shrunk to the work area, never below it.
    const laptop = { x: 0, y: 0, width: 1366, height: 728 };
    expect(fitToDisplays(null, [laptop]).bounds).toEqual({ x: 0, y: 0, width: 1366, height: 728 });
  });

  it('reads back what it wrote, atomically, and refuses damaged or out-of-range files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-window-'));
    dirs.push(dir);
    const path = join(dir, 'window-state.json');
    expect(await loadWindowState(path)).toBeNull();
    await saveWindowState(path, { bounds: { x: 10.4, y: 20, width: 1200, height: 700.6 }, maximized: true });
    expect(readdirSync(dir)).toEqual(['window-state.json']);
    expect(await loadWindowState(path)).toEqual({ bounds: { x: 10, y: 20, width: 1200, height: 701 }, maximized: true });

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    writeFileSync(path, '{"version":1,"bounds":{"x":0,"y":0,"width":-5,"height":700},"maximized":false}');
    expect(await loadWindowState(path)).toBeNull();
    writeFileSync(path, '{"version":1,"bo');
    expect(await loadWindowState(path)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    expect(parseWindowState('{"version":1,"bounds":{"x":0,"y":0,"width":900,"height":700},"maximized":false,"extra":1}').state).toBeNull();
  });

  it('saves once after a burst of moves, and at once when the window closes', () => {
    vi.useFakeTimers();
    const listeners = new Map<string, () => void>();
    const bounds = { x: 1, y: 2, width: 1100, height: 700 };
    const window = {
      on: (event: string, listener: () => void) => void listeners.set(event, listener),
      getNormalBounds: () => bounds,
      isMaximized: () => false,
    };
    const saved: WindowState[] = [];
    rememberWindowState(window, (state) => void saved.push(state), 500);
    for (let i = 0; i < 5; i++) listeners.get('move')!();
    expect(saved).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(saved).toEqual([{ bounds, maximized: false }]);
    listeners.get('resize')!();
    listeners.get('close')!();
    expect(saved).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(saved).toHaveLength(2);
    vi.useRealTimers();
  });
});
