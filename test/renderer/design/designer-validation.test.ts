// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import DesignView from '@renderer/components/design/DesignView.vue';
import { useDesignStore } from '@renderer/stores/design';
import { installFakeLab } from '../fake-lab';
import { designerVerbs, MNIST } from './fixtures';
import type { DatasetInfo } from '@core/lab/contract';
import { profileTargets } from '@core/engine/target-profile';
import type { DenseLayerSpec } from '@core/engine/spec';

let wrapper: VueWrapper;
let pinia: Pinia;

async function mountDesigner() {
  wrapper = mount(DesignView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { store: useDesignStore(), wrapper };
}

/** The messages shown under the row of layer l (Nielsen's numbering: input = 1). */
const rowProblems = (l: number): string[] =>
  wrapper
    .findAll('[data-testid="layer-row"], [data-testid="input-row"]')
    [l - 1]!.findAll('[data-testid="field-problem"]')
    .map((p) => p.text());

const summary = (): string => wrapper.get('[data-testid="problem-summary"]').text();

beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
  installFakeLab(designerVerbs());
});
afterEach(() => wrapper.unmount());

describe('designer validation', () => {
  it('a valid network shows no problems and is ready to train', async () => {
    const { store } = await mountDesigner();
    expect(store.canTrain).toBe(true);
    expect(wrapper.findAll('[data-testid="field-problem"]')).toHaveLength(0);
    expect(wrapper.get('[data-testid="can-train"]').text()).toBe('Ready to train');
    expect(summary()).toContain('Ready to train');
  });

  it('a network too large to train (784-15000-15000-10, 784-100000-30000-10) says how many parameters and how much memory', async () => {
    const { store } = await mountDesigner();
    for (const [hidden, parameters, memory] of [
      [[15_000, 15_000], '236,940,010', /about \d\.\d GB of memory/],
      [[100_000, 30_000], '3,078,830,010', /about \d\d\.\d GB of memory/],
    ] as const) {
      store.design.spec.layers = [...hidden.map((units) => ({ units, activation: 'relu' as const })), { units: 10, activation: 'softmax' }];
      await flushPromises();
      expect(store.canTrain).toBe(false);
      const shown = wrapper
        .findAll('[data-testid="field-problem"]')
        .map((p) => p.text())
        .join(' ');
      expect(shown).toContain(`${parameters} weights and biases; Fathom trains at most 50,000,000`);
      expect(shown).toMatch(memory);
    }
  });

  it('softmax on a hidden layer is explained on that layer, and fixed with ReLU', async () => {
    const { store } = await mountDesigner();
    await wrapper.get('#f-layers-0-activation').setValue('softmax');
    expect(store.canTrain).toBe(false);
    expect(rowProblems(2).join(' ')).toMatch(/output layer only/);
    expect(rowProblems(3)).toEqual([]);
    expect(summary()).toMatch(/Layer 2 activation/);
    await wrapper.get('[data-testid="layer-row"] .fix').trigger('click');
    expect((store.design.spec.layers[0] as DenseLayerSpec).activation).toBe('relu');
    expect(store.canTrain).toBe(true);
  });

  it('the perceptron preset explains why step cannot learn and offers sigmoid', async () => {
    const { store } = await mountDesigner();
    await wrapper.get('[data-testid="preset-select"]').setValue('perceptron');
    expect(store.design.spec.layers).toEqual([{ units: 10, activation: 'step' }]);
    const messages = rowProblems(2).join(' ');
    expect(messages).toMatch(/derivative is zero/);
    expect(messages).toMatch(/sigmoid/);
    expect(wrapper.get('[data-testid="can-train"]').text()).toBe('1 problem');
    const fix = wrapper.get('[data-testid="layer-row"] .fix');
    expect(fix.text()).toBe('Use sigmoid');
    await fix.trigger('click');
    expect(store.canTrain).toBe(true);
  });

  it('a loss that does not fit the output activation is shown next to the loss', async () => {
    const { store } = await mountDesigner();
    await wrapper.get('#f-loss').setValue('cross-entropy');
    expect(store.canTrain).toBe(false);
    const field = wrapper.get('#f-loss').element.closest('.field')!;
    expect(field.textContent).toMatch(/softmax/);
    expect(wrapper.get('#f-loss').attributes('aria-invalid')).toBe('true');
    await wrapper.get('#f-layers-1-activation').setValue('linear');
    expect(store.canTrain).toBe(false);
    const fix = wrapper.findAll('.field .fix').find((b) => b.text() === 'Use a softmax output layer')!;
    await fix.trigger('click');
    expect((store.design.spec.layers[1] as DenseLayerSpec).activation).toBe('softmax');
    expect(store.canTrain).toBe(true);
  });

  it('an output layer that does not match the classes is flagged on the output row', async () => {
    const { store } = await mountDesigner();
    await wrapper.get('#f-layers-1-units').setValue('12');
    expect((store.design.spec.layers[1] as DenseLayerSpec).units).toBe(12);
    expect(rowProblems(3).join(' ')).toMatch(/10 target values .* 12 units/);
    await wrapper.get('[data-testid="layer-row"]:last-child .fix').trigger('click');
    expect((store.design.spec.layers[1] as DenseLayerSpec).units).toBe(10);
    expect(store.canTrain).toBe(true);
  });

  it('an input layer that does not match the 784 pixels is flagged on the input row', async () => {
    const { store } = await mountDesigner();
    await wrapper.get('#f-inputSize').setValue('100');
    expect(rowProblems(1).join(' ')).toMatch(/784 inputs per sample, but the input layer has 100/);
    expect(wrapper.get('#f-inputSize').attributes('aria-invalid')).toBe('true');
    const fix = wrapper.get('[data-testid="input-row"] .fix');
    expect(fix.text()).toBe('Set to 784');
    await fix.trigger('click');
    expect(store.canTrain).toBe(true);
  });

  it('lists every problem in the summary, and early stopping asks for a validation set', async () => {
    const { store } = await mountDesigner();
    // Validation is on by default: turn it off to see early stopping ask for it.
    await wrapper.get('[data-testid="validation"]').setValue(false);
    await wrapper.get('#f-inputSize').setValue('100');
    await wrapper.get('#f-stop').setValue('early-stopping');
    expect(store.problems.map((p) => p.field)).toEqual(['inputSize', 'stop']);
    expect(summary()).toMatch(/2 problems/);
    expect(wrapper.get('[data-testid="can-train"]').text()).toBe('2 problems');
    await wrapper.get('[data-testid="validation"]').setValue(true);
    expect(store.problems.map((p) => p.field)).toEqual(['inputSize']);
  });

  it('text that is not a number never reaches the design', async () => {
    const { store } = await mountDesigner();
    const input = wrapper.get('#f-learningRate');
    await input.setValue('0.5');
    expect(store.design.settings.learningRate).toBe(0.5);
    await input.setValue('0.5e');
    expect(store.design.settings.learningRate).toBe(0.5);
    expect(input.attributes('aria-invalid')).toBe('true');
    await input.trigger('blur');
    expect((input.element as HTMLInputElement).value).toBe('0.5');
  });
});

describe('designer view', () => {
  it('draws large layers condensed with their shapes in Nielsen’s notation and the parameter counts', async () => {
    await mountDesigner();
    const diagram = wrapper.get('[data-testid="network-diagram"]').text();
    expect(diagram).toContain('… 784 units');
    expect(diagram).toContain('w² : 30 × 784');
    expect(diagram).toContain('b² : 30');
    expect(diagram).toContain('w³ : 10 × 30');
    expect(diagram).toContain('23,550 params');
    expect(wrapper.findAll('[data-testid="network-diagram"] circle')).toHaveLength(8 + 8 + 10);
    expect(wrapper.get('[data-testid="total-params"]').text()).toBe('23,860');
  });

  it('redraws as layers are added and removed', async () => {
    await mountDesigner();
    await wrapper.get('[data-testid="add-layer"]').trigger('click');
    expect(wrapper.get('[data-testid="network-diagram"]').text()).toContain('w⁴ : 10 × 30');
    expect(wrapper.findAll('[data-testid="layer-row"]')).toHaveLength(3);
    await wrapper.get('[aria-label="Remove layer 3"]').trigger('click');
    expect(wrapper.findAll('[data-testid="layer-row"]')).toHaveLength(2);
  });

  it('names the kind of descent from the batch size and the training set', async () => {
    const { store } = await mountDesigner();
    const kind = () => wrapper.get('[data-testid="descent-kind"]').text();
    // Nielsen's split is on by default: 50,000 training images, 5,000 batches of 10.
    expect(kind()).toMatch(/^mini-batch descent · 5,000 updates/);
    await wrapper.get('#f-batchSize').setValue('1');
    expect(kind()).toMatch(/^stochastic/);
    await wrapper.get('#f-batchSize').setValue('60000');
    expect(kind()).toMatch(/^batch descent · 1 updates/);
    store.setTrainLimit(100);
    await flushPromises();
    expect(kind()).toMatch(/^batch/);
  });

  it('explains the focused choice, with the activation and its derivative plotted', async () => {
    await mountDesigner();
    await wrapper.get('#f-layers-0-activation').trigger('focus');
    const panel = () => wrapper.get('[data-testid="explain-panel"]');
    expect(panel().get('[data-testid="explain-title"]').text()).toBe('Sigmoid');
    expect(panel().findAll('figure svg path')).toHaveLength(2);
    await wrapper.get('#f-layers-0-activation').setValue('tanh');
    expect(panel().get('[data-testid="explain-title"]').text()).toBe('tanh');
    await wrapper.get('#f-batchSize').trigger('focusin');
    expect(panel().text()).toMatch(/mini-batch descent, 5,000 weight updates per epoch/);
    await wrapper.get('#f-scaling').trigger('focusin');
    expect(panel().get('[data-testid="explain-title"]').text()).toMatch(/Min-max/);
  });

  it('undoes and redoes with Ctrl+Z and Ctrl+Shift+Z', async () => {
    const { store } = await mountDesigner();
    store.setLoss('mae');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
    expect(store.design.spec.loss).toBe('quadratic');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Z', ctrlKey: true, shiftKey: true }));
    expect(store.design.spec.loss).toBe('mae');
    await wrapper.setProps({ active: false });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
    expect(store.design.spec.loss).toBe('mae');
  });

  it('shows the dataset and its sample images with labels', async () => {
    await mountDesigner();
    expect(wrapper.text()).toContain('28 × 28 · 10 classes · 60,000 train / 10,000 test');
    const grid = wrapper.get('[data-testid="sample-grid"]');
    expect(grid.findAll('canvas')).toHaveLength(16);
    expect(grid.findAll('figcaption')[3]!.text()).toBe('3');
  });

  it('flags a loss the chosen dataset’s targets cannot use, before Train is pressed', async () => {
    // A regression table imported from the library: one target column, and row 3 is 0.
    const rents: DatasetInfo = {
      id: 'rents',
      name: 'Office rents',
      kind: 'regression',
      inputShape: [2],
      classes: ['rent'],
      sizes: { train: 4, validation: 0, test: 1 },
      builtIn: false,
      targets: profileTargets(Float32Array.of(12, 30.5, 18, 0), 1),
    };
    installFakeLab(designerVerbs([MNIST, rents]));
    const { store } = await mountDesigner();
    await wrapper.get('#f-datasetId').setValue('rents');
    expect(wrapper.get('[data-testid="dataset-targets"]').text()).toBe('Targets: real values from 0 to 30.5');
    // A table's inputs are its columns, not pixels.
    expect(wrapper.text()).toContain('2 input columns · regression of rent · 4 train / 1 test');
    expect(wrapper.get('[data-testid="input-row"]').text()).toContain('one per input column (2)');
    await wrapper.get('#f-epochs').trigger('focusin');
    expect(wrapper.get('[data-testid="explain-panel"]').text()).toMatch(
      /epochs × 1 update \(4 rows in batches of 4\) = \d+ weight updates/,
    );
    await wrapper.get('#f-loss').setValue('mape');
    const field = wrapper.get('#f-loss').element.closest('.field')!;
    expect(field.textContent).toMatch(/MAPE divides by each target value, and target #3 is 0/);
    expect(store.canTrain).toBe(false);
    // Training on the first 3 rows only never meets the 0.
    store.setTrainLimit(3);
    await flushPromises();
    expect(wrapper.get('#f-loss').element.closest('.field')!.textContent).not.toMatch(/MAPE divides/);
    store.setTrainLimit(undefined);
    await wrapper.get('#f-loss').setValue('binary-cross-entropy');
    expect(wrapper.get('#f-loss').element.closest('.field')!.textContent).toMatch(
      /Binary cross-entropy needs targets between 0 and 1, but target #0 is 12/,
    );
  });
});
