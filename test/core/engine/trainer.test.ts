import { describe, it, expect } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { SpecError } from '../../../core/engine/errors';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_SCHEDULE } from '../../../core/engine/schedules';
import { descentKind, type NetworkSpec, type TrainSettings } from '../../../core/engine/spec';
import type { BatchReport, EpochReport } from '../../../core/engine/reports';
import { norm, Trainer } from '../../../core/engine/trainer';
import { BLOB_SPEC, blobs, linearData, parameterBytes, runGuarded, settings } from './helpers';

const LINEAR_SPEC: NetworkSpec = { inputSize: 2, layers: [{ units: 1, activation: 'linear' }], loss: 'mse', init: 'xavier' };

function trainBlobs(seed: number, initSeed = 1): Network {
  const net = Network.create(BLOB_SPEC, new Rng(initSeed));
  runGuarded(new Trainer(net, { train: blobs(120, 7) }, settings({ batchSize: 10, epochs: 3, seed })));
  return net;
}

/** Trains on `train` and returns the loss on it before and after, plus the trainer. */
function lossDrop(
  train: Samples,
  batchSize: number,
  epochs: number,
  learningRate: number,
): { before: number; after: number; trainer: Trainer } {
  const net = Network.create(BLOB_SPEC, new Rng(3));
  const before = evaluate(net, train).loss;
  const trainer = new Trainer(net, { train }, settings({ batchSize, epochs, learningRate }));
  runGuarded(trainer);
  return { before, after: evaluate(net, train).loss, trainer };
}

describe('determinism', () => {
  it('gives bit-identical weights for the same seed and settings', () => {
    const a = parameterBytes(trainBlobs(1));
    const b = parameterBytes(trainBlobs(1));
    expect(a.length).toBe((16 + 24 + 8 + 3) * 4);
    expect(a.equals(b)).toBe(true);
  });

  it('gives different weights for a different training seed (batch order) or initialisation', () => {
    const base = parameterBytes(trainBlobs(1));
    expect(base.equals(parameterBytes(trainBlobs(2)))).toBe(false);
    expect(base.equals(parameterBytes(trainBlobs(1, 2)))).toBe(false);
  });
});

describe('descent kinds all learn', () => {
  it('stochastic: batch size 1', () => {
    const train = blobs(90, 11);
    expect(descentKind(1, train.count)).toBe('stochastic');
    const { before, after, trainer } = lossDrop(train, 1, 3, 0.1);
    expect(trainer.batchesPerEpoch).toBe(90);
    expect(after).toBeLessThan(0.25 * before);
  });

  it('mini-batch: batch size 16', () => {
    const train = blobs(300, 12);
    expect(descentKind(16, train.count)).toBe('mini-batch');
    const { before, after, trainer } = lossDrop(train, 16, 4, 0.5);
    expect(trainer.batchesPerEpoch).toBe(19);
    expect(after).toBeLessThan(0.25 * before);
  });

  it('full batch over more than 1000 samples (summed in chunks), batch size ≥ count', () => {
    const train = blobs(1200, 13);
    for (const batchSize of [1200, 5000]) {
      expect(descentKind(batchSize, train.count)).toBe('batch');
      const reports: BatchReport[] = [];
      const net = Network.create(BLOB_SPEC, new Rng(3));
      const before = evaluate(net, train).loss;
      runGuarded(new Trainer(net, { train }, settings({ batchSize, epochs: 15, learningRate: 1 })), (r) => reports.push(r));
      expect(reports).toHaveLength(15);
      expect(reports.every((r) => r.rows === 1200 && r.batchesPerEpoch === 1 && r.epochComplete)).toBe(true);
      // Full-batch gradient descent with a small enough η lowers the loss at every step.
      for (let i = 1; i < reports.length; i++) expect(reports[i]!.loss).toBeLessThan(reports[i - 1]!.loss);
      expect(evaluate(net, train).loss).toBeLessThan(0.5 * before);
    }
  });

  it('a full batch summed in chunks has the gradient of one big batch', () => {
    const train = blobs(2500, 14); // chunks of 1000, 1000 and 500 rows
    const net = Network.create(BLOB_SPEC, new Rng(4));

    // Reference: one float64 batch of all 2500 rows.
    const ref = new Network(BLOB_SPEC, 'float64');
    ref.setParameters(net.w, net.b);
    const ws = ref.workspace(train.count);
    ws.a[0]!.set(train.inputs);
    ws.y.set(train.targets);
    ref.feedforward(ws);
    const refLoss = ref.batchCost(ws) / train.count;
    const g = ref.createGradients();
    ref.backprop(ws, g, 1 / train.count);

    // SGD with η = 1 and λ = 0 moves the weights by exactly −∇C.
    const w0 = net.w.map((w) => Float64Array.from(w));
    const b0 = net.b.map((b) => Float64Array.from(b));
    const report = new Trainer(net, { train }, settings({ batchSize: train.count, learningRate: 1, optimizer: 'sgd', l2: 0 })).step();
    expect(report.rows).toBe(2500);
    expect(report.loss).toBeCloseTo(refLoss, 6);
    for (let l = 1; l <= net.L; l++) {
      expect(report.gradientNorms[l - 1]! / norm(g.nablaW[l]!, g.nablaB[l]!)).toBeCloseTo(1, 5);
      // Float32 weights and sums: agreement to ~1e-6 of the weights' size.
      for (let i = 0; i < net.w[l]!.length; i++) expect(w0[l]![i]! - net.w[l]![i]!).toBeCloseTo(g.nablaW[l]![i]!, 5);
      for (let i = 0; i < net.b[l]!.length; i++) expect(b0[l]![i]! - net.b[l]![i]!).toBeCloseTo(g.nablaB[l]![i]!, 5);
    }
  });
});

describe('batches and epochs', () => {
  it('reports each batch, with a short last batch, and numbers epochs from 1', () => {
    const trainer = new Trainer(Network.create(BLOB_SPEC, new Rng(1)), { train: blobs(25, 1) }, settings({ batchSize: 10 }));
    const reports = [trainer.step(), trainer.step(), trainer.step()];
    expect(reports.map((r) => [r.epoch, r.batch, r.rows, r.epochComplete])).toEqual([
      [1, 1, 10, false],
      [1, 2, 10, false],
      [1, 3, 5, true],
    ]);
    expect(reports.every((r) => r.batchesPerEpoch === 3 && r.gradientNorms.length === 2 && r.nonFinite === undefined)).toBe(true);
    const epoch = trainer.endEpoch();
    expect(epoch.epoch).toBe(1);
    // The epoch's loss is the mean over its samples of the per-batch costs.
    expect(epoch.trainLoss).toBeCloseTo((10 * reports[0]!.loss + 10 * reports[1]!.loss + 5 * reports[2]!.loss) / 25, 10);
    expect(trainer.step()).toMatchObject({ epoch: 2, batch: 1 });
  });

  it('measures time with the injected clock', () => {
    let t = 0;
    const train = blobs(30, 2);
    const trainer = new Trainer(Network.create(BLOB_SPEC, new Rng(1)), { train }, settings({ batchSize: 10 }), { now: () => (t += 5) });
    for (let i = 0; i < 3; i++) trainer.step();
    const epoch = trainer.endEpoch();
    // Each step reads the clock twice, 5 ms apart: 3 batches take 15 ms.
    expect(epoch.seconds).toBeCloseTo(0.015, 12);
    expect(epoch.samplesPerSecond).toBeCloseTo(2000, 6);
  });

  it('lets the learning rate change between steps', () => {
    const train = blobs(40, 3);
    const net = Network.create(BLOB_SPEC, new Rng(1));
    const trainer = new Trainer(net, { train }, settings({ batchSize: 10, optimizer: 'sgd', learningRate: 0.5 }));
    trainer.setLearningRate(0);
    const before = parameterBytes(net);
    trainer.step();
    expect(parameterBytes(net).equals(before)).toBe(true);
    trainer.setLearningRate(0.5);
    trainer.step();
    expect(parameterBytes(net).equals(before)).toBe(false);
  });

  it('scales an SGD step with η', () => {
    const train = blobs(40, 3);
    const move = (eta: number): number[] => {
      const net = Network.create(BLOB_SPEC, new Rng(1));
      const w0 = Array.from(net.w[1]!);
      new Trainer(net, { train }, settings({ batchSize: 10, optimizer: 'sgd', learningRate: eta })).step();
      return w0.map((w, i) => net.w[1]![i]! - w);
    };
    const small = move(0.01);
    const large = move(0.03);
    expect(Math.max(...small.map(Math.abs))).toBeGreaterThan(1e-5);
    for (let i = 0; i < small.length; i++) expect(large[i]).toBeCloseTo(3 * small[i]!, 6);
  });
});

describe('stopping rules', () => {
  it('epochs: run() stops after the given number of epochs, even without an onEpoch callback', () => {
    const trainer = new Trainer(Network.create(BLOB_SPEC, new Rng(1)), { train: blobs(30, 4) }, settings({ batchSize: 10, epochs: 3 }));
    let batches = 0;
    const history = runGuarded(trainer, () => batches++);
    expect(batches).toBe(9);
    expect(history).toHaveLength(3);
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(history.map((h) => h.stopReason)).toEqual([undefined, undefined, 'reached 3 epochs']);
    expect(trainer.finished).toBe(true);
  });

  it('epochs: run() calls back after every batch and epoch', () => {
    const trainer = new Trainer(Network.create(BLOB_SPEC, new Rng(1)), { train: blobs(30, 4) }, settings({ batchSize: 10, epochs: 2 }));
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    trainer.run({ onBatch: (b) => batches.push(b), onEpoch: (e) => epochs.push(e) });
    expect(batches).toHaveLength(6);
    expect(epochs).toEqual(trainer.history);
  });

  it('loss-plateau: stops early once a converged problem stops improving', () => {
    // Noisy linear data: the MSE cannot fall below the noise variance 0.01, so improvement dies out.
    const train = linearData(200, 5, 0.1);
    const trainer = new Trainer(
      Network.create(LINEAR_SPEC, new Rng(1)),
      { train },
      settings({ batchSize: 20, learningRate: 0.1, epochs: 500, stop: { kind: 'loss-plateau', minImprovement: 0.01 } }),
    );
    const history = runGuarded(trainer);
    expect(history.length).toBeGreaterThan(2);
    expect(history.length).toBeLessThan(100);
    const last = history.at(-1)!;
    expect(last.stopReason).toMatch(/training loss improved by .* %, less than the 1\.000 % threshold/);
    expect(last.trainLoss).toBeLessThan(0.02);
    // Every earlier epoch improved by at least 1 %.
    for (let i = 1; i < history.length - 1; i++) expect(history[i]!.trainLoss).toBeLessThan(0.99 * history[i - 1]!.trainLoss);
  });

  it('early-stopping: needs a validation split', () => {
    const make = (): Trainer =>
      new Trainer(
        Network.create(BLOB_SPEC, new Rng(1)),
        { train: blobs(30, 6), test: blobs(30, 7) },
        settings({ stop: { kind: 'early-stopping', patience: 2 } }),
      );
    expect(make).toThrow(SpecError);
    expect(make).toThrow(/validation/);
    try {
      make();
    } catch (err) {
      expect((err as SpecError).field).toBe('stop');
    }
  });

  it('early-stopping: stops after `patience` epochs without a better validation accuracy', () => {
    const trainer = new Trainer(
      Network.create(BLOB_SPEC, new Rng(1)),
      { train: blobs(60, 8, 0.3), validation: blobs(30, 9, 0.3) },
      settings({ batchSize: 10, epochs: 200, stop: { kind: 'early-stopping', patience: 2 } }),
    );
    const history = runGuarded(trainer);
    expect(history.length).toBeLessThan(200);
    const last = history.at(-1)!;
    expect(last.stopReason).toBe('no validation improvement for 2 epochs');
    // The last two epochs were not improvements; the best one before them was.
    expect(history.slice(-2).map((h) => h.isBest)).toEqual([false, false]);
    const best = history.at(-3)!;
    expect(best.isBest).toBe(true);
    expect(Math.max(...history.map((h) => h.validationAccuracy!))).toBe(best.validationAccuracy);
  });
});

describe('history and isBest', () => {
  it('records every epoch with validation and test metrics; isBest marks new best validation accuracy', () => {
    const trainer = new Trainer(
      Network.create(BLOB_SPEC, new Rng(2)),
      { train: blobs(90, 10, 1.2), validation: blobs(60, 11, 1.2), test: blobs(60, 12, 1.2) },
      settings({ batchSize: 10, epochs: 6, learningRate: 0.05 }),
    );
    const history = runGuarded(trainer);
    expect(history).toHaveLength(6);
    let best = -Infinity;
    for (const h of history) {
      expect(h.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(h.trainAccuracy).toBeLessThanOrEqual(1);
      expect(h.validationLoss).toBeGreaterThan(0);
      expect(h.testAccuracy).not.toBeNull();
      expect(h.layers.map((m) => m.layer)).toEqual([1, 2]);
      expect(h.layers.every((m) => m.gradientNorm > 0)).toBe(true);
      // tanh hidden layer: a saturation share; the softmax layer has none.
      expect(h.layers[0]!.saturated).not.toBeNull();
      expect(h.layers[1]!.saturated).toBeNull();
      expect(h.isBest).toBe(h.validationAccuracy! > best);
      best = Math.max(best, h.validationAccuracy!);
    }
    expect(history[0]!.isBest).toBe(true);
    expect(history.at(-1)!.layers[0]!.weightNorm).toBeCloseTo(norm(trainer.net.w[1]!), 10);
    // The validation numbers are those of evaluate() on the final weights.
    expect(history.at(-1)!.validationAccuracy).toBe(evaluate(trainer.net, trainer.data.validation!).accuracy);
  });

  it('falls back to the test split for isBest, and to no accuracy for regression', () => {
    const withTest = new Trainer(
      Network.create(BLOB_SPEC, new Rng(1)),
      { train: blobs(30, 1), test: blobs(30, 2) },
      settings({ batchSize: 10, epochs: 2 }),
    );
    expect(runGuarded(withTest)[0]!.isBest).toBe(true);
    const regression = new Trainer(
      Network.create(LINEAR_SPEC, new Rng(1)),
      { train: linearData(20, 1) },
      settings({ batchSize: 5, epochs: 2, learningRate: 0.1 }),
    );
    const history = runGuarded(regression);
    expect(history.map((h) => [h.trainAccuracy, h.isBest])).toEqual([
      [null, false],
      [null, false],
    ]);
  });
});

describe('refusals', () => {
  const fieldAndMessage = (make: () => unknown): [string, string] => {
    try {
      make();
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      return [(err as SpecError).field, (err as Error).message];
    }
    throw new Error('expected a SpecError');
  };

  it('refuses the step activation, explaining its derivative', () => {
    const spec: NetworkSpec = { ...BLOB_SPEC, layers: [{ units: 8, activation: 'step' }, BLOB_SPEC.layers[1]!] };
    const net = new Network(spec); // a step network can run…
    expect(net.predict([0, 0])).toHaveLength(3);
    const [field, message] = fieldAndMessage(() => new Trainer(net, { train: blobs(30, 1) }, settings())); // …but not learn
    expect(field).toBe('layers[0].activation');
    expect(message).toMatch(/derivative is zero/);
  });

  it('refuses MAPE on one-hot targets', () => {
    const net = new Network({ ...BLOB_SPEC, loss: 'mape' });
    const [field, message] = fieldAndMessage(() => new Trainer(net, { train: blobs(30, 1) }, settings()));
    expect(field).toBe('loss');
    expect(message).toMatch(/MAPE divides by each target value/);
  });

  it('refuses data of the wrong shape, bad settings and an empty training set', () => {
    const net = Network.create(BLOB_SPEC, new Rng(1));
    expect(fieldAndMessage(() => new Trainer(net, { train: linearData(10, 1) }, settings()))[0]).toBe('layers[1].units');
    expect(fieldAndMessage(() => new Trainer(net, { train: blobs(10, 1) }, settings({ batchSize: 0 })))[0]).toBe('batchSize');
    expect(fieldAndMessage(() => new Trainer(net, { train: blobs(0, 1) }, settings()))).toEqual(['dataset', 'The training set is empty.']);
  });
});

describe('non-finite updates', () => {
  /** Steps until a batch reports a non-finite value; checks that batch left the weights exactly as they were. */
  function blowUp(spec: NetworkSpec, learningRate: number): BatchReport {
    const net = Network.create(spec, new Rng(1));
    const trainer = new Trainer(net, { train: linearData(40, 3, 0) }, settings({ batchSize: 8, learningRate, epochs: 100 }));
    for (let i = 0; i < 200; i++) {
      const before = parameterBytes(net);
      const report = trainer.step();
      if (report.nonFinite) {
        expect(parameterBytes(net).equals(before)).toBe(true);
        for (const w of [...net.w, ...net.b]) expect(w.every(Number.isFinite)).toBe(true);
        // The bad batch is left out of the epoch's loss.
        if (report.epochComplete) expect(Number.isFinite(trainer.endEpoch().trainLoss)).toBe(true);
        return report;
      }
      expect([...net.w, ...net.b].every((w) => w.every(Number.isFinite))).toBe(true);
      if (report.epochComplete) trainer.endEpoch();
    }
    throw new Error('no batch went non-finite');
  }

  it('a huge learning rate is reported and its overflowing update is not applied', () => {
    const hidden = (activation: 'tanh' | 'relu' | 'linear'): NetworkSpec => ({
      inputSize: 2,
      layers: [
        { units: 4, activation },
        { units: 1, activation: 'linear' },
      ],
      loss: 'mse',
      init: 'xavier',
    });
    const kinds = new Set<string>();
    for (const [activation, eta] of [
      ['tanh', 1e6],
      ['relu', 1e3],
      ['linear', 1e10],
      ['linear', 1e30],
    ] as const) {
      const report = blowUp(hidden(activation), eta);
      expect(report.nonFinite!.epoch).toBe(report.epoch);
      expect(report.nonFinite!.batch).toBe(report.batch);
      kinds.add(report.nonFinite!.what);
    }
    // Between them these overflow in the loss, in a gradient, and in the update itself.
    expect([...kinds].sort()).toEqual(['gradient', 'loss', 'weight']);
  });
});

describe('learning-rate schedules in the trainer', () => {
  it('steps with the scheduled η batch by batch, records each epoch’s η, and matches a constant run when the schedule is constant', () => {
    const train = blobs(60, 21);
    const run = (schedule?: TrainSettings['schedule']) => {
      const net = Network.create(BLOB_SPEC, new Rng(4));
      const trainer = new Trainer(
        net,
        { train },
        settings({ batchSize: 10, epochs: 4, learningRate: 0.4, ...(schedule ? { schedule } : {}) }),
      );
      const rates: number[] = [];
      trainer.run({ onBatch: () => rates.push(trainer.learningRate) });
      return { net, trainer, rates };
    };
    const plain = run();
    const constant = run({ ...DEFAULT_SCHEDULE });
    expect(parameterBytes(constant.net).equals(parameterBytes(plain.net))).toBe(true);
    expect(plain.trainer.history.map((r) => r.learningRate)).toEqual([0.4, 0.4, 0.4, 0.4]);

    const step = run({ ...DEFAULT_SCHEDULE, kind: 'step', decay: 0.5, every: 2, warmupEpochs: 1 });
    // Warm-up over epoch 1's 6 batches, then η = 0.4 for two epochs, then 0.2.
    expect(step.rates.slice(0, 6).map((r) => +r.toFixed(6))).toEqual([1, 2, 3, 4, 5, 6].map((b) => +((0.4 * b) / 6).toFixed(6)));
    expect(step.trainer.history.map((r) => r.learningRate)).toEqual([0.4, 0.4, 0.4, 0.2]);
    expect(parameterBytes(step.net).equals(parameterBytes(plain.net))).toBe(false);
  });

  it('a mid-run change applies from the next batch and scales the rest of the schedule', () => {
    const net = Network.create(BLOB_SPEC, new Rng(4));
    const schedule = { ...DEFAULT_SCHEDULE, kind: 'exponential' as const, decay: 0.5 };
    const trainer = new Trainer(net, { train: blobs(40, 3) }, settings({ batchSize: 10, epochs: 3, learningRate: 1, schedule }));
    trainer.step();
    trainer.step();
    trainer.setLearningRate(0.1);
    expect(trainer.learningRate).toBe(0.1);
    trainer.step();
    expect(trainer.learningRate).toBeCloseTo(0.1, 12);
    trainer.step();
    trainer.endEpoch();
    trainer.step();
    expect(trainer.learningRate).toBeCloseTo(0.05, 12);
  });

  it('reduce-on-plateau watches the validation loss, and a resumed trainer replays it to the same η', () => {
    const data = { train: blobs(30, 5), validation: blobs(30, 6) };
    const schedule = { ...DEFAULT_SCHEDULE, kind: 'plateau' as const, decay: 0.5, patience: 0 };
    const s = settings({ batchSize: 10, epochs: 12, learningRate: 2, schedule });
    const trainer = new Trainer(Network.create(BLOB_SPEC, new Rng(4)), data, s);
    runGuarded(trainer);
    const rates = trainer.history.map((r) => r.learningRate!);
    // By hand: with patience 0, η halves after every epoch whose validation loss is not below the best so far by 1e-4.
    let best = Infinity;
    let eta = 2;
    const expected = trainer.history.map((r) => {
      const now = eta;
      if (r.validationLoss! < best * (1 - 1e-4)) best = r.validationLoss!;
      else eta *= 0.5;
      return now;
    });
    expect(rates).toEqual(expected);
    const resumed = new Trainer(Network.create(BLOB_SPEC, new Rng(4)), data, s);
    resumed.continueAfter(trainer.history.slice(0, 8));
    resumed.step();
    expect(resumed.learningRate).toBe(trainer.history[8]!.learningRate);
  });
});
