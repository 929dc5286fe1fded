/**
 * Replies that carry data stay within MAX_REPLY_BYTES (issue 18 §3): ten 1024 × 1024 PNGs imported
 * through the real library, then paged, browsed and asked for test images the way a hostile window
 * could (index 0 a hundred times, one 264-byte request that used to exhaust the heap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MAX_DRAWN_SIDE, MAX_REPLY_BYTES, type ImportResult, type SampleImages } from '@core/lab/contract';
import { callLab } from '@core/lab/dispatch';
import type { LabService } from '@core/service/lab-service';
import { ModelInspector } from '@core/service/models/model-inspector';
import { classificationOverview, samplePage, type RawView } from '@core/service/datasets/dataset-overview';
import { tempFolder, writePng } from '../../data/import/fixtures';
import { makeService, stubDialogs, tempDataDir } from '../helpers';

const SIDE = 1024;

/** Bytes of every typed array in a reply: what structured clone copies. */
function dataBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + dataBytes(v), 0);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce((sum: number, v) => sum + dataBytes(v), 0);
  return 0;
}

describe('window.lab replies on a set of 1024 × 1024 images', () => {
  const tmp = tempDataDir();
  const images = tempFolder('fathom-big-images-');
  let service: LabService;
  let datasetId: string;

  beforeAll(async () => {
    for (let i = 0; i < 10; i++) {
      const cls = i % 2 === 0 ? 'left' : 'right';
      writePng(join(images.path, cls, `${i}.png`), SIDE, SIDE, (x) => ((cls === 'left') === x < SIDE / 2 ? 255 : 0));
    }
    const dialogs = { ...stubDialogs(), chooseImportPaths: async () => [images.path] };
    service = makeService(tmp.dir, { dialogs });
    const result = (await callLab(service, 'importDataset', { kind: 'image-folder', test: 0.3, validation: 0.1 })) as ImportResult;
    if (result.status !== 'imported') throw new Error(`expected an import, got ${JSON.stringify(result)}`);
    datasetId = result.dataset.id;
  }, 120_000);
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
    images.remove();
  });

  it('answers a request for test image 0 a hundred times with one image, as bytes', async () => {
    const reply = await service.getTestImages({ datasetId, indices: new Array<number>(100).fill(0) });
    expect(reply.indices).toEqual([0]);
    expect(reply.labels).toHaveLength(1);
    expect(reply).toMatchObject({ width: SIDE, height: SIDE, step: 1 });
    expect(reply.pixels).toBeInstanceOf(Uint8Array);
    expect(reply.pixels).toHaveLength(SIDE * SIDE);
    expect(dataBytes(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
  });

  it('keeps each distinct index once, in the order first asked', async () => {
    const reply = await service.getTestImages({ datasetId, indices: [2, 0, 2, 1, 0] });
    expect(reply.indices).toEqual([2, 0, 1]);
    const first = await service.getTestImages({ datasetId, indices: [2] });
    expect(Buffer.from(reply.pixels.subarray(0, SIDE * SIDE)).equals(Buffer.from(first.pixels))).toBe(true);
  });

  it('pages samples averaged down to at most 128 a side, within the budget', async () => {
    const page = await service.getSamples({ datasetId, split: 'train', offset: 0, count: 500 });
    expect(page).toMatchObject({ width: MAX_DRAWN_SIDE, height: MAX_DRAWN_SIDE, step: SIDE / MAX_DRAWN_SIDE });
    expect(page.pixels).toBeInstanceOf(Uint8Array);
    expect(page.pixels).toHaveLength(page.labels.length * MAX_DRAWN_SIDE * MAX_DRAWN_SIDE);
    expect(dataBytes(page)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
    // Averaged, not sampled: a "left" image is white on its left half, black on its right.
    const left = page.labels.indexOf(0);
    const row = page.pixels.subarray(left * MAX_DRAWN_SIDE * MAX_DRAWN_SIDE, left * MAX_DRAWN_SIDE * MAX_DRAWN_SIDE + MAX_DRAWN_SIDE);
    expect([row[0], row[63], row[64], row[127]]).toEqual([255, 255, 0, 0]);
  });

  it('gives an overview of drawn-size means and samples, within the budget', async () => {
    const overview = await service.datasetOverview({ datasetId, samplesPerClass: 16 });
    const c = overview.classification!;
    expect(c).toMatchObject({ width: MAX_DRAWN_SIDE, height: MAX_DRAWN_SIDE, step: 8, min: 0, max: 255 });
    expect(c.means.map((m) => m.length)).toEqual([MAX_DRAWN_SIDE ** 2, MAX_DRAWN_SIDE ** 2]);
    expect(c.samples.flat().every((s) => s.length === MAX_DRAWN_SIDE ** 2)).toBe(true);
    expect(dataBytes(overview)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
    expect(structuredClone(overview)).toEqual(overview);
  });
});

describe('reply budgets of the pure parts', () => {
  it('refuses more distinct test images than one reply carries, saying how many fit', async () => {
    const count = 20;
    const inspector = new ModelInspector({
      chooseOpenPath: async () => null,
      runFiles: async () => {
        throw new Error('no runs');
      },
      sha256: async () => '',
      library: {
        match: async () => null,
        testSplit: async (id) => ({
          datasetId: id,
          name: 'big',
          rows: SIDE,
          cols: SIDE,
          count,
          pixels: new Uint8Array(count * SIDE * SIDE),
          labels: new Uint8Array(count),
          classCount: 2,
        }),
      },
    });
    const all = Array.from({ length: count }, (_, i) => i);
    await expect(inspector.testImages({ datasetId: 'big', indices: all })).rejects.toThrow(
      /20 test images of 1024 × 1024 are 20\.0 MB, more than the 16\.0 MB one reply carries: ask for at most 16 at a time/,
    );
    const fits = await inspector.testImages({ datasetId: 'big', indices: all.slice(0, 16) });
    expect(fits.pixels.byteLength).toBeLessThanOrEqual(MAX_REPLY_BYTES);
  });

  it('cuts a page of float samples short rather than exceed the budget, and keeps the overview within it', () => {
    // 260 float rows of 256 × 256: drawn 128 × 128 × 4 bytes each, so 256 fit a reply and 64 classes × 16 samples would not.
    const count = 260;
    const width = 256 * 256;
    const view: RawView = {
      kind: 'classification',
      inputShape: [256, 256],
      classes: Array.from({ length: 64 }, (_, c) => `c${c}`),
      splits: {
        train: { count, inputs: new Float32Array(count * width), labels: Int32Array.from({ length: count }, (_, i) => i % 64) },
        test: { count: 0, inputs: new Float32Array(0), labels: new Int32Array(0) },
      },
    };
    const page = samplePage(view, 'train', 0, count) as SampleImages;
    expect(page.pixels).toBeInstanceOf(Float32Array);
    expect(page.labels).toHaveLength(256);
    expect(page.pixels.byteLength).toBeLessThanOrEqual(MAX_REPLY_BYTES);
    const overview = classificationOverview(view, 16);
    expect(dataBytes(overview)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
    expect(overview.samples[0]!.length).toBeGreaterThan(0);
  });
});
