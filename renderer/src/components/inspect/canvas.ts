/**
 * Canvas plumbing for the Inspect tab: sharp canvases at the device pixel ratio, RGBA buffers
 * (from model/inspect/colour) drawn enlarged without smoothing, theme colours from the CSS
 * variables, and saving a canvas as a PNG through a download link (no Node).
 */
import { onBeforeUnmount, shallowRef, type ShallowRef } from 'vue';
import type { ColourTheme } from '@renderer/model/inspect/colour';
import { readTheme, type ChartTheme } from '@renderer/components/charts/theme';

export interface InspectTheme extends ChartTheme {
  accent: string;
  danger: string;
  ok: string;
  surface2: string;
}

/** The app's colours as the canvases need them (read when painting, so light and dark both work). */
export function inspectTheme(): InspectTheme {
  const style = getComputedStyle(document.documentElement);
  const pick = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    ...readTheme(),
    accent: pick('--accent', '#2f6feb'),
    danger: pick('--danger', '#c4321f'),
    ok: pick('--ok', '#1e7f3c'),
    surface2: pick('--surface-2', '#f7f8fa'),
  };
}

/** Which colour maps to paint with: a white-centred map glares on the dark page. */
export function colourTheme(): ColourTheme {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** A counter bumped when the system switches between light and dark: canvases repaint on it. */
export function useThemeTick(): ShallowRef<number> {
  const tick = shallowRef(0);
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const bump = (): void => void tick.value++;
  query?.addEventListener('change', bump);
  onBeforeUnmount(() => query?.removeEventListener('change', bump));
  return tick;
}

/** Sizes `canvas` to width × height CSS pixels at the device pixel ratio; the context draws in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

let scratch: HTMLCanvasElement | undefined;

/** Draws an RGBA buffer (width × height pixels) into the rectangle x, y, w, h, enlarged without smoothing. */
export function drawPixels(
  ctx: CanvasRenderingContext2D,
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  scratch ??= document.createElement('canvas');
  if (scratch.width !== width) scratch.width = width;
  if (scratch.height !== height) scratch.height = height;
  const sctx = scratch.getContext('2d')!;
  sctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, width, height, x, y, w, h);
}

/** The font string for canvas text in the app's UI font. */
export function font(theme: ChartTheme, size: number, weight = 400): string {
  return `${weight} ${size}px ${theme.font}`;
}

/**
 * Saves a canvas as a PNG through a temporary download link. An opaque background is painted
 * behind it first (transparent areas of charts would otherwise come out black in some viewers).
 */
export async function savePng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d')!;
  ctx.fillStyle = inspectTheme().surface;
  ctx.fillRect(0, 0, copy.width, copy.height);
  ctx.drawImage(canvas, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => copy.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas could not be encoded as PNG');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName.endsWith('.png') ? fileName : `${fileName}.png`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
