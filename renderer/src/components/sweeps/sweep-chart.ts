/**
 * The chart of a one-setting sweep: best validation accuracy against the setting's value (a log
 * axis when the values span more than ten times, categories for names), the best run ringed.
 */
import {
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { readTheme } from '@renderer/components/charts/theme';
import { compact, compactPercent } from '@renderer/model/format';
import { isLogAxis } from '@renderer/model/sweeps/results';

Chart.register(ScatterController, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip);
export { Chart };

type XY = { x: number | string; y: number };

export function sweepChartConfig(
  label: string,
  levels: (number | string)[],
  points: XY[],
  best: XY | null,
): ChartConfiguration<'line', XY[]> {
  const theme = readTheme();
  const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2f6feb';
  const numeric = levels.every((v) => typeof v === 'number');
  const ticks = { color: theme.muted, font: { family: theme.font, size: 11 } };
  const title = (text: string) => ({ display: true, text, color: theme.muted, font: { family: theme.font, size: 11 } });
  const sorted = numeric ? [...points].sort((a, b) => (a.x as number) - (b.x as number)) : points;
  return {
    type: 'line',
    data: {
      ...(numeric ? {} : { labels: levels.map(String) }),
      datasets: [
        {
          data: sorted.map((p) => (numeric ? p : { x: String(p.x), y: p.y })) as XY[],
          borderColor: accent,
          backgroundColor: accent,
          pointRadius: sorted.map((p) => (best && p.x === best.x && p.y === best.y ? 7 : 4)),
          pointBorderWidth: sorted.map((p) => (best && p.x === best.x && p.y === best.y ? 3 : 1)),
          borderWidth: 1.5,
          showLine: numeric,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: {
          type: numeric ? (isLogAxis(levels) ? 'logarithmic' : 'linear') : 'category',
          ticks: { ...ticks, ...(numeric ? { callback: (v: number | string) => compact(Number(v)) } : {}) },
          grid: { color: theme.grid },
          title: title(label),
        },
        y: {
          ticks: { ...ticks, callback: (v) => compactPercent(Number(v)) },
          grid: { color: theme.grid },
          title: title('best validation accuracy'),
        },
      },
    },
  };
}
