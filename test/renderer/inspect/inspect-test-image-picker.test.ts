// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import TestImagePicker from '@renderer/components/inspect/TestImagePicker.vue';
import { useModelsStore } from '@renderer/stores/models';
import { installFakeLab } from '../fake-lab';
import { inspectVerbs, modelSummary } from './fixtures';

let wrapper: VueWrapper;

beforeEach(() => {
  setActivePinia(createPinia());
  installFakeLab(inspectVerbs());
  // The model file records a test split of 500 images (the fixture's): the last index is 499 until an evaluation says otherwise.
  useModelsStore().model = modelSummary('m');
});
afterEach(() => wrapper.unmount());

function picker(props: Record<string, unknown> = {}, index = 5) {
  wrapper = mount(TestImagePicker, {
    props: { testid: 'act', modelValue: index, 'onUpdate:modelValue': (v: number) => wrapper.setProps({ modelValue: v }), ...props },
    attachTo: document.body,
  });
  return wrapper;
}
const chosen = () => (wrapper.emitted('choose') ?? []).map(([i]) => i);

describe('the test-image picker shared by the activations, feature maps and gradient check views', () => {
  it('acts on the typed image, kept within the test set, by the button or Enter', async () => {
    picker();
    const input = wrapper.get('[data-testid="act-index"]');
    expect(input.attributes('max')).toBe('499');
    await wrapper.get('[data-testid="act-show"]').trigger('click');
    await input.setValue('17');
    await input.trigger('keydown', { key: 'Enter' });
    await input.setValue('9000');
    await wrapper.get('[data-testid="act-show"]').trigger('click');
    await input.setValue('-3');
    await wrapper.get('[data-testid="act-show"]').trigger('click');
    expect(chosen()).toEqual([5, 17, 499, 0]);
    expect((input.element as HTMLInputElement).value).toBe('0');
    // An evaluation knows the exact count.
    useModelsStore().evaluation = { count: 20 } as never;
    await flushPromises();
    expect(input.attributes('max')).toBe('19');
  });

  it('steps to the previous and next image, and asks for a mistake or the drawn digit only where the view offers them', async () => {
    picker({ stepper: true, mistake: true, drawn: true });
    await wrapper.get('[aria-label="Next test image"]').trigger('click');
    await wrapper.get('[aria-label="Next test image"]').trigger('click');
    await wrapper.get('[aria-label="Previous test image"]').trigger('click');
    expect(chosen()).toEqual([6, 7, 6]);
    await wrapper.get('[data-testid="act-mistake"]').trigger('click');
    expect(wrapper.emitted('mistake')).toHaveLength(1);
    // Nothing drawn yet: the drawn digit cannot be chosen.
    const drawn = wrapper.get('[data-testid="act-drawn"]');
    expect(drawn.attributes('disabled')).toBeDefined();
    useModelsStore().drawnInput = new Array(784).fill(0);
    await flushPromises();
    await drawn.trigger('click');
    expect(wrapper.emitted('drawn')).toHaveLength(1);
    wrapper.unmount();

    picker({ testid: 'gc' });
    expect(wrapper.find('[aria-label="Next test image"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="gc-mistake"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="gc-drawn"]').exists()).toBe(false);
  });

  it('names its action, says when it is busy and takes no second request meanwhile', async () => {
    picker({ testid: 'gc', action: 'Run the check', busyAction: 'Checking…', actionId: 'run', primary: true });
    const run = wrapper.get('[data-testid="gc-run"]');
    expect(run.text()).toBe('Run the check');
    expect(run.classes()).toContain('btn-primary');
    await wrapper.setProps({ busy: true });
    expect(run.text()).toBe('Checking…');
    expect(run.attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="gc-index"]').trigger('keydown', { key: 'Enter' });
    expect(chosen()).toEqual([]);
  });

  it('offers no test image when the model has no test set here, but still the drawn digit', async () => {
    useModelsStore().drawnInput = new Array(784).fill(0);
    picker({ drawn: true, disabled: true });
    expect(wrapper.get('[data-testid="act-index"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="act-show"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="act-drawn"]').attributes('disabled')).toBeUndefined();
  });
});
