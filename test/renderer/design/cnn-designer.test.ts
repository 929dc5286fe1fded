// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import DesignView from '@renderer/components/design/DesignView.vue';
import { useDesignStore } from '@renderer/stores/design';
import type { DatasetInfo } from '@core/lab/contract';
import { installFakeLab } from '../fake-lab';
import { designerVerbs, MNIST } from './fixtures';

let wrapper: VueWrapper;
let pinia: Pinia;
const TABLE: DatasetInfo = { ...MNIST, id: 'iris', name: 'Iris', builtIn: false, inputShape: [4], classes: ['a', 'b', 'c'] };

async function mountDesigner(datasets: DatasetInfo[] = [MNIST]) {
  installFakeLab(designerVerbs(datasets));
  wrapper = mount(DesignView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return useDesignStore();
}

const rows = () => wrapper.findAll('[data-testid="layer-row"]');
const problemsOf = (row: number): string[] =>
  rows()
    [row]!.findAll('[data-testid="field-problem"]')
    .map((p) => p.text());
const diagram = (): string => wrapper.get('[data-testid="network-diagram"]').text();

beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => wrapper.unmount());

describe('designing a CNN', () => {
  it('the chapter-6 preset draws 28×28×1 → 24×24×20 → 12×12×20 → 100 → 10 with its parameter counts and the flatten, and can train', async () => {
    const store = await mountDesigner();
    store.applyPreset('chapter-6');
    await flushPromises();
    const text = diagram();
    for (const shape of [
      '28×28×1',
      '24×24×20',
      '12×12×20',
      '100 · ReLU',
      '10 · Softmax',
      'w² : 20 × 1 × 5 × 5',
      '520 params',
      '288,100 params',
      'flatten',
      '2,880',
    ])
      expect(text).toContain(shape);
    expect(wrapper.findAll('[data-testid="flatten-marker"]')).toHaveLength(1);
    expect(rows().map((r) => r.attributes('data-kind'))).toEqual(['conv', 'maxpool', 'dense', 'dense']);
    expect(wrapper.get('[data-testid="total-params"]').text()).toBe('289,630');
    expect(store.problems).toEqual([]);
    expect(store.startRequest().spec.inputShape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(store.startRequest().name).toMatch(/^28×28×1 → conv5×5×20 → pool2 → 100 → 10 sgd/);
  });

  it('adds a convolution before the dense layers from the menu, edits it, and explains it with the sliding kernel', async () => {
    const store = await mountDesigner();
    await wrapper.get('[data-testid="add-layer-kind"]').setValue('conv');
    expect(store.design.spec.layers[0]).toMatchObject({ kind: 'conv', filters: 8, kernel: 5 });
    expect(diagram()).toContain('24×24×8');
    await rows()[0]!.get('input[aria-label="Filters of layer 2"]').setValue('20');
    await rows()[0]!.get('input[aria-label="Kernel size of layer 2"]').trigger('focus');
    expect(store.design.spec.layers[0]).toMatchObject({ filters: 20 });
    expect(diagram()).toContain('24×24×20');
    expect(wrapper.get('[data-testid="explain-title"]').text()).toBe('Kernel size k');
    expect(wrapper.find('[data-testid="kernel-slide"]').exists()).toBe(true);
    await rows()[0]!.get('button.role').trigger('click');
    expect(wrapper.get('[data-testid="explain-title"]').text()).toBe('Convolution');
    expect(wrapper.get('[data-testid="explain-panel"]').text()).toContain('δˡ⁻¹ = (δˡ ⋆full rot180(wˡ)) ⊙ σ′(zˡ⁻¹)');
  });

  it('validates shapes as you type, with the reason next to the control', async () => {
    const store = await mountDesigner();
    store.applyPreset('chapter-6');
    await flushPromises();
    await rows()[0]!.get('input[aria-label="Kernel size of layer 2"]').setValue('30');
    expect(problemsOf(0).join(' ')).toMatch(/30×30 kernel is larger than its 28×28 input/);
    expect(store.canTrain).toBe(false);
    await rows()[0]!.get('input[aria-label="Kernel size of layer 2"]').setValue('5');
    await rows()[1]!.get('input[aria-label="Stride of layer 3"]').setValue('3');
    expect(problemsOf(1).join(' ')).toMatch(/stride 3 is larger than its 2×2 pooling window/);
    await rows()[1]!.get('input[aria-label="Stride of layer 3"]').setValue('2');
    expect(store.canTrain).toBe(true);
    // A pooling layer moved after a dense one has no image to slide over.
    store.moveLayer(1, 2);
    await flushPromises();
    expect(problemsOf(2).join(' ')).toMatch(/comes after a dense layer/);
  });

  it('offers no convolution or pooling on a table, and says why', async () => {
    const store = await mountDesigner([TABLE]);
    const options = wrapper.findAll('[data-testid="add-layer-kind"] option');
    const conv = options.find((o) => o.attributes('value') === 'conv')!;
    expect(conv.attributes('disabled')).toBeDefined();
    expect(conv.attributes('title')).toMatch(/Iris is a table/);
    expect(options.find((o) => o.attributes('value') === 'dropout')!.attributes('disabled')).toBeUndefined();
    expect(wrapper.get('[data-testid="spatial-reason"]').text()).toMatch(/No convolution or pooling here: Iris is a table/);
    store.addLayer(0, 'conv');
    expect(store.design.spec.layers.some((l) => l.kind === 'conv')).toBe(false);
    const preset = wrapper.findAll('[data-testid="preset-select"] option').find((o) => o.attributes('value') === 'chapter-6')!;
    expect(preset.attributes('disabled')).toBeDefined();
  });

  it('keeps a CNN design across a restart', async () => {
    const store = await mountDesigner();
    store.applyPreset('modern-cnn');
    await flushPromises();
    const saved = JSON.parse(JSON.stringify(store.design.spec)) as unknown;
    wrapper.unmount();
    pinia = createPinia();
    setActivePinia(pinia);
    const again = await mountDesigner();
    expect(again.design.spec).toEqual(saved);
    expect(again.notice).toBeNull();
  });
});
