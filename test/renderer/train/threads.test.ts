// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import ThreadsControl from '@renderer/components/train/ThreadsControl.vue';
import TrainToolbar from '@renderer/components/train/TrainToolbar.vue';
import RunProgress from '@renderer/components/train/RunProgress.vue';
import { startRunSchema } from '@core/lab/schemas';
import { COMPUTE_KEY, loadThreads, threadChoices, useComputeStore } from '@renderer/stores/compute';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useRunsStore } from '@renderer/stores/runs';
import { designerVerbs } from '../design/fixtures';
import { installFakeLab, labEvents } from '../fake-lab';
import { runVerbs, summary } from './fixtures';

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('compute store: the threads setting', () => {
  it('defaults to auto, and remembers a choice across app starts', () => {
    expect(useComputeStore().threads).toBe('auto');
    useComputeStore().setThreads(2);
    setActivePinia(createPinia());
    expect(useComputeStore().threads).toBe(2);
  });

  it('reads back only what the contract accepts (storage is untrusted)', () => {
    const stored = (text: string) => loadThreads({ getItem: (key) => (key === COMPUTE_KEY ? text : null) });
    expect(stored('{"threads":"auto"}')).toBe('auto');
    expect(stored('{"threads":4}')).toBe(4);
    for (const bad of ['{"threads":0}', '{"threads":99}', '{"threads":"2"}', 'not json', '{}']) expect(stored(bad)).toBe('auto');
    expect(loadThreads(null)).toBe('auto');
  });

  it('ignores values the service would refuse', () => {
    const store = useComputeStore();
    store.setThreads(3);
    store.setThreads(0);
    store.setThreads(17);
    expect(store.threads).toBe(3);
  });

  it('offers Auto and 1 … cores (at least 2), keeping a stored larger count', () => {
    expect(threadChoices(1, 'auto')).toEqual(['auto', 1, 2]);
    expect(threadChoices(4, 2)).toEqual(['auto', 1, 2, 3, 4]);
    expect(threadChoices(64, 'auto')).toHaveLength(17);
    expect(threadChoices(2, 8)).toEqual(['auto', 1, 2, 8]);
  });
});

describe('ThreadsControl', () => {
  it('shows Auto by default with its one-line explanation, and stores what the user picks', async () => {
    wrapper = mount(ThreadsControl, { global: { plugins: [pinia] } });
    const select = wrapper.get<HTMLSelectElement>('[data-testid="threads-select"]');
    expect(select.element.value).toBe('auto');
    expect(wrapper.get('[data-testid="threads-hint"]').text()).toMatch(/big batches/);
    expect(wrapper.attributes('title')).toMatch(/Auto decides/);
    await select.setValue('2');
    expect(useComputeStore().threads).toBe(2);
    expect(JSON.parse(localStorage.getItem(COMPUTE_KEY)!)).toEqual({ threads: 2, checkpoints: { kind: 'auto' } });
    await select.setValue('auto');
    expect(useComputeStore().threads).toBe('auto');
  });
});

describe('TrainToolbar: a new run carries the threads setting', () => {
  it('sends the chosen threads in a request the main process accepts', async () => {
    const lab = installFakeLab(designerVerbs());
    lab.startRun = vi.fn(async (request) => summary('started', { spec: request.spec, settings: request.settings, status: 'queued' }));
    await useDatasetsStore().load();
    useComputeStore().setThreads(2);
    wrapper = mount(TrainToolbar, { global: { plugins: [pinia] } });
    await flushPromises();
    await wrapper.get('[data-testid="train-start"]').trigger('click');
    await flushPromises();
    const request = vi.mocked(lab.startRun).mock.calls[0]![0];
    expect(request.threads).toBe(2);
    expect(startRunSchema.safeParse(request).success).toBe(true);
  });
});

describe('RunProgress: the threads a run trains with', () => {
  it('shows the count next to the kernels, from the progress events', async () => {
    const events = labEvents();
    installFakeLab({ ...runVerbs([summary('a', { status: 'running', threadsSetting: 2 })]), onEvent: events.onEvent });
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
    expect(store.focused?.threads).toBe(2);
    const threads = wrapper.get('[data-testid="progress-threads"]');
    expect(threads.text()).toBe('2');
    expect(threads.element.parentElement!.textContent!.trim()).toBe('· 2 threads');
    expect(threads.element.parentElement!.getAttribute('title')).toBe('Each batch is split across 2 threads.');
  });

  it('says when Auto chose one thread', async () => {
    installFakeLab({ ...runVerbs([summary('a', { status: 'running', backend: 'wasm', threads: 1 })]), onEvent: labEvents().onEvent });
    const store = useRunsStore();
    await store.load();
    store.focused!.progress = { epoch: 1, batch: 1, batchesPerEpoch: 10, samplesPerSecond: 100, learningRate: 3 };
    wrapper = mount(RunProgress, { global: { plugins: [pinia] } });
    await flushPromises();
    const threads = wrapper.get('[data-testid="progress-threads"]');
    expect(threads.element.parentElement!.textContent!.trim()).toBe('· 1 thread');
    expect(threads.element.parentElement!.getAttribute('title')).toBe(
      'One thread computes each batch. Chosen by Auto when the run started.',
    );
  });
});
