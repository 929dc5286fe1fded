// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import CheckpointsControl from '@renderer/components/train/CheckpointsControl.vue';
import TrainToolbar from '@renderer/components/train/TrainToolbar.vue';
import RunItem from '@renderer/components/train/RunItem.vue';
import { startRunSchema } from '@core/lab/schemas';
import { COMPUTE_KEY, loadCheckpoints, useComputeStore } from '@renderer/stores/compute';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useDesignStore } from '@renderer/stores/design';
import { useRunsStore } from '@renderer/stores/runs';
import { designerVerbs } from '../design/fixtures';
import { installFakeLab } from '../fake-lab';
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

describe('compute store: the checkpoint setting', () => {
  it('defaults to auto, and remembers a choice across app starts beside the threads', () => {
    expect(useComputeStore().checkpoints).toEqual({ kind: 'auto' });
    useComputeStore().setThreads(2);
    useComputeStore().setCheckpoints({ kind: 'every-n', n: 4 });
    setActivePinia(createPinia());
    expect(useComputeStore().checkpoints).toEqual({ kind: 'every-n', n: 4 });
    expect(useComputeStore().threads).toBe(2);
    expect(JSON.parse(localStorage.getItem(COMPUTE_KEY)!)).toEqual({ threads: 2, checkpoints: { kind: 'every-n', n: 4 } });
  });

  it('reads back only what the contract accepts (storage is untrusted)', () => {
    const stored = (text: string) => loadCheckpoints({ getItem: (key) => (key === COMPUTE_KEY ? text : null) });
    expect(stored('{"checkpoints":{"kind":"every"}}')).toEqual({ kind: 'every' });
    expect(stored('{"threads":2,"checkpoints":{"kind":"every-n","n":7}}')).toEqual({ kind: 'every-n', n: 7 });
    // A store written before checkpoints were remembered holds only the threads.
    expect(stored('{"threads":2}')).toEqual({ kind: 'auto' });
    for (const bad of [
      '{"checkpoints":{"kind":"every-n"}}',
      '{"checkpoints":{"kind":"every-n","n":0}}',
      '{"checkpoints":{"kind":"every-n","n":2.5}}',
      '{"checkpoints":{"kind":"sometimes"}}',
      '{"checkpoints":{"kind":"every","n":3}}',
      '{"checkpoints":"every"}',
      'null',
      'not json',
    ])
      expect(stored(bad)).toEqual({ kind: 'auto' });
    expect(loadCheckpoints(null)).toEqual({ kind: 'auto' });
  });

  it('ignores values the service would refuse', () => {
    const store = useComputeStore();
    store.setCheckpoints({ kind: 'every-n', n: 5 });
    store.setCheckpoints({ kind: 'every-n', n: 0 });
    store.setCheckpoints({ kind: 'every-n', n: 100_001 });
    expect(store.checkpoints).toEqual({ kind: 'every-n', n: 5 });
  });
});

describe('CheckpointsControl', () => {
  it('shows the remembered setting when the window opens', async () => {
    installFakeLab(designerVerbs());
    localStorage.setItem(COMPUTE_KEY, JSON.stringify({ threads: 'auto', checkpoints: { kind: 'every-n', n: 3 } }));
    wrapper = mount(CheckpointsControl, { global: { plugins: [pinia] } });
    expect(wrapper.get<HTMLSelectElement>('[data-testid="checkpoints-select"]').element.value).toBe('every-n');
    expect(wrapper.get<HTMLInputElement>('[data-testid="checkpoints-n"]').element.value).toBe('3');
    expect(wrapper.get('[data-testid="checkpoints-hint"]').text()).toMatch(/^Keeps every 3 epochs · ≈/);
  });

  it('says what each choice keeps and the disk it takes for the design, and warns past the bound', async () => {
    installFakeLab(designerVerbs());
    const design = useDesignStore();
    wrapper = mount(CheckpointsControl, { global: { plugins: [pinia] } });
    const select = wrapper.get<HTMLSelectElement>('[data-testid="checkpoints-select"]');
    const hint = () => wrapper!.get('[data-testid="checkpoints-hint"]').text();
    expect(select.element.value).toBe('auto');
    expect(hint()).toMatch(/^Auto keeps (every epoch|the best and the last epoch) · ≈ [\d.]+ MB$/);

    await select.setValue('every');
    expect(useComputeStore().checkpoints).toEqual({ kind: 'every' });
    expect(hint()).toMatch(/^Keeps every epoch · ≈ [\d.]+ (MB|GB)$/);

    await select.setValue('every-n');
    expect(useComputeStore().checkpoints).toEqual({ kind: 'every-n', n: 10 });
    await wrapper.get('[data-testid="checkpoints-n"]').setValue('5');
    expect(useComputeStore().checkpoints).toEqual({ kind: 'every-n', n: 5 });
    expect(hint()).toMatch(/^Keeps every 5 epochs · ≈/);

    await select.setValue('every');
    design.design.settings.epochs = 100_000;
    await flushPromises();
    expect(wrapper.get('[data-testid="checkpoints-problem"]').text()).toMatch(
      /would need about [\d.]+ GB of disk.*Keep every \d+ epochs instead/,
    );

    await select.setValue('best-and-last');
    expect(wrapper.find('[data-testid="checkpoints-problem"]').exists()).toBe(false);
  });
});

describe('TrainToolbar: a new run carries the checkpoint setting', () => {
  it('sends the chosen setting in a request the main process accepts', async () => {
    const lab = installFakeLab(designerVerbs());
    lab.startRun = vi.fn(async (request) => summary('started', { spec: request.spec, settings: request.settings, status: 'queued' }));
    await useDatasetsStore().load();
    useComputeStore().setCheckpoints({ kind: 'every-n', n: 3 });
    wrapper = mount(TrainToolbar, { global: { plugins: [pinia] } });
    await flushPromises();
    await wrapper.get('[data-testid="train-start"]').trigger('click');
    await flushPromises();
    const request = vi.mocked(lab.startRun).mock.calls[0]![0];
    expect(request.checkpoints).toEqual({ kind: 'every-n', n: 3 });
    expect(startRunSchema.safeParse(request).success).toBe(true);
  });
});

describe('RunItem: the run card says what it keeps', () => {
  it('names the policy, and that auto chose it', async () => {
    installFakeLab(
      runVerbs([
        summary('a', { status: 'finished', checkpointPolicy: { setting: { kind: 'auto' }, policy: { kind: 'every' } } }),
        summary('b', { status: 'finished', checkpointPolicy: { setting: { kind: 'every-n', n: 5 }, policy: { kind: 'every-n', n: 5 } } }),
        summary('c', { status: 'finished' }),
      ]),
    );
    const store = useRunsStore();
    await store.load();
    const card = (id: string) => mount(RunItem, { props: { run: store.runs.find((r) => r.id === id)! }, global: { plugins: [pinia] } });
    expect(card('a').get('[data-testid="run-checkpoints"]').text()).toBe('keeps every epoch (auto)');
    expect(card('b').get('[data-testid="run-checkpoints"]').text()).toBe('keeps every 5 epochs');
    expect(card('c').find('[data-testid="run-checkpoints"]').exists()).toBe(false);
  });
});
