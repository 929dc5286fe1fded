/**
 * The Design tab as a newcomer meets it: deep networks drawn whole (wrapped onto rows, never cut off)
 * with a summary that fits, selects that show their whole choice, the explanation following a
 * preset, one name per layer, the perceptron that teaches, and a sign of a run training elsewhere.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './harness';
import { setNumber, useSubset } from './design-helpers';

const diagram = (page: Page) => page.getByTestId('network-diagram');

/** Every layer heading of the drawing lies inside the drawing's box (none cut off, none scrolled out of sight). */
const headingsOutside = (page: Page) =>
  diagram(page).evaluate((box) => {
    const outer = box.getBoundingClientRect();
    return [...box.querySelectorAll('g.layer text.title')]
      .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
      .filter(({ r }) => r.left < outer.left - 1 || r.right > outer.right + 1)
      .map(({ text }) => text);
  });

/** Selects whose shown text is cut: the longest choice (or the prompt, for a menu that resets to it) wider than the box inside its arrow. */
const clippedSelects = (page: Page) =>
  page.getByTestId('design-view').evaluate((root) => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    return [...root.querySelectorAll('select')]
      .filter((s) => s.offsetParent !== null)
      .flatMap((s) => {
        const style = getComputedStyle(s);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const texts = s.value === '' ? [s.selectedOptions[0]?.text ?? ''] : [...s.options].map((o) => o.text);
        const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        const widest = Math.max(...texts.map((t) => canvas.measureText(t).width));
        return widest > room ? [`${s.getAttribute('aria-label') ?? s.id}: ${Math.round(widest)} > ${Math.round(room)}`] : [];
      });
  });

for (const size of [
  { width: 1024, height: 700 },
  { width: 1600, height: 900 },
]) {
  test(`deep networks are drawn whole and summed up within the window at ${size.width} × ${size.height}`, async ({ app: page, shot }) => {
    await page.setViewportSize(size);
    await page.getByTestId('tab-design').click();
    // Starting from a model file is one button in the toolbar's row; nothing else takes a row until a file is open.
    const preset = (await page.getByTestId('preset-select').boundingBox())!;
    const fromModel = (await page.getByTestId('start-from-model').boundingBox())!;
    expect(Math.abs(fromModel.y + fromModel.height / 2 - (preset.y + preset.height / 2))).toBeLessThan(4);
    await expect(page.getByTestId('start-model')).toHaveCount(0);
    await page.getByTestId('preset-select').selectOption('modern-cnn');
    await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
    await expect(diagram(page).locator('g.layer')).toHaveCount(11);
    expect(await headingsOutside(page)).toEqual([]);
    await shot(`design-deep-cnn-${size.width}`);

    // Six dense layers of 4,096: the drawing and the summary table still fit.
    await page.getByTestId('preset-select').selectOption('seed');
    for (let i = 0; i < 3; i++) await page.getByTestId('add-layer').click();
    const rows = page.getByTestId('layer-row');
    await expect(rows).toHaveCount(6);
    for (let l = 2; l <= 6; l++) await setNumber(page, `Units in layer ${l}`, 4096);
    await expect(diagram(page).locator('g.layer')).toHaveCount(7);
    expect(await headingsOutside(page)).toEqual([]);
    const table = await page.getByTestId('param-summary').evaluate((t) => ({ table: t.scrollWidth, box: t.parentElement!.clientWidth }));
    expect(table.table, 'the summary table is wider than its card').toBeLessThanOrEqual(table.box);
    expect(await clippedSelects(page)).toEqual([]);
    // The long stack of layers gives way in the toolbar: the window does not scroll sideways and the status shows whole.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const pill = (await page.getByTestId('can-train').boundingBox())!;
    expect(pill.x + pill.width).toBeLessThanOrEqual(size.width);
    await shot(`design-deep-dense-${size.width}`);
    await page.getByTestId('param-summary').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('total-params')).toHaveText('70,381,578');
    await shot(`design-deep-dense-summary-${size.width}`);
  });
}

test('the perceptron shows its zero gradient beside a sigmoid neuron, one click makes it sigmoid, and Design shows the run it trains', async ({
  app: page,
  shot,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('tab-design').click();
  await page.getByTestId('preset-select').selectOption('perceptron');
  // The design names the problem (the step cannot be trained by gradient descent) and shows it below the drawing.
  await expect(page.getByTestId('can-train')).toHaveText('1 problem');
  // The explanation follows the preset, not the topic shown before it.
  await expect(page.getByTestId('explain-title')).toHaveText('Single-layer perceptron');
  const why = page.getByTestId('step-why');
  await expect(why.getByTestId('step-why-step')).toContainText('∂C/∂w = 0');
  await expect(why.getByTestId('step-why-step')).toContainText('w has not moved (−3.00)');
  await expect(why.getByTestId('step-why-sigmoid')).toContainText('the cost fell from');
  await why.getByTestId('step-why-step').scrollIntoViewIfNeeded();
  await shot('perceptron-why');

  // Another start: the step neuron still stays where it starts; the sigmoid one still descends.
  await why.getByLabel('Starting weight w').fill('1');
  await expect(why.getByTestId('step-why-step')).toContainText('w has not moved (1.00)');

  await why.getByTestId('step-to-sigmoid').click();
  await expect(page.getByLabel('Activation of layer 2', { exact: true })).toHaveValue('sigmoid');
  await expect(page.getByTestId('step-why-switched')).toContainText('layer 2 now uses sigmoid');
  await expect(page.getByTestId('explain-title')).toHaveText('Sigmoid');
  await expect(page.getByTestId('design-training')).toHaveCount(0);
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');

  // Trained for many epochs so it is still training when Design is shown again; then paused.
  await useSubset(page, 2000);
  await setNumber(page, 'Epochs', 1000);
  await page.getByTestId('step-why-train').click();
  await expect(page.getByTestId('view-train')).toBeVisible();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('tab-design').click();
  const banner = page.getByTestId('design-training');
  await expect(banner).toContainText('784-10');
  await expect(page.getByTestId('design-training-state')).toContainText(/training · epoch \d+ \/ 1,000/);
  await expect(banner).toContainText('Editing the design does not change it');
  await shot('design-while-training');

  await page.getByTestId('design-training-open').click();
  await expect(page.getByTestId('view-train')).toBeVisible();
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-status', 'paused');
  await page.getByTestId('tab-design').click();
  await expect(page.getByTestId('design-training-state')).toContainText(/paused at epoch \d+ \/ 1,000/);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('run-stop').click();
  await page.getByTestId('tab-design').click();
  await expect(page.getByTestId('design-training')).toHaveCount(0);
});
