/**
 * Text read back from disk reaches messages escaped (issue 18 §10): a run or dataset name holding
 * ESC[2J or a NUL (an old run file, a hand-edited manifest) cannot drive the terminal or hide text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '@core/service/errors';
import type { LabService } from '@core/service/lab-service';
import { makeService, quickRun, tempDataDir } from './helpers';

describe('LabService messages', () => {
  const tmp = tempDataDir();
  let service: LabService;
  beforeAll(() => {
    service = makeService(tmp.dir);
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('escape the control characters of a LabError message', () => {
    const error = new LabError('invalid', 'Run "clear\u001b[2J\u0000" is training.');
    expect(error.message).toBe('Run "clear\\x1b[2J\\x00" is training.');
  });

  it('escape a run name that came from outside the window (trusted callers are not schema-checked)', async () => {
    const run = await service.startRun(quickRun({ name: 'evil\u001b[2J\nname' }));
    const refusal = service.openRunModel({ runId: run.id, epoch: 99 });
    await expect(refusal).rejects.toThrow('Run "evil\\x1b[2J\\nname" has no checkpoint of epoch 99');
    await service.stopRun({ runId: run.id });
  });
});
