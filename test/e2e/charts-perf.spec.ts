/**
 * The charts under a whole 30-epoch MNIST run's worth of data: 30 × 5,000 batch losses (batch 10
 * over 50,000 images), arriving in batched progress events. A stub window.lab streams them from
 * inside the page so the measurement is the renderer's alone; frames are timed with rAF.
 * The test asserts that every point is kept and drawn; the frame times are figures it prints (a busy
 * machine makes any frame slow, so they are measured here, not asserted).
 */
import { expect, test } from './harness';
import { mnistSpec } from '../fixtures/specs';

const EPOCHS = 30;
const BATCHES = 5000;

/** Runs in the page: a window.lab with one running run, and a streamer of synthetic events. */
function installStub(config: { epochs: number; batches: number }): void {
  type Listener = (event: unknown) => void;
  const g = globalThis as unknown as Record<string, unknown> & { requestAnimationFrame(cb: (t: number) => void): number };
  const listeners = new Set<Listener>();
  const emit = (event: unknown): void => listeners.forEach((l) => l(event));
  const spec = mnistSpec({ hidden: [100, 60, 30] });
  const settings = {
    batchSize: 10,
    learningRate: 3,
    epochs: config.epochs,
    optimizer: 'sgd',
    momentum: 0,
    l2: 0,
    seed: 1,
    stop: { kind: 'epochs' },
  };
  const run = {
    id: 'deep',
    name: '784-100-60-30-10 sgd η=3',
    createdAt: new Date().toISOString(),
    spec,
    settings,
    datasetId: 'mnist',
    scaling: 'min-max',
    status: 'running',
    history: [],
  };
  const nothing = async (): Promise<undefined> => undefined;
  g['lab'] = {
    listDatasets: async () => [],
    getSamples: nothing,
    startRun: nothing,
    pauseRun: nothing,
    resumeRun: nothing,
    stepRun: nothing,
    stopRun: nothing,
    setLearningRate: nothing,
    listRuns: async () => [run],
    deleteRun: nothing,
    saveModel: async () => ({ saved: false }),
    onEvent: (l: Listener) => (listeners.add(l), () => listeners.delete(l)),
  };
  const frames: number[] = [];
  g['__frames'] = frames;
  let last = performance.now();
  const tick = (t: number): void => {
    frames.push(t - last);
    last = t;
    g.requestAnimationFrame(tick);
  };
  g.requestAnimationFrame(tick);
  g['__stream'] = (perEvent: number, intervalMs: number) =>
    new Promise<void>((done) => {
      let step = 0;
      const total = config.epochs * config.batches;
      frames.length = 0;
      const timer = setInterval(() => {
        const points = [];
        for (let i = 0; i < perEvent && step < total; i++) {
          step++;
          points.push({ step, loss: (0.1 / Math.sqrt(step / config.batches + 0.05)) * (0.6 + 0.8 * Math.random()) });
        }
        const epoch = Math.ceil(step / config.batches);
        const batch = step - (epoch - 1) * config.batches;
        // Four sigmoid layers: each gradient norm an order of magnitude below the next.
        const gradientNorms = [1, 2, 3, 4].map((l) => (0.3 / 10 ** (4 - l)) * (0.7 + 0.6 * Math.random()));
        emit({
          type: 'progress',
          runId: 'deep',
          epoch,
          batch,
          batchesPerEpoch: config.batches,
          samplesPerSecond: 20000 + 2000 * Math.random(),
          learningRate: 3,
          points,
          gradientNorms,
        });
        if (batch === config.batches) {
          const layers = gradientNorms.map((g, i) => ({ layer: i + 1, gradientNorm: g, weightNorm: 10, saturated: 0.1, dead: null }));
          const report = {
            epoch,
            trainLoss: 0.1 / Math.sqrt(epoch),
            trainAccuracy: 0.9 + 0.003 * epoch,
            testLoss: 0.11 / Math.sqrt(epoch),
            testAccuracy: 0.89 + 0.002 * epoch,
            samplesPerSecond: 21000,
            seconds: 2.4,
            layers,
            isBest: true,
          };
          emit({ type: 'epoch', runId: 'deep', report });
        }
        if (step >= total) {
          clearInterval(timer);
          done();
        }
      }, intervalMs);
    });
}

test('the charts stay smooth through a 30-epoch MNIST run (150,000 batches)', async ({ page, serverUrl, shot }) => {
  await page.addInitScript(installStub, { epochs: EPOCHS, batches: BATCHES });
  await page.goto(serverUrl);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('run-deep')).toBeVisible();
  // 300 progress events of 500 batch losses, one every 20 ms: faster than the worker sends them.
  await page.evaluate(() => (globalThis as unknown as { __stream(n: number, ms: number): Promise<void> }).__stream(500, 20));
  await expect(page.getByTestId('progress-epoch')).toHaveText(`${EPOCHS} / ${EPOCHS}`);
  const loss = page.getByTestId('chart-loss');
  // Raw and smoothed batch losses (2 × 150,000) plus the per-epoch points, all kept (decimated when drawn).
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThanOrEqual(2 * EPOCHS * BATCHES);
  await expect.poll(async () => Number(await page.getByTestId('chart-gradients').getAttribute('data-points'))).toBeGreaterThan(4 * 250);
  const frames = await page.evaluate(() => (globalThis as unknown as { __frames: number[] }).__frames.slice(2));
  const sorted = [...frames].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
  const long = frames.filter((f) => f > 200).length;
  test.info().annotations.push({
    type: 'frames',
    description: `${frames.length} frames, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, ${long} over 200 ms`,
  });
  await page.getByTestId('loss-log').check();
  await page.waitForTimeout(400);
  await shot('30-epochs');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(400);
  await shot('30-epochs-dark');
});
