/**
 * What a line chart draws, apart from how Chart.js draws it: the chart builders (model/train/charts.ts)
 * make these and components/charts/line-chart.ts hands them to Chart.js.
 */
import type { ChartDataset } from 'chart.js';

export interface Point {
  x: number;
  y: number;
}

export type LineSet = ChartDataset<'line', Point[]>;

export interface ChartSpec {
  datasets: LineSet[];
  yType: 'linear' | 'logarithmic';
  yTitle: string;
  /** How y values read in ticks and tooltips. */
  yFormat?: (y: number) => string;
  decimation: 'lttb' | 'min-max';
  /** Only the first `legendItems` datasets (the focused run's) appear in the legend; all by default. */
  legendItems?: number;
  /** Start the y axis at zero (for rates, where a zoomed axis exaggerates noise). */
  fromZero?: boolean;
  /** Where the x axis ends: the same for every chart of a run, so their x positions line up. */
  xMax?: number;
  /** What x measures (default: the epoch) and how a tooltip reads a position on it. */
  xTitle?: string;
  xTooltip?: (x: number) => string;
  /** Points the chart holds before its lines were capped for drawing (default: the points drawn). */
  kept?: number;
  /** The default y range (a loss chart's ignores the first batches' spike); absent: fitted to the data. */
  yRange?: { min: number; max: number };
}

/** Pixels a marker may reach past the plot area (the largest marker's radius, plus its hover growth). */
export const MARKER_OVERHANG = 6;
