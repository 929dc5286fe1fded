// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import ProblemBanner from '@renderer/components/train/ProblemBanner.vue';
import { useRunsStore } from '@renderer/stores/runs';
import type { LabApi, RunEvent } from '@core/lab/contract';
import { installFakeLab, labEvents, type LabEvents } from '../fake-lab';
import { epochReport, runVerbs, summary } from './fixtures';

let lab: LabApi;
let events: LabEvents;
let pinia: Pinia;
let wrapper: VueWrapper | undefined;

/** Batch losses over epochs 1…4 (100 batches each), the last ones huge, as before a blow-up. */
type Progress = Extract<RunEvent, { type: 'progress' }>;
const progress = (steps: number[]): Progress => ({
  type: 'progress',
  runId: 'a',
  epoch: 4,
  batch: 1,
  batchesPerEpoch: 100,
  samplesPerSecond: 5000,
  learningRate: 3,
  points: steps.map((step) => ({ step, loss: step > 390 ? 2.5e46 : 0.1 })),
  gradientNorms: [0.1, 0.1],
});

/** Run 'a' with four epochs, then a NaN pause in epoch 5. */
async function blownUp() {
  events = labEvents();
  lab = installFakeLab({
    ...runVerbs([summary('a', { status: 'running', history: [1, 2, 3, 4].map((e) => epochReport(e)) })]),
    onEvent: events.onEvent,
  });
  const store = useRunsStore();
  store.connect();
  await store.load();
  events.emit(progress([50, 150, 250, 350, 395]));
  events.emit({ type: 'non-finite', runId: 'a', detail: { what: 'loss', epoch: 5, batch: 3 } });
  events.emit({ type: 'status', runId: 'a', status: 'paused', message: 'Paused: the loss became NaN' });
  return store;
}

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('runs store: going back to a saved epoch', () => {
  it('asks the service, cuts the later epochs and their batch points, and keeps the base η (the new one comes as a record event)', async () => {
    const store = await blownUp();
    expect(await store.resumeFromEpoch('a', 2, 0.01)).toBe(true);
    expect(lab.resumeFromEpoch).toHaveBeenCalledWith({ runId: 'a', epoch: 2, learningRate: 0.01 });
    const run = store.focused!;
    expect(run.history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(run.settings.learningRate).toBe(3);
    expect(run.nonFinite).toBeNull();
    const s = store.seriesOf('a');
    expect(s.loss.map((p) => p.x)).toEqual([0.5, 1.5]);
    expect(s.epochs.trainLoss.map((p) => p.x)).toEqual([1, 2]);
    expect(store.notice).toEqual({ kind: 'info', text: 'Went back to epoch 2: training on at η = 0.01.' });
  });

  it('keeps the points and epochs of the new branch that arrive before the call returns, smoothed without the blown-up losses', async () => {
    const store = await blownUp();
    vi.mocked(lab.resumeFromEpoch).mockImplementationOnce(async () => {
      events.emit({
        ...progress([210, 220]),
        points: [
          { step: 210, loss: 0.2 },
          { step: 220, loss: 0.2 },
        ],
      });
      events.emit({ type: 'epoch', runId: 'a', report: epochReport(3, { trainLoss: 0.05 }) });
    });
    await store.resumeFromEpoch('a', 2, 0.01);
    expect(store.focused!.history.map((r) => [r.epoch, r.trainLoss])).toEqual([
      [1, 1],
      [2, 0.5],
      [3, 0.05],
    ]);
    const s = store.seriesOf('a');
    expect(s.loss.map((p) => p.x)).toEqual([0.5, 1.5, 2.1, 2.2]);
    expect(Math.max(...s.smooth.map((p) => p.y))).toBeLessThan(1);
  });

  it('shows the service refusal and changes nothing', async () => {
    const store = await blownUp();
    vi.mocked(lab.resumeFromEpoch).mockRejectedValueOnce(
      new Error('Run "run a" has no saved weights for epoch 7: it can go back to epoch 0, 2, 4 (0 = its initial weights).'),
    );
    expect(await store.resumeFromEpoch('a', 7, 0.01)).toBe(false);
    expect(store.notice).toEqual({
      kind: 'error',
      text: 'Could not go back to epoch 7: Run "run a" has no saved weights for epoch 7: it can go back to epoch 0, 2, 4 (0 = its initial weights).',
    });
    expect(store.focused!.history).toHaveLength(4);
    expect(store.seriesOf('a').loss.map((p) => p.x)).toEqual([0.5, 1.5, 2.5, 3.5, 3.95]);
    expect(store.focused!.settings.learningRate).toBe(3);
  });
});

describe('the NaN banner offers to go back to a healthy epoch', () => {
  async function banner() {
    const store = await blownUp();
    wrapper = mount(ProblemBanner, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    return { store, wrapper };
  }

  it("suggests the service's epoch and η/10, says why in plain words, and rolls back with the η typed", async () => {
    const { wrapper } = await banner();
    expect(lab.rollbackPoints).toHaveBeenCalledWith({ runId: 'a' });
    const select = wrapper.get<HTMLSelectElement>('[data-testid="rollback-epoch"]');
    expect(select.element.value).toBe('2');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['0 (initial weights)', '1', '2 — suggested']);
    expect(wrapper.get<HTMLInputElement>('[data-testid="rollback-eta"]').element.value).toBe('0.3');
    const why = wrapper.get('[data-testid="rollback-why"]').text();
    expect(why).toContain('The last weights before the blow-up are already huge (the last batch loss was 2.5×10⁴⁶)');
    expect(why).toContain('resuming from them usually blows up again, even with a much smaller η');
    expect(why).toContain('Going back to epoch 2, whose weights were still healthy');
    expect(wrapper.get('[data-testid="problem-rollback"]').text()).toBe('Lower η and resume from epoch 2');

    await wrapper.get('[data-testid="rollback-eta"]').setValue('0.01');
    await wrapper.get('[data-testid="rollback"]').trigger('submit');
    await flushPromises();
    expect(lab.resumeFromEpoch).toHaveBeenCalledWith({ runId: 'a', epoch: 2, learningRate: 0.01 });
  });

  it('can go back to the initial weights, and refuses an η that is not positive', async () => {
    const { wrapper } = await banner();
    await wrapper.get('[data-testid="rollback-epoch"]').setValue('0');
    expect(wrapper.get('[data-testid="problem-rollback"]').text()).toBe('Lower η and resume from epoch 0');
    expect(wrapper.get('[data-testid="rollback-why"]').text()).toContain(
      'Going back to the initial weights (epoch 0, re-made from the same seed)',
    );
    await wrapper.get('[data-testid="rollback-eta"]').setValue('0');
    expect(wrapper.get('[data-testid="problem-rollback"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="rollback"]').trigger('submit');
    expect(lab.resumeFromEpoch).not.toHaveBeenCalled();
  });

  it('is not offered while the run trains', async () => {
    const { store, wrapper } = await banner();
    events.emit({ type: 'status', runId: 'a', status: 'running' });
    await flushPromises();
    expect(store.explanation).toBeNull();
    expect(wrapper.find('[data-testid="rollback"]').exists()).toBe(false);
  });
});
