// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { LabApi } from '@core/lab/contract';
import EpochSlider from '@renderer/components/inspect/weights/EpochSlider.vue';
import { useModelsStore } from '@renderer/stores/models';
import { installFakeLab } from '../fake-lab';
import { inspectVerbs, modelSummary } from './fixtures';

let wrapper: VueWrapper;
let lab: LabApi;

function setUp(checkpoints: number[]): void {
  const verbs = inspectVerbs();
  lab = installFakeLab({
    ...verbs,
    openRunModel: async (r) =>
      modelSummary('run-model', { source: { kind: 'run', runId: r.runId, runName: 'run', checkpoint: 'latest' }, checkpoints }),
  });
  wrapper = mount(EpochSlider, { attachTo: document.body });
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => wrapper.unmount());

const label = () => wrapper.get('[data-testid="weights-epoch-label"]').text();

describe("Inspect's epoch slider", () => {
  it('starts at epoch 0, the initial weights, when the run kept them, and names the epoch shown', async () => {
    setUp([0, 1, 2, 3]);
    const models = useModelsStore();
    await models.openRun('r');
    await flushPromises();
    const slider = wrapper.get<HTMLInputElement>('[data-testid="weights-epoch"]');
    expect(slider.attributes('max')).toBe('3');
    expect(slider.element.value).toBe('3');
    expect(label()).toBe('after epoch 3 of 3');

    await slider.setValue('0');
    await flushPromises();
    expect(models.epoch).toBe(0);
    expect(lab.getWeights).toHaveBeenLastCalledWith({ modelId: 'run-model', layer: 2, epoch: 0 });
    expect(models.layers.every((w) => w.epoch === 0)).toBe(true);
    expect(label()).toBe('initial weights of 3');

    await slider.setValue('1');
    await flushPromises();
    expect(label()).toBe('after epoch 1 of 3');
  });

  it('without epoch 0 the first stop is the first epoch', async () => {
    setUp([1, 2, 3]);
    const models = useModelsStore();
    await models.openRun('r');
    await flushPromises();
    await wrapper.get('[data-testid="weights-epoch"]').setValue('0');
    await flushPromises();
    expect(models.epoch).toBe(1);
    expect(label()).toBe('after epoch 1 of 3');
  });

  it('with one checkpoint, points at the checkpoint setting in Train', async () => {
    setUp([3]);
    const models = useModelsStore();
    await models.openRun('r');
    await flushPromises();
    expect(wrapper.find('[data-testid="weights-epoch"]').exists()).toBe(false);
    const note = wrapper.get('[data-testid="weights-one-checkpoint"]').text();
    expect(note).toContain('This run kept one checkpoint (after epoch 3).');
    expect(note).toContain("checkpoint setting (in Train's settings) keeps every epoch");

    await models.openFile();
    await flushPromises();
    expect(wrapper.get('[data-testid="weights-one-checkpoint"]').text()).toContain(
      'A model file holds one set of weights (after epoch 3).',
    );
  });
});
