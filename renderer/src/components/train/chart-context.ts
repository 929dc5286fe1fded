/** Adapts the runs store to what the chart builders need (plain arrays, names and colours). */
import type { ChartContext, ChartRun } from '@renderer/model/train/charts';
import type { RunState } from '@renderer/stores/runs';
import type { RunSeries } from '@renderer/model/train/series';
import type { XAxisName } from '@renderer/model/train/x-axis';

export function chartContext(
  focused: RunState | null,
  overlays: RunState[],
  seriesOf: (id: string) => RunSeries,
  xAxis: XAxisName = 'epoch',
  surface?: string,
): ChartContext {
  const toChart = (run: RunState): ChartRun => ({
    name: run.name,
    colour: run.colour,
    spec: run.spec,
    epochs: run.settings.epochs,
    series: seriesOf(run.id),
    history: run.history,
    batchSize: run.settings.batchSize,
    ...(run.events ? { events: run.events } : {}),
  });
  return { focused: focused ? toChart(focused) : null, overlays: overlays.map(toChart), xAxis, ...(surface ? { surface } : {}) };
}
