/**
 * The charts under a whole 30-epoch MNIST run's worth of data: 30 × 5,000 batch losses (batch 10
 * over 50,000 images), arriving in batched progress events. A stub window.lab (replay-stub.ts)
 * streams them from inside the page so the measurement is the renderer's alone; frames are timed with rAF
 * (frame-meter.ts). The test asserts that every point is kept and drawn; the frame times are figures it
 * prints (a busy machine makes any frame slow, so they are measured here, not asserted).
 */
import { expect, test } from './harness';
import { installFrameMeter, resetMeter, smoothness } from './frame-meter';
import { installReplay, type ReplayPage } from './replay-stub';
import { expectWhole } from './whole';

// Playwright's trace screencasts every frame, which costs the display compositor ~30 ms a frame here (frame-meter.ts).
test.use({ trace: 'off' });

const EPOCHS = 30;

async function expectHintsWhole(page: import('@playwright/test').Page): Promise<void> {
  const hints = page.locator('figcaption .hint-text');
  await expect(hints).toHaveCount(4);
  for (const hint of await hints.all()) await expect(hint).toBeVisible();
  await expectWhole(hints);
}
const BATCHES = 5000;

test('the charts stay smooth through a 30-epoch MNIST run (150,000 batches)', async ({ page, serverUrl, shot }) => {
  await page.addInitScript(installFrameMeter);
  await page.addInitScript(installReplay, { epochs: EPOCHS, batches: BATCHES, layers: [100, 60, 30, 10] });
  await page.goto(serverUrl);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('run-replay')).toBeVisible();
  // 300 progress events of 500 batch losses, one every 20 ms: faster than the worker sends them.
  await resetMeter(page);
  await page.evaluate(() => (globalThis as unknown as ReplayPage).__stream(500, 20));
  await expect(page.getByTestId('progress-epoch')).toHaveText(`${EPOCHS} / ${EPOCHS}`);
  const loss = page.getByTestId('chart-loss');
  // Raw and smoothed batch losses (2 × 150,000) plus the per-epoch points, all kept (decimated when drawn).
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThanOrEqual(2 * EPOCHS * BATCHES);
  await expect.poll(async () => Number(await page.getByTestId('chart-gradients').getAttribute('data-points'))).toBeGreaterThan(4 * 250);
  const { figures } = await smoothness(page, {});
  test.info().annotations.push({ type: 'frames', description: figures });
  // The loss on its robust linear range, then on a log axis; the gradients per epoch, then as ratios to the last layer.
  await page.waitForTimeout(600);
  // Each chart's hint reads whole at 1280 × 800 (the longer explanation is its tooltip).
  await expectHintsWhole(page);
  await shot('30-epochs');
  await page.getByTestId('loss-log').check();
  await page.getByTestId('gradient-ratio').check();
  await expect(page.getByTestId('chart-gradients')).toHaveAttribute('data-y-ticks', /10⁻/);
  // The log loss axis spans whole decades around the losses after the first batches' spike: 10⁻² to 10⁻¹.
  await expect(loss).toHaveAttribute('data-y-ticks', '10⁻² | 2×10⁻² | 5×10⁻² | 10⁻¹');
  await page.waitForTimeout(600);
  await expectHintsWhole(page);
  await shot('30-epochs-log-ratio');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(600);
  await shot('30-epochs-dark');
});
