// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import DesignView from '@renderer/components/design/DesignView.vue';
import { useDesignStore } from '@renderer/stores/design';
import { loadDesign, STORAGE_KEY } from '@renderer/model/design/persist';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';

let wrapper: VueWrapper;
let pinia: Pinia;

async function mountDesigner() {
  wrapper = mount(DesignView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return useDesignStore();
}

beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
  installFakeLab(designerVerbs());
});
afterEach(() => wrapper.unmount());

describe('the η schedule in the Descent panel', () => {
  it('starts constant with no plot and no schedule in the settings', async () => {
    const store = await mountDesigner();
    expect((wrapper.get('#f-schedule').element as HTMLSelectElement).value).toBe('constant');
    expect(wrapper.find('[data-testid="schedule-plot"]').exists()).toBe(false);
    expect(store.design.settings.schedule).toBeUndefined();
    expect(store.startRequest().settings.schedule).toBeUndefined();
  });

  it('step decay shows its own options and a plot of η per epoch, and goes into the run request and the stored design', async () => {
    const store = await mountDesigner();
    await wrapper.get('#f-schedule').setValue('step');
    expect(wrapper.find('#f-schedule-every').exists()).toBe(true);
    expect(wrapper.find('#f-schedule-patience').exists()).toBe(false);
    await wrapper.get('#f-schedule-decay').setValue('0.5');
    await wrapper.get('#f-schedule-every').setValue('10');
    const plot = wrapper.get('[data-testid="schedule-plot"]');
    expect(plot.text()).toMatch(/η per epoch/);
    expect(plot.text()).toMatch(/epoch ∈ \[1, 30\]/);
    expect(plot.text()).toMatch(/to 3$/);
    expect(store.startRequest().settings.schedule).toMatchObject({ kind: 'step', decay: 0.5, every: 10 });
    const stored = loadDesign({ getItem: (key) => localStorage.getItem(key) });
    expect(localStorage.getItem(STORAGE_KEY)).not.toBeNull();
    expect(stored.design.settings.schedule).toMatchObject({ kind: 'step', decay: 0.5 });
  });

  it('a bad number is explained under its field and blocks training; constant again removes the schedule', async () => {
    const store = await mountDesigner();
    await wrapper.get('#f-schedule').setValue('cosine');
    await wrapper.get('#f-schedule-warmupEpochs').setValue('400');
    expect(store.canTrain).toBe(false);
    expect(wrapper.text()).toMatch(/warm-up must be at least 0 epochs and shorter than the run \(30 epochs\)/);
    await wrapper.get('#f-schedule-warmupEpochs').setValue('0');
    expect(store.canTrain).toBe(true);
    await wrapper.get('#f-schedule').setValue('constant');
    expect(store.design.settings.schedule).toBeUndefined();
  });

  it('focusing the schedule explains it', async () => {
    await mountDesigner();
    await wrapper.get('#f-schedule').setValue('cosine');
    await wrapper.get('#f-schedule').trigger('focusin');
    expect(wrapper.text()).toMatch(/Cosine annealing/);
  });
});
