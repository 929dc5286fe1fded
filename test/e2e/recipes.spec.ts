/**
 * Training recipes in the window: an η schedule chosen in the Descent panel, with its plot, goes
 * into the run; the run's record keeps it and each epoch's η follows it.
 */
import { loadPreset, setNumber, useSubset } from './design-helpers';
import { expect, SLOW, test } from './harness';

test('an η schedule: its options and plot in the designer, then a run that follows it', async ({ app: page, lab, shot }) => {
  await loadPreset(page, 'network.py');
  await useSubset(page, 1000);
  await setNumber(page, 'Epochs', 4);
  await page.getByLabel('η schedule').selectOption('step');
  await setNumber(page, 'Decay γ', 0.5);
  await setNumber(page, 'Every N epochs', 1);
  await setNumber(page, 'Warm-up', 1);
  const plot = page.getByTestId('schedule-plot');
  await expect(plot).toContainText('η per epoch');
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
  await plot.scrollIntoViewIfNeeded();
  await page.getByLabel('η schedule').focus();
  await expect(page.getByTestId('explain-title')).toHaveText('Step decay');
  await shot('1-step-schedule');

  // A bad value is explained under its field and blocks training.
  await setNumber(page, 'Warm-up', 9);
  await expect(
    page.getByTestId('field-problem').filter({ hasText: /warm-up must be at least 0 epochs and shorter than the run \(4 epochs\)/ }),
  ).toBeVisible();
  await expect(page.getByTestId('can-train')).not.toHaveText('Ready to train');
  await setNumber(page, 'Warm-up', 1);

  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  await expect(page.locator('[data-run].focused').getByTestId('run-status')).toHaveText('finished', SLOW);
  const [run] = await lab.service.listRuns();
  expect(run!.settings.schedule).toMatchObject({ kind: 'step', decay: 0.5, every: 1, warmupEpochs: 1 });
  // Epoch 1 ends its warm-up at η = 3; then 3 · 0.5 per epoch.
  expect(run!.history.map((e) => e.learningRate)).toEqual([3, 3, 1.5, 0.75]);
  await shot('2-trained');
});
