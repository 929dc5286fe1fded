/**
 * The browser's two Chart.js charts: the class balance (bars stacked by split) and a regression
 * table's scatter. Callers keep the Chart instances out of Vue's reactivity (markRaw).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { readTheme } from '@renderer/components/charts/theme';
import type { ChartTheme } from '@renderer/components/charts/theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, ScatterController, PointElement, Tooltip, Legend);

export interface Point {
  x: number;
  y: number;
}

/** A CSS variable of the page (the theme's accent and greys follow light and dark). */
function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * The "test" bars: a quiet grey beside the coloured train and validation bars. The dark theme's
 * border grey is nearly the surface (#373e4a on #16191f, 1.6:1), so there it takes the hint grey
 * (#8590a0, 5.4:1), enough for a bar to stand out from the page.
 */
function testBarColour(): string {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  return dark ? cssVar('--text-3', '#8590a0') : cssVar('--border-strong', '#c9ced6');
}

function axes(theme: ChartTheme, xTitle: string, yTitle: string) {
  const ticks = { color: theme.muted, font: { family: theme.font, size: 11 } };
  const title = (text: string) => ({ display: text !== '', text, color: theme.muted, font: { family: theme.font, size: 11 } });
  return {
    x: { ticks, grid: { color: theme.grid }, title: title(xTitle) },
    y: { ticks, grid: { color: theme.grid }, title: title(yTitle) },
  };
}

export function balanceConfig(
  classes: string[],
  counts: { train: number[]; validation: number[]; test: number[] },
): ChartConfiguration<'bar', number[], string> {
  const theme = readTheme();
  const accent = cssVar('--accent', '#2f6feb');
  const splits = [
    { label: 'train', data: counts.train, backgroundColor: accent },
    { label: 'validation', data: counts.validation, backgroundColor: cssVar('--act-tanh', '#0f9488') },
    { label: 'test', data: counts.test, backgroundColor: testBarColour() },
  ].filter((s) => s.data.some((n) => n > 0));
  const scales = axes(theme, 'class', 'samples');
  return {
    type: 'bar',
    data: { labels: classes, datasets: splits.map((s) => ({ ...s, stack: 'all', borderWidth: 0, barPercentage: 0.8 })) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { ...scales.x, stacked: true, grid: { display: false } }, y: { ...scales.y, stacked: true, beginAtZero: true } },
      plugins: {
        legend: { position: 'bottom', labels: { color: theme.text, boxWidth: 10, boxHeight: 10, font: { family: theme.font, size: 11 } } },
        tooltip: { mode: 'index', intersect: false },
      },
    },
  };
}

export function scatterConfig(points: Point[], xTitle: string, yTitle: string): ChartConfiguration<'scatter', Point[]> {
  const theme = readTheme();
  const accent = cssVar('--accent', '#2f6feb');
  return {
    type: 'scatter',
    data: {
      datasets: [{ label: `${yTitle} against ${xTitle}`, data: points, backgroundColor: `${accent}99`, borderWidth: 0, pointRadius: 2.5 }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      scales: axes(theme, xTitle, yTitle),
      plugins: { legend: { display: false }, tooltip: { intersect: true } },
    },
  };
}

/** Predicted (y) against actual (x), with the line y = x where a perfect model's points would lie. */
export function predictionConfig(points: Point[], target: string): ChartConfiguration<'scatter', Point[]> {
  const config = scatterConfig(points, `actual ${target}`, `predicted ${target}`);
  const values = points.flatMap((p) => [p.x, p.y]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  config.data.datasets.push({
    label: 'predicted = actual',
    data: [
      { x: lo, y: lo },
      { x: hi, y: hi },
    ],
    showLine: true,
    pointRadius: 0,
    borderWidth: 1,
    borderDash: [4, 4],
    borderColor: cssVar('--text-3', '#6c7580'),
  });
  return config;
}

export { Chart };
