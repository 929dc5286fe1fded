/**
 * A stand-in window.lab for the chart benchmarks: one running run whose events are replayed from
 * inside the page (nothing trains), so what is measured is the renderer's own work. `installReplay`
 * is serialised into the page by page.addInitScript: it must not reference anything outside itself.
 *
 * The stream has the shape of a real run of Nielsen's kind at the worker's maximum rate: one
 * progress event every `intervalMs` (the worker's least interval is 50 ms) carrying every batch
 * loss since the previous one, the latest gradient norms, and an epoch report after each epoch.
 * The loss starts with the spike of the first batches (N(0, 1) weights) and falls with noise.
 * Pause and Resume behave as the service does: a status event, and the stream halts or goes on.
 */
export interface ReplayConfig {
  epochs: number;
  batches: number;
  /** Layers of the network after the input, e.g. [100, 60, 30, 10]. */
  layers: number[];
}

export interface ReplayPage {
  /** Streams `perEvent` batch losses per event, one event every `intervalMs`, until the run ends. */
  __stream(perEvent: number, intervalMs: number): Promise<void>;
}

export function installReplay(config: ReplayConfig): void {
  type Listener = (event: unknown) => void;
  const g = globalThis as unknown as Record<string, unknown>;
  const listeners = new Set<Listener>();
  const emit = (event: unknown): void => listeners.forEach((l) => l(event));
  const spec = {
    inputSize: 784,
    layers: config.layers.map((units) => ({ units, activation: 'sigmoid' })),
    loss: 'quadratic',
    init: 'normal',
  };
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
    id: 'replay',
    number: 1,
    name: `784-${config.layers.join('-')} sgd η=3`,
    createdAt: new Date().toISOString(),
    spec,
    settings,
    datasetId: 'mnist',
    scaling: 'min-max',
    status: 'running',
    history: [] as unknown[],
  };
  let paused = false;
  const status = (s: string): void => {
    run.status = s;
    emit({ type: 'status', runId: run.id, status: s });
  };
  const nothing = async (): Promise<undefined> => undefined;
  g['lab'] = {
    // The built-in MNIST as the service lists it, so the design the run came from checks out.
    listDatasets: async () => [
      {
        id: 'mnist',
        name: 'MNIST',
        kind: 'classification',
        inputShape: [1, 28, 28],
        classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        sizes: { train: 60000, test: 10000 },
        builtIn: true,
      },
    ],
    getSamples: nothing,
    startRun: nothing,
    pauseRun: async () => ((paused = true), status('paused')),
    resumeRun: async () => ((paused = false), status('running')),
    stepRun: nothing,
    stopRun: nothing,
    setLearningRate: nothing,
    listRuns: async () => [run],
    renameRun: nothing,
    deleteRun: nothing,
    saveModel: async () => ({ saved: false }),
    onEvent: (l: Listener) => (listeners.add(l), () => listeners.delete(l)),
  };

  // A deterministic generator (mulberry32): the same stream on every run of the benchmark.
  let seed = 17;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lossAt = (step: number): number =>
    (0.02 + 0.09 / Math.sqrt(1 + step / 300) + 1.2 * Math.exp(-step / 25)) * Math.exp(0.35 * (random() - 0.5));
  const L = config.layers.length;

  g['__stream'] = (perEvent: number, intervalMs: number) =>
    new Promise<void>((done) => {
      let step = 0;
      const total = config.epochs * config.batches;
      const timer = setInterval(() => {
        if (paused) return;
        const points = [];
        for (let i = 0; i < perEvent && step < total; i++) {
          step++;
          points.push({ step, loss: lossAt(step) });
        }
        const epoch = Math.ceil(step / config.batches);
        const batch = step - (epoch - 1) * config.batches;
        // Sigmoid layers: each layer's gradient about a third of the next one's (vanishing towards the input).
        const gradientNorms = config.layers.map((_, i) => (0.5 / 3 ** (L - 1 - i)) * Math.exp(0.8 * (random() - 0.5)));
        const samplesPerSecond = 20000 + 2000 * random();
        emit({
          type: 'progress',
          runId: run.id,
          epoch,
          batch,
          batchesPerEpoch: config.batches,
          samplesPerSecond,
          learningRate: 3,
          points,
          gradientNorms,
        });
        if (batch === config.batches) {
          const layers = gradientNorms.map((gradientNorm, i) => ({
            layer: i + 1,
            gradientNorm,
            weightNorm: 10,
            saturated: 0.1,
            dead: null,
          }));
          const report = {
            epoch,
            trainLoss: 0.02 + 0.09 / Math.sqrt(1 + step / 300),
            trainAccuracy: 0.9 + 0.002 * epoch,
            testLoss: 0.021 + 0.085 / Math.sqrt(1 + step / 300),
            testAccuracy: 0.905 + 0.0015 * epoch,
            samplesPerSecond: 21000,
            seconds: 2.4,
            layers,
            isBest: true,
          };
          run.history.push(report);
          emit({ type: 'epoch', runId: run.id, report });
        }
        if (step >= total) {
          clearInterval(timer);
          done();
        }
      }, intervalMs);
    });
}
