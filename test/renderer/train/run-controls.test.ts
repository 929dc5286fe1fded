// @vitest-environment happy-dom
/** Pause and Resume answer the click (or the menu) in the next frame, before the worker's new status comes back. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import RunControls from '@renderer/components/train/RunControls.vue';
import { useRunsStore } from '@renderer/stores/runs';
import type { LabApi } from '@core/lab/contract';
import { installFakeLab, labEvents, type LabEvents } from '../fake-lab';
import { runVerbs, summary } from './fixtures';

let wrapper: VueWrapper | undefined;
let events: LabEvents;

/** Run 'a' training; `pauseRun` answers as the test says. */
async function running(pauseRun: LabApi['pauseRun']) {
  events = labEvents();
  installFakeLab({ ...runVerbs([summary('a', { status: 'running' })]), pauseRun, onEvent: events.onEvent });
  const store = useRunsStore();
  store.connect();
  await store.load();
  wrapper = mount(RunControls, { props: { run: store.focused } });
  return store;
}

const button = (testid: string) => wrapper!.get(`[data-testid="${testid}"]`);

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('RunControls: Pause and Resume', () => {
  it('says "Pausing…" at once and takes no second click, then offers Resume once the run has paused', async () => {
    let answer: () => void = () => undefined;
    const store = await running(() => new Promise<void>((done) => (answer = done)));
    await button('run-pause').trigger('click');
    expect(button('run-pause').text()).toContain('Pausing…');
    expect(button('run-pause').attributes('disabled')).toBeDefined();
    expect(button('run-pause').attributes('aria-busy')).toBe('true');
    events.emit({ type: 'status', runId: 'a', status: 'paused' });
    answer();
    await flushPromises();
    await wrapper!.setProps({ run: store.focused });
    expect(button('run-resume').text()).toContain('Resume');
    expect(button('run-resume').attributes('disabled')).toBeUndefined();
  });

  it('says "Pausing…" when the pause comes from the menu too (the store holds what was asked)', async () => {
    const store = await running(() => new Promise<void>(() => undefined));
    void store.pause('a');
    await wrapper!.vm.$nextTick();
    expect(button('run-pause').text()).toContain('Pausing…');
  });

  it('gives Pause back when the service refuses (the notice says why)', async () => {
    await running(async () => {
      throw new Error('the run has ended');
    });
    await button('run-pause').trigger('click');
    await flushPromises();
    expect(button('run-pause').text()).toContain('Pause');
    expect(button('run-pause').text()).not.toContain('Pausing');
    expect(button('run-pause').attributes('disabled')).toBeUndefined();
  });
});
