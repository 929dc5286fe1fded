// @vitest-environment happy-dom
/**
 * A run started from a model file shows the scaling it trains with (the file's, or the one chosen
 * when the file did not say), not the design's; a run from random weights shows the design's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import RunItem from '@renderer/components/train/RunItem.vue';
import { describeRun, diffRun, runScaling } from '@renderer/model/train/run-diff';
import { useRunsStore } from '@renderer/stores/runs';
import { installFakeLab } from '../fake-lab';
import { runVerbs, summary } from './fixtures';

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

const zScore = { kind: 'z-score' as const, per: 'global' as const, mean: [33.3], std: [78.5] };

describe("A run's input scaling", () => {
  it("is the file's or the chosen one for a run from a model file, the design's otherwise", () => {
    const fresh = summary('a', { scaling: 'min-max' });
    const fromFile = summary('b', {
      scaling: 'min-max',
      startedFrom: { name: 'm.fathom.json', format: 'fathom', choice: 'file', scaling: zScore },
    });
    const pixels = summary('c', {
      scaling: 'z-score',
      startedFrom: { name: 'n.onnx', format: 'onnx', choice: 'pixels', scaling: { kind: 'min-max', per: 'global', min: [0], max: [255] } },
    });
    const fitted = summary('d', { scaling: 'z-score', startedFrom: { name: 'n.onnx', format: 'onnx', choice: 'dataset' } });
    expect(runScaling(fresh)).toBe('min-max');
    expect(runScaling(fromFile)).toBe("z-score (the file's)");
    expect(runScaling(pixels)).toBe('0–1 pixels (÷ 255)');
    expect(runScaling(fitted)).toBe('z-score (fitted on the dataset)');
    const field = (run: typeof fresh, key: string) => describeRun(run).find((f) => f.key === key)!.value;
    expect(field(fromFile, 'scaling')).toBe("z-score (the file's)");
    expect(field(fromFile, 'init')).toBe('from m.fathom.json');
    // The comparison tells the two apart although their designs' scaling is the same.
    expect(diffRun(fromFile, [fresh]).map((d) => d.key)).toEqual(['scaling', 'init']);
  });

  it('shows on the card of a run from a model file', async () => {
    installFakeLab(
      runVerbs([
        summary('a', { status: 'finished' }),
        summary('b', {
          status: 'finished',
          scaling: 'min-max',
          startedFrom: { name: 'm.fathom.json', format: 'fathom', choice: 'file', scaling: zScore },
        }),
      ]),
    );
    const store = useRunsStore();
    await store.load();
    const card = (id: string) => mount(RunItem, { props: { run: store.runs.find((r) => r.id === id)! }, global: { plugins: [pinia] } });
    expect(card('b').get('[data-testid="run-started-from"]').text()).toBe("from m.fathom.json · scaling z-score (the file's)");
    expect(card('a').find('[data-testid="run-started-from"]').exists()).toBe(false);
  });
});
