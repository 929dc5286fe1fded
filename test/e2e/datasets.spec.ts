/**
 * The dataset browser end to end, against the real lab service: the import dialog is stubbed
 * (lab.importPaths answers it) and returns the Fashion-MNIST folder of Debian's package.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, SLOW } from './harness';
import { loadPreset, setNumber, useSubset } from './design-helpers';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_CLASSES = 'T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot';

const items = (page: Page) => page.getByTestId('library-item');

async function openBrowser(page: Page): Promise<void> {
  await page.getByTestId('tab-design').click();
  await page.getByTestId('open-dataset-browser').click();
  await expect(page.getByTestId('dataset-browser')).toBeVisible();
}

/** Every value the progress bar showed, recorded in the page as it changes. */
async function watchProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (globalThis as unknown as { __progress: number[] }).__progress = seen;
    new MutationObserver(() => {
      const value = document.querySelector('[data-testid="import-progress"]')?.getAttribute('data-fraction');
      if (value) seen.push(Number(value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-fraction'] });
  });
  return () => page.evaluate(() => [...(globalThis as unknown as { __progress: number[] }).__progress]);
}

test('datasets: import, browse and train on Fashion-MNIST', async ({ app: page, lab, shot }) => {
  const bad = mkdtempSync(join(tmpdir(), 'fathom-e2e-bad-'));
  try {
    await loadPreset(page, 'modern');
    await openBrowser(page);
    await expect(items(page)).toHaveCount(1);
    await expect(page.getByTestId('details-name')).toHaveText('MNIST handwritten digits');
    await expect(page.getByTestId('mean-images').locator('canvas')).toHaveCount(10);
    await shot('1-mnist');

    // A truncated images file: the specific message, and nothing imported.
    copyFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'), join(bad, 'train-labels-idx1-ubyte.gz'));
    copyFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'), join(bad, 'train-images-idx3-ubyte.gz'));
    truncateSync(join(bad, 'train-images-idx3-ubyte.gz'), 200_000);
    lab.importPaths.push([join(bad, 'train-images-idx3-ubyte.gz'), join(bad, 'train-labels-idx1-ubyte.gz')]);
    await page.getByTestId('import-idx').click();
    const error = page.getByTestId('import-error');
    await expect(error).toContainText('Nothing was imported.');
    await expect(error).toContainText('train-images-idx3-ubyte.gz');
    await expect(items(page)).toHaveCount(1);
    expect(await lab.service.listDatasets()).toHaveLength(1);
    await shot('2-import-error');

    // Fashion-MNIST, with its class names; the progress bar follows the import events.
    const progress = await watchProgress(page);
    lab.importPaths.push([FASHION]);
    await page.getByText('Options', { exact: true }).click();
    await page.getByTestId('import-classes').fill(FASHION_CLASSES);
    // The split shares are checked as typed; Fashion-MNIST brings its test set, so only validation applies.
    await page.getByTestId('import-validation').fill('0.95');
    await expect(page.getByTestId('import-option-problem')).toHaveText('The validation share must be a number from 0 to 0.9.');
    await expect(page.getByTestId('import-idx')).toBeDisabled();
    await shot('3-import-option-problem');
    await page.getByTestId('import-validation').fill('0.2');
    await expect(page.getByTestId('import-option-problem')).toHaveCount(0);
    await shot('3-import-options');
    await page.getByTestId('import-idx').click();
    await expect(error).toHaveCount(0);
    await page
      .waitForFunction(
        () => Number(document.querySelector('[data-testid="import-progress"]')?.getAttribute('data-fraction')) > 0.02,
        undefined,
        { polling: 'raf' },
      )
      .catch(() => undefined);
    await shot('3-importing-progress');
    await expect(items(page)).toHaveCount(2, SLOW);
    await expect(page.getByTestId('import-progress')).toHaveCount(0);
    await expect(page.getByTestId('import-done')).toHaveText('✓ Imported “fashion-mnist”.');
    const seen = await progress();
    expect(
      seen.some((f) => f > 0 && f < 1),
      `progress seen: ${seen.join(', ')}`,
    ).toBe(true);
    expect(lab.bridge.events.filter((e) => e.type === 'import-progress').length).toBeGreaterThan(2);

    // Browse it: counts per class, mean images, samples per class.
    const details = page.getByTestId('dataset-details');
    await expect(page.getByTestId('details-name')).toHaveText('fashion-mnist');
    await expect(details).toContainText('28 × 28 · 10 classes');
    await expect(details).toContainText('48,000 train · 12,000 validation · 10,000 test');
    await expect(page.getByTestId('class-balance')).toHaveAttribute('data-classes', '10');
    await expect(page.getByTestId('mean-images').locator('canvas')).toHaveCount(10);
    await expect(page.getByTestId('mean-images')).toContainText('Ankle boot');
    await expect(page.getByTestId('class-samples').locator('canvas')).toHaveCount(80);
    await shot('4-fashion-overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('4b-fashion-overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Rename it; use it in the design.
    const fashion = items(page).nth(1);
    await fashion.getByTestId('dataset-rename').click();
    await fashion.getByTestId('dataset-rename-input').fill('Fashion-MNIST');
    await fashion.getByTestId('dataset-rename-save').click();
    await expect(page.getByTestId('details-name')).toHaveText('Fashion-MNIST');
    await expect(fashion).toContainText('Fashion-MNIST');
    await page.getByTestId('use-dataset').click();
    await expect(page.getByTestId('use-dataset')).toHaveText('Used by the design');
    await page.getByTestId('browser-close').click();
    await expect(page.getByTestId('dataset-browser')).toHaveCount(0);

    // Train on it: a small subset, one epoch.
    await expect(page.locator('#f-datasetId option:checked')).toHaveText('Fashion-MNIST');
    await expect(page.getByTestId('design-view')).toContainText('Use its validation split (12,000 samples)');
    await useSubset(page, 3000);
    await setNumber(page, 'Epochs', 2);
    await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
    await page.getByTestId('open-dataset-browser').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('sample-grid')).toBeVisible();
    // Every class name under the sample tiles shows whole ("Ankle boot", not "Ankl…").
    const clipped = await page
      .getByTestId('sample-grid')
      .locator('figcaption')
      .evaluateAll((captions) =>
        captions.filter((c) => c.scrollWidth > c.clientWidth || c.scrollHeight > c.clientHeight + 1).map((c) => c.textContent),
      );
    expect(clipped).toEqual([]);
    await shot('5-design-on-fashion');
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-start').click();
    const run = page.locator('[data-run].focused');
    await expect(run.getByTestId('run-status')).toHaveText('finished', SLOW);
    const [summary] = await lab.service.listRuns();
    const fashionId = (await lab.service.listDatasets())[1]!.id;
    expect(summary!.datasetId).toBe(fashionId);
    expect(summary!.history.at(-1)!.testAccuracy).toBeGreaterThan(0.7);
    await shot('6-trained');

    // Inspect it: evaluated on Fashion-MNIST's whole test split, not MNIST's.
    await page.getByTestId('tab-inspect').click();
    const select = page.getByTestId('inspect-run-select');
    await select.focus();
    await select.selectOption(summary!.id);
    await page.getByTestId('inspect-open-run').click();
    await page.getByTestId('inspect-tab-confusion').click();
    await expect(page.getByTestId('inspect-accuracy')).toContainText('on 10,000 test images');
    await expect(page.getByTestId('metrics-table')).toContainText('Ankle boot');
    // Precision and recall explained with one of its own classes, not MNIST's digits.
    await expect(page.getByTestId('metrics-note')).toContainText('the network calls “Dress”');
    await shot('6b-inspect-confusion');
    await page.getByTestId('tab-design').click();

    // Delete: import it once more, then delete that copy from the list.
    await openBrowser(page);
    lab.importPaths.push([FASHION]);
    await page.getByTestId('import-idx').click();
    await expect(items(page)).toHaveCount(3, SLOW);
    const copy = items(page).nth(2);
    await expect(copy).toContainText('fashion-mnist');
    await copy.getByTestId('dataset-delete').click();
    await shot('7-confirm-delete');
    await copy.getByTestId('dataset-delete-confirm').click();
    await expect(items(page)).toHaveCount(2);
    expect((await lab.service.listDatasets()).map((d) => d.name)).toEqual(['MNIST handwritten digits', 'Fashion-MNIST']);
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});

test('datasets: a regression table and its scatter', async ({ app: page, lab, shot }) => {
  const folder = mkdtempSync(join(tmpdir(), 'fathom-e2e-rent-'));
  try {
    // The seed's office rents: rent = 2.5 · area + 300 (+ a little noise), and the floor as a second column.
    const rows = Array.from({ length: 300 }, (_, i) => {
      const area = 20 + ((i * 37) % 180);
      const floor = i % 9;
      return `${area},${floor},${(2.5 * area + 300 + 4 * floor + ((i * 13) % 11) - 5).toFixed(1)}`;
    });
    writeFileSync(join(folder, 'office-rents.csv'), `area,floor,rent\n${rows.join('\n')}\n`);
    await page.getByTestId('preset-select').selectOption('perceptron'); // one layer of weights; made linear below
    await openBrowser(page);
    lab.importPaths.push([join(folder, 'office-rents.csv')]);
    await page.getByText('Options', { exact: true }).click();
    await page.getByTestId('import-targets').fill('rent');
    await page.getByTestId('import-csv').click();
    await expect(items(page)).toHaveCount(2, SLOW);
    const details = page.getByTestId('dataset-details');
    await expect(page.getByTestId('details-name')).toHaveText('office-rents');
    await expect(details).toContainText('2 columns · regression of rent');
    await expect(page.getByTestId('regression-scatter')).toHaveAttribute('data-points', '210');
    await shot('1-rent-against-area');
    await page.getByTestId('scatter-column').selectOption('floor');
    await expect(page.getByRole('img', { name: 'rent against floor' })).toBeVisible();
    await shot('2-rent-against-floor');
    await expect(page.getByTestId('predicted-actual')).toContainText('Train a network on this dataset');

    // Train a linear unit on it through the designer: area, floor → rent.
    await page.getByTestId('use-dataset').click();
    await page.getByTestId('browser-close').click();
    await setNumber(page, 'Units in the input layer', 2);
    await setNumber(page, 'Units in layer 2', 1);
    await page.getByLabel('Activation of layer 2').selectOption('linear');
    await setNumber(page, 'Learning rate η', 0.5);
    await setNumber(page, 'Epochs', 30);
    await expect(page.getByTestId('can-train')).toHaveText('Ready to train');

    // A classification loss on rent targets is flagged next to the loss, before Train is pressed.
    await expect(page.getByTestId('dataset-targets')).toContainText(/Targets: real values from \d/);
    const loss = page.getByLabel('Loss (cost)', { exact: true });
    const fitting = await loss.inputValue();
    await loss.selectOption('binary-cross-entropy');
    const lossField = page.locator('.field', { has: loss });
    await expect(lossField.getByTestId('field-problem')).toContainText([
      /Binary cross-entropy needs targets between 0 and 1, but target #0 is \d/,
    ]);
    await expect(page.getByTestId('can-train')).not.toHaveText('Ready to train');
    await shot('2b-classification-loss-on-rents');
    // The same problem in the dark theme: the warning must stay readable.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(lossField.getByTestId('field-problem').first()).toBeVisible();
    await shot('2c-classification-loss-on-rents-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await loss.selectOption(fitting);
    await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-start').click();
    await expect(page.locator('[data-run].focused').getByTestId('run-status')).toHaveText('finished', SLOW);

    // After training: predicted against actual on the test split.
    await openBrowser(page);
    await expect(page.getByTestId('predicted-chart')).toHaveAttribute('data-points', '60');
    await expect(page.getByTestId('predicted-rmse')).toContainText('over 60 test rows');
    const rmse = Number((await page.getByTestId('predicted-rmse').textContent())!.match(/RMSE ([\d.,]+)/)![1]!.replace(/,/g, ''));
    expect(rmse).toBeLessThan(15);
    await page.getByTestId('predicted-actual').scrollIntoViewIfNeeded();
    await shot('3-predicted-against-actual');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('4-predicted-against-actual-dark');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
