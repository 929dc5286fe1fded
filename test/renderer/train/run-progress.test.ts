// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import RunProgress from '@renderer/components/train/RunProgress.vue';
import { useRunsStore } from '@renderer/stores/runs';
import type { RunEvent } from '@core/lab/contract';
import { installFakeLab, labEvents, type LabEvents } from '../fake-lab';
import { runVerbs, summary } from './fixtures';

let wrapper: VueWrapper | undefined;
let pinia: Pinia;
let events: LabEvents;

const progress = (extra: Partial<Extract<RunEvent, { type: 'progress' }>> = {}): RunEvent => ({
  type: 'progress',
  runId: 'a',
  epoch: 1,
  batch: 10,
  batchesPerEpoch: 100,
  samplesPerSecond: 5000,
  learningRate: 3,
  points: [{ step: 10, loss: 0.5 }],
  gradientNorms: [0.1, 0.2],
  ...extra,
});

async function mounted(runs = [summary('a', { status: 'running' })]) {
  events = labEvents();
  installFakeLab({ ...runVerbs(runs), onEvent: events.onEvent });
  const store = useRunsStore();
  store.connect();
  await store.load();
  wrapper = mount(RunProgress, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { store, wrapper };
}

describe('RunProgress: the kernels a run trains with', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('shows the backend the progress reports', async () => {
    const { store, wrapper } = await mounted();
    events.emit(progress({ backend: 'wasm' }));
    await flushPromises();
    expect(store.focused?.backend).toBe('wasm');
    expect(wrapper.get('[data-testid="progress-backend"]').text()).toBe('wasm SIMD');
  });

  it('shows js, with the reason as its tooltip, when the run fell back from wasm', async () => {
    const { wrapper } = await mounted([
      summary('a', { status: 'running', backend: 'js', backendNote: 'the wasm backend cannot run (no SIMD)' }),
    ]);
    events.emit(progress());
    await flushPromises();
    const backend = wrapper.get('[data-testid="progress-backend"]');
    expect(backend.text()).toBe('js');
    expect(backend.element.parentElement!.getAttribute('title')).toContain('no SIMD');
  });

  it('shows nothing about kernels for a run that never said (an older run)', async () => {
    const { wrapper } = await mounted();
    events.emit(progress());
    await flushPromises();
    expect(wrapper.find('[data-testid="progress-backend"]').exists()).toBe(false);
  });

  it('says the data is loading between Train and the first batch, then shows the progress', async () => {
    const { wrapper } = await mounted();
    expect(wrapper.get('[data-testid="progress-loading"]').text()).toMatch(/loading the data and building the network/);
    expect(wrapper.get('[aria-busy="true"]').attributes('role')).toBe('progressbar');
    events.emit(progress());
    await flushPromises();
    expect(wrapper.find('[data-testid="progress-loading"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="progress-epoch"]').text()).toBe('1 / 30');
  });
});
