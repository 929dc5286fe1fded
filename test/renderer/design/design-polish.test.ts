// @vitest-environment happy-dom
/**
 * The designer as a newcomer meets it: the explanation follows a preset, every layer has one name
 * (drawing, summary, problems, legends), the perceptron shows why it cannot learn and becomes
 * sigmoid in one click, and a run training elsewhere is shown with what editing here does to it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import DesignView from '@renderer/components/design/DesignView.vue';
import { useAppStore } from '@renderer/stores/app';
import { useDesignStore } from '@renderer/stores/design';
import { useRunsStore, type RunState } from '@renderer/stores/runs';
import { layerLegend } from '@renderer/model/design/layers';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';

let wrapper: VueWrapper;
let pinia: Pinia;

async function mountDesigner() {
  installFakeLab(designerVerbs());
  wrapper = mount(DesignView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return useDesignStore();
}

const text = (testid: string): string => wrapper.get(`[data-testid="${testid}"]`).text();
async function pickPreset(name: string): Promise<void> {
  await wrapper.get('[data-testid="preset-select"]').setValue(name);
  await flushPromises();
}

beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => wrapper.unmount());

describe('the designer, polished', () => {
  it('explains the preset just loaded, not the topic shown before it', async () => {
    await mountDesigner();
    await wrapper.get('input[aria-label="Units in layer 2"]').trigger('focus');
    expect(text('explain-title')).toBe('Units in a layer');
    await pickPreset('chapter-6');
    expect(text('explain-title')).toBe('Nielsen’s chapter-6 CNN');
    await pickPreset('modern');
    expect(text('explain-title')).toBe('A modern network');
    expect(text('explain-panel')).toContain('Adam');
  });

  it('names each layer once: the drawing, the summary, the problems and the Train legends agree', async () => {
    const store = await mountDesigner();
    await pickPreset('chapter-6');
    const titles = wrapper.findAll('[data-testid="network-diagram"] text.title').map((t) => t.text());
    expect(titles).toEqual(['input 1', 'conv 2', 'pool 3', 'dense 4', 'dense 5']);
    expect(store.spec.layers.map((_, i) => layerLegend(store.spec, i).split(' · ')[0])).toEqual(titles.slice(1));
    const summary = text('param-summary');
    for (const name of titles) expect(summary).toContain(name);
    // A problem is labelled with the same name.
    store.setLayerNumber(0, 'kernel', 30);
    await flushPromises();
    expect(text('problem-summary')).toContain('Conv 2 kernel');
    // Clicking a layer in the drawing says which layer the explanation is about.
    await wrapper.get('[data-testid="network-diagram"] [data-layer="4"]').trigger('click');
    expect(text('explain-layer')).toBe('About dense 4 of your network');
    // A fully connected network keeps Nielsen's "layer l".
    await pickPreset('network.py');
    expect(wrapper.findAll('[data-testid="network-diagram"] text.title').map((t) => t.text())).toEqual(['layer 1', 'layer 2', 'layer 3']);
  });

  it('shows the perceptron’s zero gradient beside a sigmoid neuron that descends, and makes the network sigmoid in one click (undoable)', async () => {
    const store = await mountDesigner();
    expect(wrapper.find('[data-testid="step-why"]').exists()).toBe(false);
    await pickPreset('perceptron');
    expect(text('step-why-step')).toContain('∂C/∂w = 0');
    expect(text('step-why-step')).toContain('w has not moved');
    expect(text('step-why-sigmoid')).toMatch(/∂C\/∂w = −0\.\d+/);
    expect(text('step-why-sigmoid')).toContain('the cost fell from');
    expect(store.canTrain).toBe(false);

    await wrapper.get('[data-testid="step-to-sigmoid"]').trigger('click');
    expect(store.design.spec.layers[0]).toMatchObject({ activation: 'sigmoid' });
    expect(store.canTrain).toBe(true);
    expect(text('step-why-switched')).toContain('layer 2 now uses sigmoid');
    expect(text('explain-title')).toBe('Sigmoid');
    await wrapper.get('[data-testid="step-why-train"]').trigger('click');
    expect(useAppStore().tab).toBe('train');

    store.undo();
    await flushPromises();
    expect(store.design.spec.layers[0]).toMatchObject({ activation: 'step' });
    expect(wrapper.find('[data-testid="step-to-sigmoid"]').exists()).toBe(true);
  });

  it('shows the run that trains, its epoch and what editing the design does, with a way to Train', async () => {
    await mountDesigner();
    expect(wrapper.find('[data-testid="design-training"]').exists()).toBe(false);
    const runs = useRunsStore();
    const run = {
      id: 'r1',
      number: 4,
      name: '784-30-10 sgd η=3',
      createdAt: '2026-12-02T10:00:00.000Z',
      spec: useDesignStore().spec,
      settings: { ...DEFAULT_TRAIN_SETTINGS, epochs: 30 },
      datasetId: 'mnist',
      scaling: 'min-max',
      status: 'running',
      history: [],
      progress: { epoch: 3, batch: 10, batchesPerEpoch: 5000, samplesPerSecond: 1000, learningRate: 3 },
      nonFinite: null,
      colour: 0,
    } as RunState;
    runs.runs = [run];
    await flushPromises();
    expect(text('design-training')).toContain('#4 784-30-10 sgd η=3');
    expect(text('design-training-state')).toBe('training · epoch 3 / 30');
    expect(text('design-training')).toContain('Editing the design does not change it');
    await wrapper.get('[data-testid="design-training-open"]').trigger('click');
    expect(useAppStore().tab).toBe('train');
    expect(runs.focusedId).toBe('r1');
    runs.runs = [{ ...run, status: 'finished' }];
    await flushPromises();
    expect(wrapper.find('[data-testid="design-training"]').exists()).toBe(false);
  });
});
