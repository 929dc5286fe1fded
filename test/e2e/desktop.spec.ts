/**
 * The page in the desktop shell: usable in a 1024 × 700 window (every tab, no horizontal scroll),
 * the application menu's commands (main sends them as `command` events), files main offers for
 * import (a dropped dataset), and the exports through main's save dialog (the harness's stand-in
 * saves into the data folder): the run history as CSV, the model as ONNX, the charts as PNG.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { LabEvent } from '../../core/lab/contract';
import { loadPreset, setNumber, useSubset } from './design-helpers';
import { expect, SLOW, test } from './harness';

/** Delivers an event to the page as main does (the bridge's onEvent). */
async function fromMain(page: Page, event: LabEvent): Promise<void> {
  await page.evaluate((e) => (globalThis as unknown as { __labEmit(events: unknown[]): void }).__labEmit([e]), event);
}

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth, body: document.body.scrollWidth };
  });

/** Boxes in the view whose content is wider than they are and cut off (not text shortened with an ellipsis on purpose, nor text hidden for screen readers). */
const clippedBoxes = (page: Page, view: string) =>
  page.getByTestId(view).evaluate((root) =>
    [root, ...root.querySelectorAll<HTMLElement>('*')]
      .filter((el) => {
        const style = getComputedStyle(el);
        if (style.overflowX === 'visible' || style.textOverflow === 'ellipsis' || el.clientWidth === 0) return false;
        // Visually hidden on purpose (a legend for screen readers): clipped to nothing, never seen.
        if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return false;
        return el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth}`),
  );

test('every tab fits a 1024 × 700 window with no horizontal scroll', async ({ app: page, shot }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  for (const tab of ['design', 'train', 'inspect'] as const) {
    await page.getByTestId(`tab-${tab}`).click();
    await expect(page.getByTestId(`view-${tab}`)).toBeVisible();
    await shot(`1024x700-${tab}`);
    const { scroll, client, body } = await horizontalOverflow(page);
    expect(scroll, `${tab}: the page is wider than the window`).toBeLessThanOrEqual(client);
    expect(body, `${tab}: the body is wider than the window`).toBeLessThanOrEqual(client);
    expect(await clippedBoxes(page, `view-${tab}`), `${tab}: boxes that cut off their content`).toEqual([]);
  }
});

test('menu commands switch tabs and open the import; a dropped dataset is offered by name only', async ({ app: page, lab }) => {
  await fromMain(page, { type: 'command', command: 'show-tab', tab: 'inspect' });
  await expect(page.getByTestId('view-inspect')).toBeVisible();
  await fromMain(page, { type: 'command', command: 'import-dataset' });
  await expect(page.getByTestId('view-design')).toBeVisible();
  await expect(page.getByTestId('import-panel')).toBeVisible();

  // Main checked a dropped CSV file and offers it: the page shows its name and imports it by id.
  const csv = join(lab.dataDir, 'points.csv');
  writeFileSync(csv, ['x,y,label', ...Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2 ? 'odd' : 'even'}`)].join('\n'));
  lab.service.offerImport([csv], 'csv');
  await expect(page.getByTestId('import-offered')).toContainText('points.csv');
  await page.getByTestId('import-offered-start').click();
  await expect(page.getByTestId('import-done')).toBeVisible(SLOW);

  await fromMain(page, { type: 'shell-notice', kind: 'error', text: 'Not opened: notes.txt is not a dataset.' });
  await expect(page.getByTestId('shell-notice')).toHaveText(/Not opened: notes\.txt/);
});

test('a run exported as CSV and ONNX, its charts as PNG, and the model from Inspect', async ({ app: page, lab }) => {
  await loadPreset(page, 'network.py');
  await useSubset(page, 1000);
  await setNumber(page, 'Epochs', 2);
  await page.getByTestId('tab-train').click();
  await fromMain(page, { type: 'command', command: 'train' });
  const run = page.locator('[data-run].focused');
  await expect(run).toHaveCount(1);
  await expect(run.getByTestId('run-export-history')).toBeEnabled(SLOW);

  await run.getByTestId('run-export-history').click();
  await expect(page.getByTestId('shell-notice')).toHaveText(/Saved .*-history\.csv/);
  const csvName = lab.savePrompts.at(-1)!;
  const lines = readFileSync(join(lab.dataDir, csvName), 'utf8').trimEnd().split('\n');
  expect(lines[0]).toBe(
    'epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,learning_rate,seconds,samples_per_second',
  );
  expect(lines[1]).toMatch(/^1,/);

  await run.getByTestId('run-export-onnx').click();
  await expect(page.getByTestId('shell-notice')).toHaveText(/Saved .*\.onnx/);
  expect(readFileSync(join(lab.dataDir, lab.savePrompts.at(-1)!)).length).toBeGreaterThan(1000);

  await page.getByTestId('train-export-charts').click();
  await expect(page.getByTestId('shell-notice')).toHaveText(/Saved .*\.png/);
  const png = readFileSync(join(lab.dataDir, lab.savePrompts.at(-1)!));
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // Inspect: the run's model saved again, by the menu's Save Model on that tab.
  await page.getByTestId('tab-inspect').click();
  await page.getByTestId('inspect-run-select').focus();
  await page.getByTestId('inspect-run-select').selectOption({ index: 1 });
  await page.getByTestId('inspect-open-run').click();
  await expect(page.getByTestId('inspect-model')).toBeVisible(SLOW);
  const prompts = lab.savePrompts.length;
  await fromMain(page, { type: 'command', command: 'save-model' });
  await expect.poll(() => lab.savePrompts.length).toBe(prompts + 1);
  expect(lab.savePrompts.at(-1)).toMatch(/\.fathom\.json$/);

  // Its weights as NumPy .npz and as a PyTorch project folder, from Inspect's More exports.
  await page.getByTestId('inspect-export-more').selectOption('npz');
  await expect(page.getByTestId('shell-notice')).toHaveText(/Saved .*\.npz/);
  expect([...readFileSync(join(lab.dataDir, lab.savePrompts.at(-1)!)).subarray(0, 2)]).toEqual([0x50, 0x4b]); // a zip
  await expect(page.getByTestId('inspect-export-more')).toHaveValue('');
  await page.getByTestId('inspect-export-more').selectOption('pytorch');
  await expect(page.getByTestId('shell-notice')).toHaveText(/Saved /);
  expect(readFileSync(join(lab.dataDir, lab.savePrompts.at(-1)!, 'model.py'), 'utf8')).toContain('nn.Module');
});
