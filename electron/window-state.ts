/**
 * The main window's size, position and maximised state, remembered in userData between launches.
 * Written atomically; read back validated (a damaged file means the default window), and fitted
 * to the displays there are now (a monitor unplugged since must not leave the window off-screen).
 * Pure apart from loadWindowState/saveWindowState and rememberWindowState (a window's events).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/files/atomic-write';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximised) bounds. */
  bounds: Rect;
  maximized: boolean;
}

/** Fits a 1366 × 768 screen and 1920 × 1080 at 150 % (1280 × 720 logical) with room for a taskbar. */
export const MIN_WINDOW = { width: 1024, height: 640 } as const;
export const DEFAULT_WINDOW = { width: 1440, height: 900 } as const;
/** How much of the window's title bar must lie on a display for it to count as visible. */
const MIN_VISIBLE = 100;

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);
const stateSchema = z.strictObject({
  version: z.literal(1),
  bounds: z.strictObject({ x: coordinate, y: coordinate, width: length, height: length }),
  maximized: z.boolean(),
});

/** The state from its JSON text; null (and why) for anything that is not one. */
export function parseWindowState(text: string): { state: WindowState | null; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: null, problem: 'not JSON' };
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) return { state: null, problem: parsed.error.issues[0]?.message ?? 'not a window state' };
  const { bounds, maximized } = parsed.data;
  return { state: { bounds, maximized } };
}

const overlap = (a: Rect, b: Rect) => ({
  width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
  height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
});

/**
 * The bounds to open the window with, given the displays' work areas (the first is the primary):
 * the remembered bounds when enough of their top lies on a display, shrunk to fit that display;
 * otherwise the default size centred on the primary display. Never below MIN_WINDOW (unless the
 * display itself is smaller), never larger than the display.
 */
export function fitToDisplays(state: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_WINDOW.width, height: DEFAULT_WINDOW.height };
  const fit = (bounds: Rect, area: Rect): Rect => {
    const width = Math.min(Math.max(bounds.width, MIN_WINDOW.width), area.width);
    const height = Math.min(Math.max(bounds.height, MIN_WINDOW.height), area.height);
    const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
    const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
    return { x, y, width, height };
  };
  if (state) {
    // The title bar (the top 40 px) is what a person drags: it must be reachable.
    const titleBar = { ...state.bounds, height: 40 };
    const home = workAreas.find((area) => {
      const o = overlap(titleBar, area);
      return o.width >= MIN_VISIBLE && o.height > 0;
    });
    if (home) return { bounds: fit(state.bounds, home), maximized: state.maximized };
  }
  const width = Math.min(DEFAULT_WINDOW.width, primary.width);
  const height = Math.min(DEFAULT_WINDOW.height, primary.height);
  const centred = {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  };
  return { bounds: fit(centred, primary), maximized: state?.maximized ?? false };
}

export async function loadWindowState(path: string): Promise<WindowState | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  const { state, problem } = parseWindowState(text);
  if (problem) console.warn(`fathom: ignored the saved window state ${path}: ${problem}`);
  return state;
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  const { x, y, width, height } = state.bounds;
  const rounded = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
  // userData exists in the app; a first launch with FATHOM_DATA elsewhere may not have made it yet.
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, bounds: rounded, maximized: state.maximized })}\n`);
}

/** The part of a BrowserWindow whose state is remembered. */
export interface StatefulWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): { x: number; y: number; width: number; height: number };
  isMaximized(): boolean;
}

/**
 * Calls `save` with the window's state a moment after it is resized, moved, maximised or restored
 * (a drag is one save, not hundreds), and at once when it closes.
 */
export function rememberWindowState(window: StatefulWindow, save: (state: WindowState) => void, delayMs = 500): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const now = () => {
    clearTimeout(timer);
    timer = undefined;
    save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(now, delayMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, later);
  window.on('close', now);
}
