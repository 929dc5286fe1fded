/** What reaches stdout and stderr in each mode: a terminal gets a redrawn bar, a pipe plain lines, --json typed objects. */
import { describe, expect, it } from 'vitest';
import { CliOutput, type BatchProgress } from '../../../core/cli/output';
import { expectNoTerminalCodes } from './cli';

function harness(json: boolean, isTTY: boolean) {
  const streams = { stdout: '', stderr: '' };
  let clock = 0;
  const output = new CliOutput(
    json,
    { stdout: { write: (t: string) => (streams.stdout += t) }, stderr: { isTTY, write: (t: string) => (streams.stderr += t) } },
    () => clock,
  );
  const batch = (batch: number, at: number): void => {
    clock = at;
    const p: BatchProgress = { epoch: 1, batch, batchesPerEpoch: 100, samplesPerSecond: 1000, secondsLeft: 5 };
    output.progress(p);
  };
  return { output, streams, batch };
}

describe('CliOutput', () => {
  it('on a terminal, redraws one progress line in place and clears it before other lines', () => {
    const { output, streams, batch } = harness(false, true);
    batch(1, 0);
    batch(2, 50); // within 100 ms: not redrawn
    batch(3, 150);
    expect(streams.stderr.match(/\r/g)).toHaveLength(2);
    expect(streams.stderr).toMatch(/^\repoch 1 █*░+ 1\/100 {2}1,000 samples\/s {2}5\.0 s left\x1b\[K\repoch 1 .* 3\/100 /);
    output.note('Ctrl-C: stopping');
    expect(streams.stderr).toMatch(/\x1b\[K\r\x1b\[KCtrl-C: stopping\n$/);
  });

  it('into a pipe, writes no escape codes: a plain line every 10 s, and nothing before', () => {
    const { output, streams, batch } = harness(false, false);
    batch(1, 0);
    batch(2, 9_999);
    expect(streams.stderr).toBe('');
    batch(3, 10_000);
    batch(4, 15_000);
    batch(5, 20_001);
    expect(streams.stderr).toBe('epoch 1: batch 3/100, 1,000 samples/s, 5.0 s left\nepoch 1: batch 5/100, 1,000 samples/s, 5.0 s left\n');
    output.note('a note \x1b[2J');
    output.clearBar();
    expectNoTerminalCodes(streams.stderr);
    expect(streams.stderr.endsWith('a note \\x1b[2J\n')).toBe(true);
  });

  it('with --json, prints typed progress objects on stdout (the first batch at once, then once a second) and nothing on stderr', () => {
    const { output, streams, batch } = harness(true, true);
    batch(1, 0);
    batch(2, 500);
    batch(3, 1000);
    output.say('not in JSON mode');
    output.emit({ type: 'saved', file: 'm.fathom.json' });
    expect(
      streams.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { type: 'progress', epoch: 1, batch: 1, batchesPerEpoch: 100, samplesPerSecond: 1000 },
      { type: 'progress', epoch: 1, batch: 3, batchesPerEpoch: 100, samplesPerSecond: 1000 },
      { type: 'saved', file: 'm.fathom.json' },
    ]);
    expect(streams.stderr).toBe('');
  });

  it('in text mode, say() prints escaped lines and emit() nothing', () => {
    const { output, streams } = harness(false, false);
    output.say('on \x1b]0;evil\x07 data');
    output.emit({ type: 'saved', file: 'x' });
    expect(streams.stdout).toBe('on \\x1b]0;evil\\x07 data\n');
  });
});
