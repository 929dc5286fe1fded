/**
 * LabService.openModelFile: a model file named by the app itself (command line, a second launch,
 * the OS), not by the page. It must be an absolute path to a regular *.fathom.json file; the
 * outcome, opened or refused with the reason, also goes to the page as a `model-opened` event.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScalingParams } from '@core/data/scaling';
import type { LabEvent } from '@core/lab/contract';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { buildModelFile } from '@core/model/model-file';
import { saveModelFile } from '@core/model/model-files';
import type { LabService } from '@core/service/lab-service';
import { makeService, quickRun, tempDataDir } from '../helpers';

const tmp = tempDataDir();
const modelPath = join(tmp.dir, 'digits.fathom.json');
let service: LabService;
const events: LabEvent[] = [];

beforeAll(async () => {
  const { spec, settings } = quickRun();
  const dataset = {
    name: 'MNIST handwritten digits',
    inputShape: [28, 28],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    sizes: { train: 0, test: 0 },
    files: [],
  };
  const scaling: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
  await saveModelFile(
    modelPath,
    buildModelFile(Network.create(spec, new Rng(1)), { scaling, settings, dataset, history: [], appVersion: '0.1.0' }),
  );
  service = makeService(join(tmp.dir, 'data'));
  service.onEvent((event) => events.push(event));
});

afterAll(async () => {
  await service.dispose();
  tmp.remove();
});

describe('openModelFile', () => {
  it('opens the model at an absolute path and tells the page with a model-opened event', async () => {
    events.length = 0;
    const result = await service.openModelFile(modelPath);
    expect(result).toMatchObject({ status: 'opened', model: { name: 'digits', source: { kind: 'file', fileName: 'digits.fathom.json' } } });
    expect(events).toEqual([{ type: 'model-opened', result }]);
  });

  it('refuses what is not a regular *.fathom.json file at an absolute path, saying why, and tells the page too', async () => {
    const folder = join(tmp.dir, 'folder.fathom.json');
    mkdirSync(folder);
    const notes = join(tmp.dir, 'notes.json');
    writeFileSync(notes, '{}');
    const cases: [string, string][] = [
      ['digits.fathom.json', 'digits.fathom.json: expected an absolute path to a model file'],
      [notes, 'notes.json: expected a Fathom model file (*.fathom.json)'],
      [join(tmp.dir, 'gone.fathom.json'), 'gone.fathom.json: there is no such file'],
      [folder, 'folder.fathom.json: expected a file, found a folder or a special file'],
    ];
    if (process.platform !== 'win32') {
      // A FIFO would block the read forever.
      const fifo = join(tmp.dir, 'pipe.fathom.json');
      execFileSync('mkfifo', [fifo]);
      cases.push([fifo, 'pipe.fathom.json: expected a file, found a folder or a special file']);
    }
    for (const [path, message] of cases) {
      events.length = 0;
      const result = await service.openModelFile(path);
      expect(result).toEqual({ status: 'failed', code: 'unreadable', message });
      expect(events).toEqual([{ type: 'model-opened', result }]);
    }
  });

  it('refuses a damaged model with core/model’s reason', async () => {
    const damaged = join(tmp.dir, 'damaged.fathom.json');
    writeFileSync(damaged, '{"format": "fathom-model", ');
    const result = await service.openModelFile(damaged);
    expect(result).toMatchObject({ status: 'failed', code: 'truncated' });
    expect(result.status === 'failed' && result.message.startsWith('damaged.fathom.json')).toBe(true);
  });
});
