import { describe, expect, it } from 'vitest';
import { lossTargetProblem } from '../../../core/engine/losses';
import { LOSSES } from '../../../core/engine/spec';
import { describeTargets, profileTargetProblem, profileTargets } from '../../../core/engine/target-profile';
import { Rng } from '../../../core/engine/rng';

describe('profileTargets', () => {
  it('tells one-hot labels, 0/1 flags, probabilities and real values apart', () => {
    expect(profileTargets(Float32Array.of(0, 1, 0, 1, 0, 0), 3).shape).toBe('one-hot');
    expect(profileTargets(Float32Array.of(1, 1, 0, 0), 2).shape).toBe('binary');
    expect(profileTargets(Float32Array.of(0.25, 0.75, 0.5, 0.5), 2).shape).toBe('probabilities');
    expect(profileTargets(Float32Array.of(0.25, 0.5), 2).shape).toBe('real');
    const real = profileTargets(Float32Array.of(3, -2, 12.5), 1);
    expect(real).toMatchObject({ shape: 'real', width: 1, min: -2, max: 12.5 });
    expect(describeTargets(real)).toBe('real values from −2 to 12.5');
  });

  it('keeps the first target that breaks each rule a loss may need', () => {
    const { firsts } = profileTargets(Float32Array.of(2, 0, -0.5, -1, 0), 1);
    expect(firsts).toEqual({
      zero: { index: 1, value: 0 },
      'at-or-below-minus-one': { index: 3, value: -1 },
      'outside-unit': { index: 0, value: 2 },
      negative: { index: 2, value: -0.5 },
    });
  });
});

describe('profileTargetProblem', () => {
  it('flags MAPE on a regression target that is 0, in the engine’s words', () => {
    const targets = Float32Array.of(4, 7, 0, 3);
    const why = profileTargetProblem('mape', profileTargets(targets, 2));
    expect(why).toMatch(/MAPE divides by each target value, and target #2 is 0/);
    expect(why).toBe(lossTargetProblem('mape', targets));
  });

  it('ignores a bad target past the rows a training limit keeps', () => {
    const profile = profileTargets(Float32Array.of(4, 7, 0, 3), 2);
    expect(profileTargetProblem('mape', profile, 1)).toBeNull();
    expect(profileTargetProblem('mape', profile, 2)).not.toBeNull();
  });

  it('agrees with lossTargetProblem for every loss, on random targets and limits', () => {
    const rng = new Rng(7);
    const pool = [0, 1, -1, -2, 0.5, 2, 1.5, -0.25, 3.75];
    for (let trial = 0; trial < 300; trial++) {
      const width = 1 + Math.floor(rng.uniform() * 3);
      const rows = 1 + Math.floor(rng.uniform() * 6);
      const targets = Float32Array.from({ length: width * rows }, () => pool[rng.int(pool.length)]!);
      const limit = rng.uniform() < 0.5 ? undefined : 1 + Math.floor(rng.uniform() * rows);
      const profile = profileTargets(targets, width);
      const kept = limit === undefined ? targets : targets.subarray(0, limit * width);
      for (const loss of LOSSES)
        expect(profileTargetProblem(loss, profile, limit), `${loss} on ${[...targets]} limit ${limit}`).toBe(lossTargetProblem(loss, kept));
    }
  });
});
