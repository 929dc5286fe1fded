// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import RunsPanel from '@renderer/components/train/RunsPanel.vue';
import RunProgress from '@renderer/components/train/RunProgress.vue';
import { computeLine, describeCompute, diffCompute } from '@renderer/model/train/compute-facts';
import { useRunsStore } from '@renderer/stores/runs';
import type { RunSummary } from '@core/lab/contract';
import { installFakeLab, labEvents } from '../fake-lab';
import { epochReport, runVerbs, summary } from './fixtures';

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

async function panel(runs: RunSummary[]) {
  installFakeLab({ ...runVerbs(runs), onEvent: labEvents().onEvent });
  const store = useRunsStore();
  await store.load();
  wrapper = mount(RunsPanel, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { store, wrapper };
}

describe('compute facts: kernels and threads, apart from the hyperparameters', () => {
  it('describes a run in a line, and as fields to compare', () => {
    expect(computeLine({ backend: 'wasm', threads: 2 })).toBe('wasm SIMD · 2 threads');
    expect(computeLine({ backend: 'js', threads: 1 })).toBe('js · 1 thread');
    expect(computeLine({})).toBeNull();
    expect(describeCompute({ backend: 'wasm', threads: 2, threadsSetting: 'auto' }).map((f) => f.value)).toEqual(['wasm SIMD', '2 (Auto)']);
    expect(describeCompute({ backend: 'wasm', threads: 2, threadsSetting: 2 }).map((f) => f.value)).toEqual(['wasm SIMD', '2 (set)']);
    expect(describeCompute({}).map((f) => f.value)).toEqual(['—', '—']);
    const diff = diffCompute({ backend: 'wasm', threads: 2 }, [
      { backend: 'wasm', threads: 1 },
      { backend: 'js', threads: 1 },
    ]);
    expect(diff.map((d) => [d.key, d.others])).toEqual([
      ['kernels', ['js']],
      ['threads', ['1 (Auto)']],
    ]);
  });

  it('the run list shows each run’s kernels and threads as a tag of their own', async () => {
    const { wrapper } = await panel([
      summary('a', { status: 'finished', backend: 'wasm', threads: 2, threadsSetting: 2 }),
      summary('bb', { status: 'queued' }),
    ]);
    const facts = wrapper.get('[data-testid="run-a"] [data-testid="run-compute"]');
    expect(facts.text()).toBe('wasm SIMD · 2 threads');
    expect(facts.attributes('title')).toMatch(/Kernels are the small routines/);
    // Not among the hyperparameter lines.
    expect(facts.classes()).toContain('compute');
    expect(
      wrapper
        .get('[data-testid="run-a"]')
        .findAll('.line2')
        .map((l) => l.text())
        .join(' '),
    ).not.toMatch(/SIMD|thread/);
    // A queued run has not computed anything yet.
    expect(wrapper.find('[data-testid="run-bb"] [data-testid="run-compute"]').exists()).toBe(false);
  });

  it('hover-to-compare lists kernels and threads under Compute, with the other runs’ values where they differ', async () => {
    const { store, wrapper } = await panel([
      summary('a', { status: 'finished', backend: 'wasm', threads: 2, threadsSetting: 2 }),
      summary('bb', { status: 'finished', backend: 'wasm', threads: 1 }),
    ]);
    store.hover('a');
    await flushPromises();
    const diff = wrapper.get('[data-testid="run-diff"]');
    expect(diff.text()).toContain('Same settings as the other runs.');
    const compute = diff.get('[data-testid="run-diff-compute"]');
    expect(compute.get('[data-testid="diff-kernels"]').text()).toBe('Kernelswasm SIMD');
    expect(compute.get('[data-testid="diff-threads"] .mine').text()).toBe('2 (set)');
    expect(compute.get('[data-testid="diff-threads"] .theirs').text()).toBe('1 (Auto)');
    // The hyperparameter table stays about what the run learns.
    expect(diff.find('table:not([data-testid="run-diff-compute"]) [data-testid="diff-threads"]').exists()).toBe(false);
  });
});

describe('RunProgress: what kernels and threads are', () => {
  it('explains kernels, wasm SIMD, js and threads on hover, in plain words', async () => {
    const events = labEvents();
    installFakeLab({ ...runVerbs([summary('a', { status: 'running', backend: 'wasm', threads: 2 })]), onEvent: events.onEvent });
    const store = useRunsStore();
    store.connect();
    await store.load();
    wrapper = mount(RunProgress, { global: { plugins: [pinia] } });
    events.emit({
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 1,
      batchesPerEpoch: 10,
      samplesPerSecond: 100,
      learningRate: 3,
      points: [],
      gradientNorms: [],
      backend: 'wasm',
      threads: 2,
    });
    await flushPromises();
    const stat = wrapper.get('[data-testid="progress-backend"]').element.parentElement!;
    const title = stat.getAttribute('title')!;
    expect(title).toMatch(/Kernels are the small routines .* matrix products/);
    expect(title).toMatch(/wasm SIMD is the fast backend: WebAssembly/);
    expect(title).toMatch(/js is the same maths in plain TypeScript/);
    expect(title).toMatch(/Threads: how many threads share out each batch/);
    // The label says it can be hovered.
    expect(stat.querySelector('em')!.classList).toContain('explained');
  });
});

describe('hover-to-compare: one difference, one row', () => {
  it('runs that differ only in epochs differ in Epochs, not also in Stop', async () => {
    const base = summary('a', { status: 'finished' });
    const { store, wrapper } = await panel([base, summary('bb', { status: 'finished', settings: { ...base.settings, epochs: 2 } })]);
    store.hover('a');
    await flushPromises();
    expect(store.hoverDiff.map((d) => d.key)).toEqual(['epochs']);
    expect(wrapper.find('[data-testid="diff-stop"]').exists()).toBe(false);
  });
});

describe('the best epoch in the run list', () => {
  it('says it is picked on validation and gives the test accuracy at that epoch apart; without validation it says test', async () => {
    const { wrapper } = await panel([
      summary('v', {
        status: 'finished',
        history: [
          epochReport(1, { validationAccuracy: 0.9, testAccuracy: 0.88 }),
          epochReport(2, { validationAccuracy: 0.95, testAccuracy: 0.93 }),
          epochReport(3, { validationAccuracy: 0.94, testAccuracy: 0.96 }),
        ],
      }),
      summary('t', {
        status: 'finished',
        history: [epochReport(1, { validationAccuracy: undefined, validationLoss: undefined, testAccuracy: 0.91 })],
      }),
    ]);
    const best = (id: string) => wrapper.get(`[data-testid="run-${id}"] .best`);
    // Epoch 2 is the best on validation; its test accuracy is shown, not epoch 3's higher one.
    expect(best('v').text()).toMatch(/^best validation 95(\.0)? % · test 93(\.0)? %$/);
    expect(best('v').attributes('title')).toMatch(/picked on the validation set/);
    expect(best('t').text()).toMatch(/^best test 91(\.0)? %$/);
  });
});
