/**
 * Convolutional networks in the window: designed (stacks, shapes, explanations, problems as you
 * type), trained on a subset, and opened in Inspect's kernels and feature maps.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './harness';
import { setNumber, useSubset } from './design-helpers';

async function chapter6(page: Page): Promise<void> {
  await page.getByTestId('tab-design').click();
  await page.getByTestId('preset-select').selectOption('chapter-6');
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
}

const diagram = (page: Page) => page.getByTestId('network-diagram');

for (const size of [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
]) {
  test(`design Nielsen's chapter-6 CNN at ${size.width} × ${size.height}: stacks, shapes, explanations, problems as you type`, async ({
    app: page,
    shot,
  }) => {
    await page.setViewportSize(size);
    await chapter6(page);
    // The drawing: 28×28×1 → 24×24×20 → 12×12×20 → 100 → 10, parameter counts and the flatten.
    for (const text of ['28×28×1', '24×24×20', '12×12×20', 'w² : 20 × 1 × 5 × 5', '520 params', 'flatten', '2,880', '288,100 params'])
      await expect(diagram(page)).toContainText(text);
    await expect(page.getByTestId('total-params')).toHaveText('289,630');
    await expect(page.getByTestId('layer-row')).toHaveCount(4);
    await shot('chapter-6');

    // Clicking the convolution in the drawing explains it, with the kernel sliding over an image.
    await diagram(page).locator('[data-layer="2"]').click();
    await expect(page.getByTestId('explain-title')).toHaveText('Convolution');
    await expect(page.getByTestId('kernel-slide')).toBeVisible();
    await shot('explain-convolution');

    // A kernel larger than the image is refused next to its control, and fixed by typing again.
    await setNumber(page, 'Kernel size of layer 2', 30);
    await expect(page.getByTestId('layer-row').nth(0)).toContainText('30×30 kernel is larger than its 28×28 input');
    await expect(page.getByTestId('can-train')).not.toHaveText('Ready to train');
    await shot('kernel-too-large');
    await setNumber(page, 'Kernel size of layer 2', 5);
    await expect(page.getByTestId('can-train')).toHaveText('Ready to train');

    // A second convolution from the menu lands before the dense layers; "same" keeps its size.
    await page.getByTestId('add-layer-kind').selectOption('conv');
    await expect(page.getByTestId('layer-row').nth(2)).toHaveAttribute('data-kind', 'conv');
    await page.getByLabel('Padding of layer 4', { exact: true }).selectOption('same');
    await expect(diagram(page)).toContainText('12×12×8');
    await shot('second-convolution');
  });
}

test('the modern CNN and the ConvNetJS network draw their shapes; a pooling layer after a dense one is refused', async ({
  app: page,
  shot,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('tab-design').click();
  await page.getByTestId('preset-select').selectOption('modern-cnn');
  for (const text of ['28×28×16', '14×14×32', '7×7×32', 'γ³ : 16', 'β³ : 16']) await expect(diagram(page)).toContainText(text);
  await shot('modern-cnn');
  await page.getByTestId('preset-select').selectOption('convnetjs');
  await expect(diagram(page)).toContainText('4×4×16');
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
  // The last pool moved below the dense output layer has no image to pool.
  await page.getByRole('button', { name: 'Move layer 5 down' }).click();
  await expect(page.getByTestId('layer-row').nth(4)).toContainText('comes after a dense layer');
  await shot('pool-after-dense');
});

test("trains Nielsen's chapter-6 CNN on a subset and shows its kernels and feature maps in Inspect", async ({ app: page, lab, shot }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await chapter6(page);
  await useSubset(page, 500);
  await setNumber(page, 'Epochs', 1);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  const run = page.locator('[data-run].focused');
  await expect(run.getByTestId('run-status')).toHaveText('finished', { timeout: 240_000 });
  const [summary] = await lab.service.listRuns();
  expect(summary!.spec.layers.map((l) => l.kind ?? 'dense')).toEqual(['conv', 'maxpool', 'dense', 'dense']);
  expect(summary!.history.at(-1)!.testAccuracy).toBeGreaterThan(0.3); // 500 images, one epoch: well above chance
  await shot('cnn-trained');

  await page.getByTestId('tab-inspect').click();
  const select = page.getByTestId('inspect-run-select');
  await select.focus();
  await select.selectOption(summary!.id);
  await page.getByTestId('inspect-open-run').click();
  await page.getByTestId('inspect-tab-cnn').click();
  await expect(page.getByTestId('cnn-view')).toBeVisible();
  await expect(page.getByTestId('kernel-grid').first()).toHaveAttribute('data-images', '20');
  await page.getByTestId('maps-show').click();
  await expect(page.getByTestId('feature-maps').first()).not.toHaveAttribute('data-images', '0', { timeout: 60_000 });
  await shot('cnn-kernels-and-maps');

  // The Weights view shows the kernels too (and leads to the maps); Activations draws every spatial layer's maps.
  await page.getByTestId('inspect-tab-weights').click();
  await expect(page.getByTestId('weights-kernels').getByTestId('kernel-grid')).toHaveAttribute('data-images', '20');
  await expect(page.getByTestId('heatmap-layer').locator('option')).toHaveText([
    'w² into conv 2 (20 kernels of 1 × 5 × 5)',
    'w⁴ into dense 4 (2,880 → 100)',
    'w⁵ into dense 5 (100 → 10)',
  ]);
  await shot('cnn-weights');
  await page.getByTestId('inspect-tab-activations').click();
  await expect(page.getByTestId('act-layer-1').getByTestId('feature-maps')).toHaveAttribute('data-images', '20');
  await expect(page.getByTestId('act-layer-2').getByTestId('feature-maps')).toHaveAttribute('data-images', '20');
  await expect(page.getByTestId('act-layer-3')).toContainText('Dense 4 · relu · 100 units');
  await shot('cnn-activations');
});
