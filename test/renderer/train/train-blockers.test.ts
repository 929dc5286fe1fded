// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import TrainToolbar from '@renderer/components/train/TrainToolbar.vue';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useDesignStore } from '@renderer/stores/design';
import { designerVerbs } from '../design/fixtures';
import { installFakeLab } from '../fake-lab';
import type { DenseLayerSpec } from '@core/engine/spec';

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

beforeEach(async () => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
  installFakeLab(designerVerbs());
  await useDatasetsStore().load();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

async function toolbar(): Promise<VueWrapper> {
  wrapper = mount(TrainToolbar, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('TrainToolbar: why a design cannot train', () => {
  it('lists every problem in full under the button, which counts them', async () => {
    const design = useDesignStore();
    const w = await toolbar();
    expect(w.find('[data-testid="train-blocked"]').exists()).toBe(false);
    (design.design.spec.layers[0] as DenseLayerSpec).activation = 'softmax';
    design.design.settings.batchSize = 0;
    await flushPromises();
    const messages = design.problems.map((p) => p.message);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    const shown = w.findAll('[data-testid="train-blocker"]').map((li) => li.text());
    // The whole of each message, not a clipped first one.
    expect(shown).toEqual(messages);
    expect(shown.join(' ')).toMatch(/layer 2 is hidden/);
    const button = w.get('[data-testid="train-start"]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="train-blocked-count"]').text()).toBe(`Can't start: ${messages.length} problems in the design`);
    // Screen readers hear the list as the button's description.
    expect(button.attributes('aria-describedby')).toBe('train-blockers');
    expect(document.getElementById('train-blockers')?.textContent).toContain(messages[0]);
  });

  it('says "a problem" for one, and the list goes once the design is fixed', async () => {
    const design = useDesignStore();
    const w = await toolbar();
    (design.design.spec.layers[0] as DenseLayerSpec).activation = 'softmax';
    await flushPromises();
    expect(w.get('[data-testid="train-blocked-count"]').text()).toBe("Can't start: a problem in the design");
    expect(w.get('[data-testid="train-blocked"] h3').text()).toMatch(/^Fix this on the Design tab/);
    (design.design.spec.layers[0] as DenseLayerSpec).activation = 'relu';
    await flushPromises();
    expect(w.find('[data-testid="train-blocked"]').exists()).toBe(false);
    expect(w.get('[data-testid="train-start"]').attributes('disabled')).toBeUndefined();
  });
});
