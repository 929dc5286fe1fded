/**
 * The learning-rate finder and a sweep in the window, at 1024 × 700: the finder runs on the design,
 * plots loss against η and puts its η into the design; a 2 × 2 sweep queues four runs, and its
 * results open with the table (best marked) and the heatmap.
 */
import { loadPreset, setNumber, useSubset } from './design-helpers';
import { expect, SLOW, test } from './harness';

test('the finder sets η, and a 2 × 2 sweep shows its table and heatmap', async ({ app: page, lab, shot }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await loadPreset(page, 'network.py');
  await useSubset(page, 1000);
  await setNumber(page, 'Epochs', 1);

  // The finder: progress, then the chart with its marks and the suggestion.
  const finder = page.getByTestId('lr-finder');
  await page.getByTestId('find-lr').click();
  await expect(finder).toHaveAttribute('data-state', 'found', SLOW);
  await expect(page.getByTestId('finder-facts')).toContainText(/Loss falls fastest at η ≈ .+, is lowest at η ≈ /);
  const use = page.getByTestId('use-lr');
  const suggested = (await use.textContent())!.match(/η = ([\d.]+)/)![1]!;
  await finder.scrollIntoViewIfNeeded();
  await shot('1-finder');
  await use.click();
  await expect(page.getByLabel('Learning rate η', { exact: true })).toHaveValue(suggested);
  // Nothing was saved by the finder.
  expect(await lab.service.listRuns()).toEqual([]);

  // A 2 × 2 sweep of η and batch size.
  const setup = page.getByTestId('sweep-setup');
  await setup.scrollIntoViewIfNeeded();
  await setup.getByTestId('sweep-values').first().fill('0.5, 3');
  await setup.getByTestId('sweep-add-axis').click();
  await setup.getByTestId('sweep-axis-1').getByTestId('sweep-values').fill('10, 50');
  await expect(setup.getByTestId('sweep-start')).toHaveText('Start sweep: 4 runs');
  await shot('2-sweep-setup');
  await setup.getByTestId('sweep-start').click();

  const results = page.getByTestId('sweep-results');
  await expect(results).toBeVisible();
  await expect(results.getByTestId('sweep-counts')).toHaveText('4 of 4 finished', SLOW);
  await expect(results.getByTestId('sweep-row')).toHaveCount(4);
  await expect(results.locator('[data-testid="sweep-row"][data-best="true"]')).toHaveCount(1);
  await expect(results.getByTestId('heat-cell')).toHaveCount(4);
  await expect(results.getByTestId('heat-cell').filter({ hasText: '—' })).toHaveCount(0);
  await shot('3-sweep-results');

  // Sorted by η, ascending: the table's first rows are η = 0.5.
  await results.getByTestId('sort-axis:lr').click();
  await expect(results.getByTestId('sweep-row').first().locator('td').first()).toHaveText('0.5');

  const runs = await lab.service.listRuns();
  expect(runs).toHaveLength(4);
  expect(new Set(runs.map((r) => r.sweep?.id)).size).toBe(1);
  expect(runs.map((r) => r.sweep!.point).sort((a, b) => Number(a.lr) - Number(b.lr) || Number(a.batch) - Number(b.batch))).toEqual([
    { lr: 0.5, batch: 10 },
    { lr: 0.5, batch: 50 },
    { lr: 3, batch: 10 },
    { lr: 3, batch: 50 },
  ]);

  // Closed, the sweep re-opens from the runs list.
  await results.getByTestId('sweep-close').click();
  await expect(results).toHaveCount(0);
  await page.getByTestId('open-sweeps').click();
  await expect(page.getByTestId('sweep-results').getByTestId('sweep-row')).toHaveCount(4);
  await shot('4-reopened');
});
