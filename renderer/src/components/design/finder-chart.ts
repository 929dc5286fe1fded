/**
 * The finder's chart: the loss (raw and smoothed) against η on a log axis, with the steepest descent,
 * the suggestion and the divergence marked as vertical lines. The Chart instance stays out of Vue's
 * reactivity (the caller marks it raw).
 */
import { Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import type { ChartConfiguration, Plugin } from 'chart.js';
import type { LrFinderResult } from '@core/lab/contract';
import { readTheme } from '@renderer/components/charts/theme';
import { compact } from '@renderer/model/format';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Filler);

export interface FinderMark {
  eta: number;
  label: string;
  colour: string;
  dash: number[];
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export { Chart };

export function finderMarks(result: LrFinderResult): FinderMark[] {
  const marks: FinderMark[] = [
    { eta: result.steepestLearningRate, label: 'steepest', colour: cssVar('--act-tanh', '#0f9488'), dash: [4, 3] },
    { eta: result.suggestedLearningRate, label: 'suggested', colour: cssVar('--accent', '#2f6feb'), dash: [] },
  ];
  if (result.divergedAt !== undefined)
    marks.push({ eta: result.divergedAt, label: 'diverged', colour: cssVar('--danger', '#d1242f'), dash: [2, 2] });
  return marks;
}

/** Draws each mark as a labelled vertical line over the plot area. */
const marksPlugin = (marks: FinderMark[]): Plugin<'line'> => ({
  id: 'finderMarks',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    if (!x) return;
    ctx.save();
    ctx.font = `11px ${readTheme().font}`;
    marks.forEach((mark, i) => {
      const px = x.getPixelForValue(mark.eta);
      if (!(px >= chartArea.left && px <= chartArea.right)) return;
      ctx.strokeStyle = ctx.fillStyle = mark.colour;
      ctx.setLineDash(mark.dash);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      const text = `${mark.label} ${compact(mark.eta)}`;
      const w = ctx.measureText(text).width;
      ctx.fillText(text, Math.min(px + 3, chartArea.right - w), chartArea.top + 11 + 12 * i);
    });
    ctx.restore();
  },
});

export function finderConfig(result: LrFinderResult): ChartConfiguration<'line', { x: number; y: number }[]> {
  const theme = readTheme();
  const accent = cssVar('--accent', '#2f6feb');
  const ticks = { color: theme.muted, font: { family: theme.font, size: 10 } };
  const title = (text: string) => ({ display: true, text, color: theme.muted, font: { family: theme.font, size: 11 } });
  // The loss can blow up at the end: the y axis stops a little above the first smoothed loss, where the curve becomes useless.
  const smoothed = result.points.map((p) => p.smoothedLoss).filter(Number.isFinite);
  const top = Math.max(...smoothed.slice(0, 5)) * 1.5;
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'loss',
          data: result.points.map((p) => ({ x: p.learningRate, y: p.loss })),
          borderColor: theme.grid,
          borderWidth: 1,
          pointRadius: 0,
        },
        {
          label: 'smoothed',
          data: result.points.map((p) => ({ x: p.learningRate, y: p.smoothedLoss })),
          borderColor: accent,
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: {
          type: 'logarithmic',
          ticks: { ...ticks, callback: (v) => compact(Number(v)), maxTicksLimit: 7 },
          grid: { color: theme.grid },
          title: title('η (log scale)'),
        },
        y: {
          type: 'linear',
          max: top,
          ticks: { ...ticks, callback: (v) => compact(Number(v)) },
          grid: { color: theme.grid },
          title: title('loss'),
        },
      },
    },
    plugins: [marksPlugin(finderMarks(result))],
  };
}
