/**
 * The run record tells the truth (issue 13 §3): what a person did to a run (pause, a single step,
 * resume, η changed) is kept as events, marked on the charts and told as a history on the run card
 * and in the comparison; runs have numbers, start times and names of one's own; deleting asks for
 * nothing but can be undone for a few seconds.
 */
import { expect, test, SLOW } from './harness';
import { loadPreset, setNumber, useSubset } from './design-helpers';

test('η changes, pauses and steps are kept, marked and told; runs are numbered, renamed, compared and deleted with an Undo', async ({
  app: page,
  lab,
  shot,
}) => {
  await loadPreset(page, 'network.py');
  // Long enough that it cannot end before the test stops it; batches of 100 keep the stream light.
  await useSubset(page, 10_000);
  await setNumber(page, 'Epochs', 100_000);
  await setNumber(page, 'Batch size', 100);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  const card = page.locator('[data-run].focused');
  await expect(card.getByTestId('run-number')).toHaveText('#1');
  await expect(card.getByTestId('run-started')).toContainText('started');
  const id = (await card.getAttribute('data-testid'))!.replace(/^run-/, '');
  const run = page.getByTestId(`run-${id}`);
  const events = async () => (await lab.service.listRuns()).find((r) => r.id === id)?.events ?? [];
  await expect.poll(async () => (await lab.service.listRuns())[0]!.history.length, SLOW).toBeGreaterThanOrEqual(1);

  // Pause, one step, resume: each an event of the record.
  await page.getByTestId('run-pause').click();
  await expect(run.getByTestId('run-status')).toHaveText('paused');
  await page.getByTestId('run-step').click();
  await page.getByTestId('run-resume').click();
  await expect(run.getByTestId('run-status')).toHaveText('running');
  await expect.poll(async () => (await events()).map((e) => e.kind)).toEqual(['pause', 'step', 'resume']);

  // η changed mid-run: the base η stays 3, the change is an event, the name and card tell the history.
  await page.getByTestId('lr-input').fill('0.5');
  await page.getByTestId('lr-apply').click();
  await expect.poll(async () => (await events()).at(-1)).toMatchObject({ kind: 'learning-rate', from: 3, to: 0.5 });
  const [listed] = await lab.service.listRuns();
  expect(listed!.settings.learningRate).toBe(3);
  expect(listed!.name).toMatch(/ η=3→0\.5$/);
  await expect(run.getByTestId('run-name')).toHaveText(/η=3→0\.5$/);
  await expect(run.getByTestId('run-eta')).toHaveText(/^η 3 → 0\.5 at epoch \d+/);
  const history = (await lab.service.listRuns())[0]!.history.length;
  await expect.poll(async () => (await lab.service.listRuns())[0]!.history.length, SLOW).toBeGreaterThan(history);
  await page.waitForTimeout(600); // one more redraw of the charts (they redraw at most every 400 ms)
  await shot('1-events-marked-on-the-charts');
  await page.getByTestId('run-stop').click();
  await expect(run.getByTestId('run-status')).toHaveText('stopped');

  // A second run, short; then compare: results beside the settings that differ.
  await page.getByTestId('tab-design').click();
  await setNumber(page, 'Epochs', 2);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  const second = page.locator('[data-run].focused');
  await expect(second.getByTestId('run-number')).toHaveText('#2');
  await expect(second.getByTestId('run-status')).toHaveText('finished', SLOW);
  await run.getByTestId('run-overlay').check();
  await run.hover();
  const diff = page.getByTestId('run-diff');
  await expect(diff.getByTestId('diff-learningRate')).toContainText('3 → 0.5 at epoch');
  await expect(diff.getByTestId('result-best')).toContainText(/Best val\. acc\.\s*\d+\.\d %/);
  await expect(diff.getByTestId('result-best')).toContainText('#2');
  await expect(diff.getByTestId('result-epochs')).toContainText('#2 2');
  await expect(diff.getByTestId('result-time')).toContainText(/\d+ s/);
  await shot('2-comparison-with-results');

  // Runs of different lengths on one axis: by samples seen and by training time, every compared run within one range.
  const listedRuns = await lab.service.listRuns();
  const first = listedRuns.find((r) => r.id === id)!;
  const xEnd = async (chart: string) => Number(await page.getByTestId(chart).getAttribute('data-x-end'));
  await page.getByTestId('charts-x-axis').selectOption('samples');
  // 10,000 training images an epoch: the long run's last epoch lies within the axis, and loss and accuracy share its end.
  await expect.poll(() => xEnd('chart-accuracy')).toBeGreaterThanOrEqual(first.history.length * 10_000);
  // Charts redraw one at a time (an update frame, then a draw frame each): wait for the loss chart's turn.
  const accuracyEnd = await xEnd('chart-accuracy');
  await expect.poll(() => xEnd('chart-loss')).toBe(accuracyEnd);
  await shot('2b-compared-by-samples-seen');
  await page.getByTestId('charts-x-axis').selectOption('time');
  const trained = first.history.reduce((s, r) => s + r.seconds, 0);
  await expect.poll(() => xEnd('chart-accuracy')).toBeLessThan(first.history.length * 10_000);
  expect(await xEnd('chart-accuracy')).toBeGreaterThanOrEqual(trained);
  const accuracyEndByTime = await xEnd('chart-accuracy');
  await expect.poll(() => xEnd('chart-loss')).toBe(accuracyEndByTime);
  await shot('2c-compared-by-training-time');
  await page.getByTestId('charts-x-axis').selectOption('epoch');

  // Rename in place: a control character is refused and said; a good name is kept by the service.
  await run.getByTestId('run-rename').click();
  const field = run.getByTestId('run-rename-input');
  await field.fill('slow then fast\u0007');
  await field.press('Enter');
  await expect(page.getByTestId('train-notice')).toContainText('Could not rename the run');
  await run.getByTestId('run-rename').click();
  await field.fill('  η lowered at epoch 2  ');
  await field.press('Enter');
  await expect(run.getByTestId('run-name')).toHaveText('η lowered at epoch 2');
  await expect.poll(async () => (await lab.service.listRuns()).find((r) => r.id === id)!.name).toBe('η lowered at epoch 2');

  // Delete, then Undo: the run is back and the service never deleted it.
  await run.hover();
  await run.getByTestId('run-delete').click();
  await expect(run).toHaveCount(0);
  await expect(page.getByTestId('run-undo-delete')).toContainText('Deleted #1 η lowered at epoch 2');
  await shot('3-undo-offered');
  await page.getByTestId('run-undo').click();
  await expect(run).toHaveCount(1);
  await page.waitForTimeout(7000);
  expect((await lab.service.listRuns()).map((r) => r.id)).toContain(id);
  // Delete without Undo: the service deletes it once the Undo has run out.
  await run.hover();
  await run.getByTestId('run-delete').click();
  await expect.poll(async () => (await lab.service.listRuns()).map((r) => r.id), { timeout: 15_000 }).not.toContain(id);
  await expect(page.getByTestId('run-undo-delete')).toHaveCount(0);
  await shot('4-deleted');
});
