import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test, SLOW } from './harness';
import { expectWhole } from './whole';
import { loadPreset, setNumber, useSubset } from './design-helpers';
import { ROOT } from './paths';

/** "10⁷³" → 73, "10" → 1, "1" → 0. */
const exponentOf = (label: string): number =>
  label === '1' ? 0 : label === '10' ? 1 : Number([...label.slice(2)].map((c) => (c === '⁻' ? '-' : '⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c))).join(''));

/** Shown whole: not cut by overflow or an ellipsis. */
const points = async (chart: Locator): Promise<number> => Number(await chart.getAttribute('data-points'));

async function expectChartFills(page: Page, testid: string): Promise<void> {
  // A chart out of view is not redrawn until it shows (use-live-chart.ts), as when a person scrolls to it;
  // the problem banner above the charts can push the bottom row below the window.
  await page.getByTestId(testid).scrollIntoViewIfNeeded();
  await expect.poll(() => points(page.getByTestId(testid)), { message: `${testid} has points` }).toBeGreaterThan(0);
}

async function train(page: Page): Promise<string> {
  await page.getByTestId('tab-train').click();
  const before = await page.locator('[data-run]').count();
  await page.getByTestId('train-start').click();
  await expect(page.locator('[data-run]')).toHaveCount(before + 1);
  const id = await page.locator('[data-run].focused').getAttribute('data-testid');
  return id!.replace(/^run-/, '');
}

test('design → train → pause, step, resume, stop → overlay two runs', async ({ app: page, lab, shot }) => {
  // Design: a preset, then one edited layer; the drawing and the shapes follow.
  await loadPreset(page, 'network.py');
  const diagram = page.getByTestId('network-diagram');
  const total = page.getByTestId('total-params');
  await expect(total).toHaveText('23,860');
  const drawing = await diagram.innerHTML();
  await shot('1-preset');
  await setNumber(page, 'Units in layer 2', 16);
  await expect(total).toHaveText('12,730');
  await expect(page.getByTestId('param-summary')).toContainText('16');
  expect(await diagram.innerHTML()).not.toBe(drawing);
  // 20,000 images × 100,000 epochs (the most allowed): it cannot end before the test pauses, steps
  // and stops it, however slow or busy the machine. Batches of 100 keep the stream of batch losses
  // (one point each) to a rate the charts are built for.
  await useSubset(page, 20_000);
  await setNumber(page, 'Epochs', 100_000);
  await setNumber(page, 'Batch size', 100);
  await shot('2-edited-layer');

  // Train: the progress bar and all four charts fill.
  const first = await train(page);
  const run = page.getByTestId(`run-${first}`);
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('progress-epoch')).toContainText('/ 100,000');
  await expect(page.getByTestId('progress-batch')).toContainText('/ 200');
  await expect(page.getByTestId('progress-speed')).toContainText('samples/s');
  // The worker trains on the WebAssembly SIMD kernels (Node 20 has SIMD) and the bar says so.
  await expect(page.getByTestId('progress-backend')).toHaveText('wasm SIMD');
  await expect.poll(() => lab.service.listRuns().then((r) => r[0]!.history.length), SLOW).toBeGreaterThanOrEqual(2);
  for (const chart of ['chart-loss', 'chart-accuracy', 'chart-gradients', 'chart-throughput']) await expectChartFills(page, chart);
  // The run's name, the design summary and the run's settings read in full.
  await expectWhole(page.getByTestId('run-progress').locator('.name'));
  await expectWhole(page.getByTestId('train-summary'));
  await expectWhole(run.locator('.line2'));
  await shot('3-training');

  // Pause, one step, resume, then change η mid-run and stop.
  await page.getByTestId('run-pause').click();
  await expect(run.getByTestId('run-status')).toHaveText('paused');
  await expect(page.getByTestId('progress-left')).toHaveText('paused');
  const batch = await page.getByTestId('progress-batch').textContent();
  await page.getByTestId('run-step').click();
  await expect(page.getByTestId('progress-batch')).not.toHaveText(batch!);
  await expect(run.getByTestId('run-status')).toHaveText('paused');
  await shot('4-paused');
  await page.getByTestId('run-resume').click();
  await expect(run.getByTestId('run-status')).toHaveText('running');
  await page.getByTestId('lr-input').fill('1.5');
  await page.getByTestId('lr-apply').click();
  // The base η stays as designed; the change is an event of the run's record.
  await expect.poll(() => lab.service.listRuns().then((r) => r[0]!.events?.findLast((e) => e.kind === 'learning-rate')?.to)).toBe(1.5);
  await page.getByTestId('run-stop').click();
  await expect(run.getByTestId('run-status')).toHaveText('stopped');

  // A second, shorter run with another η; then overlay the first on it.
  await page.getByTestId('tab-design').click();
  await setNumber(page, 'Learning rate η', 0.5);
  await setNumber(page, 'Epochs', 2);
  const second = await train(page);
  await expect(page.getByTestId(`run-${second}`).getByTestId('run-status')).toHaveText('finished', SLOW);
  const lossPoints = await points(page.getByTestId('chart-loss'));
  await run.getByTestId('run-overlay').check();
  await expect(page.getByTestId('overlay-key').first()).toContainText((await run.getByTestId('run-name').textContent()) as string);
  await expect.poll(() => points(page.getByTestId('chart-loss'))).toBeGreaterThan(lossPoints);
  await run.hover();
  const diff = page.getByTestId('run-diff');
  await expect(diff.getByTestId('diff-learningRate')).toContainText('1.5');
  await expect(diff.getByTestId('diff-learningRate')).toContainText('0.5');
  await expect(diff.getByTestId('diff-epochs')).toContainText('100,000');
  await expect(diff.getByTestId('diff-stop')).toHaveCount(0);
  // How each ran, apart from the hyperparameters: both on the wasm kernels.
  await expect(diff.getByTestId('run-diff-compute').getByTestId('diff-kernels')).toContainText('wasm SIMD');
  await expect(run.getByTestId('run-compute')).toHaveText(/^wasm SIMD · \d+ threads?$/);
  // The comparison fits its column: a compared run's figure wraps rather than running out of sight.
  expect(await diff.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await shot('5-two-runs-overlaid');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('5b-two-runs-overlaid-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Save the finished run's model, then delete the stopped one.
  const secondRun = page.getByTestId(`run-${second}`);
  await secondRun.hover();
  await secondRun.getByTestId('run-save').click();
  await expect(page.getByTestId('train-notice')).toContainText('Saved the model to');
  expect(lab.savePrompts).toHaveLength(1);
  await run.hover();
  await run.getByTestId('run-delete').click();
  await expect(run).toHaveCount(0);
  // Deleted by the service once its Undo (a few seconds) has run out.
  await expect.poll(() => lab.service.listRuns().then((r) => r.map((x) => x.id)), { timeout: 15_000 }).toEqual([second]);
  await shot('6-saved-and-deleted');
});

test('an invalid design blocks training and the Train button says why', async ({ app: page, shot }) => {
  await loadPreset(page, 'network.py');
  await page.getByLabel('Activation of layer 2').selectOption('softmax');
  await expect(page.getByTestId('can-train')).not.toHaveText('Ready to train');
  await shot('1-design-problem');
  await page.getByTestId('tab-train').click();
  const button = page.getByTestId('train-start');
  await expect(button).toBeDisabled();
  await expect(page.getByTestId('train-blocked')).toContainText('Softmax');
  await expect(page.getByTestId('train-blocked')).toContainText('layer 2 is hidden');
  // Readable in full: no reason is clipped or ellipsised.
  for (const reason of await page.getByTestId('train-blocker').all()) {
    const clipped = await reason.evaluate((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    expect(clipped, (await reason.textContent()) ?? '').toBe(false);
  }
  await expect(page.getByTestId('train-blocked-count')).toHaveText("Can't start: a problem in the design");
  await shot('2-train-blocked');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('3-train-blocked-dark');
});

test('a run whose numbers blow up pauses and explains what to try', async ({ app: page, lab, shot }) => {
  await loadPreset(page, 'network.py');
  await page.getByLabel('Activation of layer 2').selectOption('relu');
  await page.getByLabel('Activation of layer 3').selectOption('linear');
  await page.getByLabel('Initial weights').selectOption('scaled-normal');
  await setNumber(page, 'Learning rate η', 100);
  await useSubset(page);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  const banner = page.getByTestId('problem-banner');
  await expect(banner).toBeVisible(SLOW);
  await expect(page.getByTestId('problem-detail')).toContainText(
    /The (loss|gradient of layer [23]|weights of layer [23]) became NaN or infinite at epoch 1, batch \d+/,
  );
  await expect(banner).toContainText('try η/10 = 10 (it is 100 now)');
  await expect(page.locator('[data-run].focused').getByTestId('run-status')).toHaveText('paused');
  await shot('1-nan-banner');
  // The suggested fix: η/10, then resume.
  const runningBefore = lab.bridge.events.filter((e) => e.type === 'status' && e.status === 'running').length;
  await page.getByTestId('problem-retry').click();
  await expect.poll(() => lab.service.listRuns().then((r) => r[0]!.events?.findLast((e) => e.kind === 'learning-rate')?.to)).toBe(10);
  await expect.poll(() => lab.bridge.events.filter((e) => e.type === 'status' && e.status === 'running').length).toBe(runningBefore + 1);
  await expect(page.getByTestId('lr-input')).toHaveValue('10');
  await shot('2-after-retry');

  // The last finite weights are already huge, so even η/10 blows up again from them…
  await expect(banner).toBeVisible(SLOW);
  await expect(page.locator('[data-run].focused').getByTestId('run-status')).toHaveText('paused');
  // …while going back to weights from before the blow-up works: here the initial ones, as it blew up in epoch 1.
  await expect(page.getByTestId('rollback-epoch')).toHaveValue('0');
  await expect(page.getByTestId('rollback-why')).toContainText('The last weights before the blow-up are already huge');
  await page.getByTestId('rollback-eta').fill('0.01');
  await expect(page.getByTestId('problem-rollback')).toHaveText('Lower η and resume from epoch 0');
  await shot('3-rollback-offered');
  const seen = lab.bridge.events.length;
  await page.getByTestId('problem-rollback').click();
  await expect(banner).toBeHidden();
  await expect.poll(() => lab.service.listRuns().then((r) => r[0]!.history.length), SLOW).toBeGreaterThanOrEqual(2);
  const [run] = await lab.service.listRuns();
  expect(run!.rollbacks).toMatchObject([{ toEpoch: 0, learningRate: 0.01 }]);
  expect(run!.settings.learningRate).toBe(100); // the base η as designed; the roll-back's η is an event
  expect(run!.events?.findLast((e) => e.kind === 'rollback')).toMatchObject({ kind: 'rollback', to: 0.01 });
  expect(run!.history.map((r) => r.epoch).slice(0, 2)).toEqual([1, 2]);
  expect(lab.bridge.events.slice(seen).some((e) => e.type === 'non-finite')).toBe(false);
  await expect(page.getByTestId('lr-input')).toHaveValue('0.01');
  await expect(page.locator('[data-run].focused').getByTestId('run-status')).toHaveText(/running|finished/);
  await expect.poll(() => points(page.getByTestId('chart-accuracy'))).toBeGreaterThan(0);
  await shot('4-trains-on-after-rollback');
});

test('the Threads setting: a run on 2 threads says so next to its kernels, and the choice is remembered', async ({
  app: page,
  lab,
  shot,
}) => {
  await loadPreset(page, 'network.py');
  // Too long to end before the test stops it; the batch of 64 makes 8 shards for the 2 threads to share.
  await useSubset(page, 20_000);
  await setNumber(page, 'Epochs', 100_000);
  await setNumber(page, 'Batch size', 64);
  await page.getByTestId('tab-train').click();
  const threads = page.getByTestId('threads-select');
  await expect(threads).toHaveValue('auto');
  await expect(page.getByTestId('threads-hint')).toBeVisible();
  await shot('1-threads-control');

  await threads.selectOption('2');
  const id = await train(page);
  await expect(page.getByTestId('progress-backend')).toHaveText('wasm SIMD');
  await expect(page.getByTestId('progress-threads')).toHaveText('2');
  await expect.poll(() => lab.service.listRuns().then((r) => r.find((x) => x.id === id))).toMatchObject({ threadsSetting: 2, threads: 2 });
  await expect(page.getByTestId(`run-${id}`).getByTestId('run-compute')).toHaveText('wasm SIMD · 2 threads');
  await expect(page.getByTestId('progress-backend').locator('..')).toHaveAttribute('title', /Kernels are the small routines/);
  await expect(page.getByTestId('progress-epoch')).not.toHaveText(/^1 \//, SLOW);
  await shot('2-training-on-2-threads');
  await page.getByTestId('run-stop').click();
  await expect(page.getByTestId(`run-${id}`).getByTestId('run-status')).toHaveText('stopped');

  // The choice outlives a reload, as the design does; so does the checkpoint setting beside it.
  await page.getByTestId('checkpoints-select').selectOption('best-and-last');
  await page.reload();
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('threads-select')).toHaveValue('2');
  await expect(page.getByTestId('checkpoints-select')).toHaveValue('best-and-last');
  await expect(page.getByTestId('checkpoints-hint')).toContainText('Keeps the best and the last epoch');
});

test('charts of a run that blew up: powers of ten on the axes, one epoch span for all four', async ({ app: page, shot }) => {
  await loadPreset(page, 'network.py');
  await page.getByLabel('Activation of layer 2').selectOption('relu');
  await page.getByLabel('Activation of layer 3').selectOption('linear');
  await page.getByLabel('Initial weights').selectOption('scaled-normal');
  await setNumber(page, 'Learning rate η', 100);
  await useSubset(page);
  await train(page);
  await expect(page.getByTestId('problem-banner')).toBeVisible(SLOW);
  const charts = ['chart-loss', 'chart-gradients', 'chart-throughput'];
  for (const chart of charts) await expectChartFills(page, chart);
  // The x axes Chart.js drew end at the same epoch, so the charts line up under each other.
  const xEnd = (id: string) => page.getByTestId(id).getAttribute('data-x-end');
  await expect.poll(async () => new Set(await Promise.all(charts.map(xEnd))).size).toBe(1);
  expect(Number(await xEnd('chart-loss'))).toBeGreaterThan(0);
  // Huge losses and gradients read as powers of ten, never as "1.0e+73".
  for (const id of ['chart-loss', 'chart-gradients']) {
    const ticks = (await page.getByTestId(id).getAttribute('data-y-ticks'))!;
    expect(ticks, id).toMatch(/10[⁰¹²³⁴⁵⁶⁷⁸⁹]+/);
    expect(ticks, id).not.toMatch(/e[+-]/);
  }
  // On the log axis: whole decades, evenly spaced (the redraw is throttled, so wait for it).
  const lossTicks = async () => (await page.getByTestId('chart-loss').getAttribute('data-y-ticks'))!;
  const linear = await lossTicks();
  await page.getByTestId('loss-log').check();
  await expect.poll(lossTicks).not.toBe(linear);
  const decades = (await lossTicks()).split(' | ');
  expect(decades.join(' ')).not.toMatch(/e[+-]|×/);
  const exponents = decades.map(exponentOf);
  expect(exponents.length).toBeGreaterThanOrEqual(3);
  expect(new Set(exponents.slice(1).map((e, i) => e - exponents[i]!)).size, decades.join(' ')).toBe(1);
  await shot('1-log-loss');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('loss-log').uncheck();
  await expect.poll(lossTicks).toBe(linear);
  await shot('2-linear-loss-dark');
});

test('start from an ONNX model file: its layers, the scaling asked for, a run from its weights, and the run as a PyTorch project', async ({
  app: page,
  lab,
  shot,
}) => {
  // flatten-relu-softmax.onnx (784-16-10, made by PyTorch) does not say how its inputs are scaled.
  lab.openPaths.push(join(ROOT, 'test/fixtures/onnx/flatten-relu-softmax.onnx'));
  await page.getByTestId('start-from-model').click();
  await expect(page.getByTestId('start-model-from')).toContainText('flatten-relu-softmax.onnx');
  await expect(page.getByTestId('total-params')).toHaveText('12,730');
  const question = page.getByTestId('start-model-scaling');
  await expect(question).toContainText('does not say how its inputs were scaled');
  await expect(page.getByTestId('can-train')).toHaveText('1 problem');
  await shot('1-scaling-asked');
  await page.getByTestId('start-scaling-pixels').click();
  await expect(question).toHaveCount(0);
  await expect(page.getByTestId('start-model-scaled')).toContainText('0–1 pixels');
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
  await useSubset(page, 1000);
  await setNumber(page, 'Epochs', 1);
  await shot('2-scaling-chosen');

  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-start').click();
  const run = page.locator('[data-run].focused');
  await expect(run).toHaveAttribute('data-status', 'finished', SLOW);
  await run.getByTestId('run-export-pytorch').click();
  await expect.poll(() => lab.savePrompts.at(-1)).toMatch(/-pytorch$/);
  // The folder appears whole once written (beside it under a hidden name, then renamed).
  await expect.poll(() => existsSync(join(lab.dataDir, lab.savePrompts.at(-1)!, 'model.py'))).toBe(true);
  await expect(page.getByText(/Saved .*-pytorch/)).toBeVisible();
  await shot('3-trained-from-model');
});
