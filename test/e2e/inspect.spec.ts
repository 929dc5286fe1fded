import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { tsImport } from 'tsx/esm/api';
import { expect, test, SLOW } from './harness';
import type { SavedModel } from './inspect-model';
import { mnistSpec } from '../fixtures/specs';

let dir: string;
let model: SavedModel;

/** The mean grey level (0–255) of a canvas's opaque pixels: how light its colour map reads. */
function meanLevel(canvas: Locator): Promise<number> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const { data } = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 255) continue;
      sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
      n++;
    }
    return n ? sum / n : NaN;
  });
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fathom-inspect-'));
  const { trainAndSave } = (await tsImport('./inspect-model.ts', import.meta.url)) as typeof import('./inspect-model');
  model = await trainAndSave(dir);
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where ConfusionMatrix.vue draws cell (t, p): its LEFT, TOP and CELL constants. */
const cellCentre = (t: number, p: number) => ({ x: 44 + p * 42 + 21, y: 40 + t * 42 + 21 });

/** The off-diagonal cell with the most images. */
function biggestMistake(confusion: number[][]): { t: number; p: number; count: number } {
  let best = { t: 0, p: 1, count: -1 };
  confusion.forEach((row, t) => row.forEach((count, p) => t !== p && count > best.count && (best = { t, p, count })));
  return best;
}

async function view(page: Page, name: string): Promise<void> {
  await page.getByTestId(`inspect-tab-${name}`).click();
  await expect(page.getByTestId(`inspect-tab-${name}`)).toHaveAttribute('aria-selected', 'true');
}

/** Drags the mouse through `points` (fractions of the element's size) with the button held. */
async function stroke(page: Page, target: Locator, points: [number, number][]): Promise<void> {
  const box = (await target.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

test('inspect a saved model: every view, confusion cell → gallery, drawing, gradient check', async ({ app: page, lab, shot }) => {
  await page.getByTestId('tab-inspect').click();
  await expect(page.getByTestId('inspect-empty')).toBeVisible();

  // A damaged file is refused with its own reason; then the real one opens.
  lab.openPaths.push(model.truncatedPath);
  await page.getByTestId('inspect-open-file').click();
  await expect(page.getByTestId('inspect-notice')).toContainText('half-written.fathom.json: the JSON stops in the middle of a value');
  await expect(page.getByTestId('inspect-empty')).toBeVisible();
  await shot('empty-with-refused-file');
  lab.openPaths.push(model.path);
  await page.getByTestId('inspect-open-file').click();
  await expect(page.getByTestId('inspect-model-name')).toHaveText('digits-784-30-10');
  await expect(page.getByTestId('inspect-notice')).toHaveCount(0);
  // What is open: the file by name, its full path on hover and in a line; no run named in the run select.
  await expect(page.getByTestId('inspect-model-origin')).toHaveText('from file digits-784-30-10.fathom.json');
  await expect(page.getByTestId('inspect-model-origin')).toHaveAttribute('title', model.path);
  await expect(page.getByTestId('inspect-model-path')).toHaveText(model.path);
  await expect(page.getByTestId('inspect-run-select')).toHaveValue('');

  // Weights: 30 unit images, per-unit scale, the output layer's matrix.
  await expect(page.getByTestId('unit-grid')).toHaveAttribute('data-units', '30');
  await shot('weights');
  // Light theme: the diverging map's middle is near-white, so the mostly-small weights read light.
  expect(await meanLevel(page.getByTestId('unit-grid'))).toBeGreaterThan(180);
  await expect(page.getByTestId('weights-view')).toContainText('near-white is a weight near zero');
  // One notation with Design: layer 1 is the input, so the first weights are w² (30 × 784, into layer 2).
  await expect(page.getByTestId('weights-view')).toContainText('w² : 30 × 784');
  await expect(page.getByTestId('heatmap-layer').locator('option')).toHaveText(['w² into layer 2 (784 → 30)', 'w³ into layer 3 (30 → 10)']);
  await page.getByTestId('scale-per-unit').click();
  await page.getByTestId('heatmap-layer').selectOption('2');
  await expect(page.getByTestId('weights-view')).toContainText('w³ : 10 × 30');
  await page.getByTestId('weight-heatmap').scrollIntoViewIfNeeded();
  await shot('weights-per-unit');
  await page.getByTestId('weights-view').getByText('Histograms').scrollIntoViewIfNeeded();
  await shot('weights-histograms');

  // Confusion matrix: the biggest confusion, clicked, filters the gallery to exactly its images.
  await view(page, 'confusion');
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix).toBeVisible();
  const accuracy = (model.accuracy * 100).toFixed(2);
  await expect(page.getByTestId('inspect-accuracy')).toContainText(`${accuracy} % on 10,000 test images`);
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(10);
  await shot('confusion');
  await expect(page.getByTestId('metrics-note')).toContainText('of the test images labelled “3”, how many it calls so');
  await expect(page.getByTestId('confusion-view')).toContainText('Blue: mistakes, darker = more');
  const download = page.waitForEvent('download');
  await page.getByTestId('confusion-view').getByRole('button', { name: 'PNG' }).click();
  expect((await download).suggestedFilename()).toBe('confusion-matrix.png');
  const cell = biggestMistake(model.confusion);
  await matrix.click({ position: cellCentre(cell.t, cell.p) });
  await expect(page.getByTestId('inspect-tab-misclassified')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-count', String(cell.count));
  await expect(page.getByTestId('gallery-count')).toContainText(`true ${cell.t}, predicted ${cell.p}`);
  await page.waitForTimeout(300); // the thumbnails arrive
  await shot('misclassified-cell');

  // The whole gallery: 1,000+ thumbnails in one canvas, scrolled to the end and back.
  const mistakes = model.confusion.reduce((s, row, t) => s + row.reduce((r, v, p) => r + (p === t ? 0 : v), 0), 0);
  await page.getByTestId('gallery-clear').click();
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-count', String(mistakes));
  expect(mistakes).toBeGreaterThan(1000);
  const started = Date.now();
  await page.getByTestId('gallery').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.getByTestId('gallery').evaluate((el) => (el.scrollTop = 0));
  test
    .info()
    .annotations.push({ type: 'gallery', description: `${mistakes} thumbnails, scrolled end to end in ${Date.now() - started} ms` });
  await page.waitForTimeout(300);
  await shot('misclassified');

  // Clicking a thumbnail opens it in the activations view.
  const gallery = page.getByTestId('gallery').locator('canvas');
  const width = await page.getByTestId('gallery').evaluate((el) => el.clientWidth);
  const offset = Math.floor((width - Math.floor(width / 84) * 84) / 2);
  await gallery.click({ position: { x: offset + 42, y: 34 } });
  await expect(page.getByTestId('inspect-tab-activations')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('act-caption')).toContainText(/Test image \d+, labelled \d/);
  await expect(page.getByTestId('act-predicted')).toContainText(/but it is labelled/);
  await expect(page.getByTestId('act-layer-2')).toBeVisible();
  await expect(page.getByTestId('act-layer-1')).toContainText('Layer 2 · sigmoid · 30 units');
  await expect(page.getByTestId('act-layer-2')).toContainText('Layer 3 · sigmoid · 10 units');
  // Each formula is set apart from the words after it.
  await expect(page.getByTestId('act-layer-1')).toContainText('+ b2 weighted input');
  await expect(page.getByTestId('act-layer-1')).toContainText('σ(z2) activation');
  await shot('activations');

  // Draw a "1" with the mouse: the preparation steps and a live prediction appear.
  await view(page, 'draw');
  const pad = page.getByTestId('draw-pad');
  await stroke(page, pad, [
    [0.48, 0.15],
    [0.5, 0.5],
    [0.52, 0.85],
  ]);
  await expect(page.getByTestId('draw-prediction')).toHaveAttribute('data-predicted', /^\d$/);
  const predicted = await page.getByTestId('draw-prediction').getAttribute('data-predicted');
  test.info().annotations.push({ type: 'drawn', description: `a drawn 1 was predicted as ${predicted}` });
  await shot('draw');
  await page.getByTestId('draw-clear').click();
  await stroke(page, pad, [
    [0.25, 0.2],
    [0.75, 0.2],
    [0.45, 0.85],
  ]);
  await expect(page.getByTestId('draw-prediction')).toHaveAttribute('data-predicted', /^\d$/);
  await shot('draw-seven');
  await page.getByTestId('draw-open-activations').click();
  await expect(page.getByTestId('act-caption')).toHaveText('Your drawing, prepared like MNIST');

  // Gradient check on a test image: tiny relative errors in every layer.
  await view(page, 'gradcheck');
  // It suggests the first test image the model gets wrong, whose gradients are large enough to compare.
  await expect(page.getByTestId('gc-suggested')).toContainText('is the first the model gets wrong');
  expect(Number(await page.getByTestId('gc-index').inputValue())).toBeGreaterThan(0);
  await page.getByTestId('gc-index').fill('7');
  await page.getByTestId('gc-run').click();
  await expect(page.getByTestId('gc-result')).toBeVisible();
  for (const layer of [1, 2]) {
    const error = Number(await page.getByTestId(`gc-layer-${layer}`).getAttribute('data-error'));
    expect(error).toBeLessThan(1e-6);
  }
  await expect(page.getByTestId('gc-result')).toContainText('backprop agrees');
  // The kernels runs train with, in float32, against the float64 reference.
  await expect(page.getByTestId('gc-kernels')).toContainText(/Runs train on wasm SIMD.* in float32/);
  await expect(page.getByTestId('gc-kernels')).toContainText('float32 rounding, so those kernels compute the same gradient');
  // Each figure names its layer in words: "layer 2: 1.1×10⁻⁷", not a bare "2 1.1×10⁻⁷".
  await expect(page.getByTestId('gc-kernels')).toContainText(
    /gives layer 2: [\d.]+×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+, layer 3: [\d.]+×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+ relative/,
  );
  // Layers and parameters in the seed's numbering: the first weights are w², into layer 2.
  await expect(page.getByTestId('gc-layer-1').locator('td').first()).toHaveText('2');
  await expect(page.getByTestId('gc-layer-2').locator('td').first()).toHaveText('3');
  await expect(page.getByTestId('gc-result')).toContainText(/w²\[\d+,\d+\]/);
  await expect(page.getByTestId('gc-result')).not.toContainText(/w¹|w1\[/);
  await shot('gradcheck');

  // The same views in the dark theme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await view(page, 'confusion');
  await expect(page.getByTestId('confusion-view')).toContainText('Blue: mistakes, brighter = more');
  await shot('dark-confusion');
  await view(page, 'weights');
  // Dark theme: a dark-centred map, so the same weights read dark instead of glaring white.
  await expect.poll(() => meanLevel(page.getByTestId('unit-grid'))).toBeLessThan(100);
  await expect(page.getByTestId('weights-view')).toContainText('near-black is a weight near zero');
  await shot('dark-weights');
  // The draw pad and the preparation steps are dark too: light ink on a dark ground, not white boxes on a dark page.
  await view(page, 'draw');
  await page.getByTestId('draw-clear').click();
  await stroke(page, page.getByTestId('draw-pad'), [
    [0.48, 0.15],
    [0.5, 0.5],
    [0.52, 0.85],
  ]);
  await expect(page.getByTestId('draw-prediction')).toHaveAttribute('data-predicted', /^\d$/);
  const padGround = await page.getByTestId('draw-pad').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(padGround).toBe('rgb(28, 28, 28)');
  const steps = page.getByTestId('prep-steps').locator('canvas');
  await expect(steps).toHaveCount(3);
  // The centred 28 × 28 image is mostly ground (the cropped steps are mostly ink): it reads dark.
  await expect.poll(() => meanLevel(steps.nth(2))).toBeLessThan(100);
  await shot('dark-draw');
});

test("inspect a run's checkpoints: slide the weights over the epochs", async ({ app: page, lab, shot }) => {
  const run = await lab.service.startRun({
    name: 'Slider run',
    spec: mnistSpec({ hidden: [16], init: 'scaled-normal' }),
    settings: { batchSize: 10, learningRate: 3, epochs: 4, optimizer: 'sgd', momentum: 0, l2: 0, seed: 2, stop: { kind: 'epochs' } },
    datasetId: 'mnist',
    scaling: 'min-max',
    validation: false,
    trainLimit: 2000,
    testLimit: 500,
  });
  await expect.poll(async () => (await lab.service.listRuns()).find((r) => r.id === run.id)?.status, SLOW).toBe('finished');

  await page.getByTestId('tab-inspect').click();
  const select = page.getByTestId('inspect-run-select');
  await select.focus();
  await expect(select.locator('option')).toHaveCount(2);
  await select.selectOption(run.id);
  await page.getByTestId('inspect-open-run').click();
  await expect(page.getByTestId('inspect-model-name')).toHaveText('Slider run (epoch 4)');
  await expect(page.getByTestId('inspect-model-origin')).toHaveText('from run · latest epoch');
  await expect(select).toHaveValue(run.id);
  await expect(page.getByTestId('weights-epoch-label')).toHaveText('after epoch 4 of 4');
  await shot('run-epoch-4');
  // The first stop: epoch 0, the initial weights, when the run kept them (a run that keeps every epoch does), else epoch 1.
  const initial = (await page.getByTestId('weights-epoch').getAttribute('max')) === '4';
  await page.getByTestId('weights-epoch').fill('0');
  await expect(page.getByTestId('weights-epoch-label')).toHaveText(initial ? 'initial weights of 4' : 'after epoch 1 of 4');
  await expect(page.getByTestId('unit-grid')).toHaveAttribute('data-units', '16');
  await shot('run-epoch-1');
});
