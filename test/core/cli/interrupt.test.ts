/** Ctrl-C's two steps, by emitting SIGINT in this process (the spawned CLI is tested in train-model-files.test.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CtrlC, INTERRUPTED_EXIT_CODE } from '../../../core/cli/interrupt';

class Exited extends Error {}

describe('CtrlC', () => {
  const said: string[] = [];
  let ctrlC: CtrlC | undefined;
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exited(String(code));
  });
  afterEach(() => {
    ctrlC?.dispose();
    said.length = 0;
    exit.mockClear();
  });
  const listening = (): CtrlC => {
    ctrlC = new CtrlC((line) => said.push(line));
    ctrlC.listen();
    return ctrlC;
  };

  it('asks the loop to stop at the first Ctrl-C, and says so', () => {
    const c = listening();
    expect(c.requested).toBe(false);
    process.emit('SIGINT', 'SIGINT');
    expect(c.requested).toBe(true);
    expect(said).toEqual(['Ctrl-C: stopping after this batch, then writing the files asked for (Ctrl-C again quits at once)']);
    expect(exit).not.toHaveBeenCalled();
  });

  it('quits at once with 130 at the second', () => {
    listening();
    process.emit('SIGINT', 'SIGINT');
    expect(() => process.emit('SIGINT', 'SIGINT')).toThrow(Exited);
    expect(exit).toHaveBeenCalledWith(INTERRUPTED_EXIT_CODE);
    expect(said.at(-1)).toBe('Ctrl-C: quitting at once; files not yet written will not be');
  });

  it('quits at once at the first Ctrl-C once training is over (the files are being written)', () => {
    const c = listening();
    c.trainingOver();
    expect(() => process.emit('SIGINT', 'SIGINT')).toThrow(Exited);
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('stops listening when disposed', () => {
    const before = process.listenerCount('SIGINT');
    const c = listening();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    c.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
