// @vitest-environment happy-dom
/**
 * Start from a model file in the window: the toolbar's button opens one, and the panel above the
 * designer shows only once there is something to say (the model the next run starts from, the scaling
 * question, or why a file could not be opened), so the design keeps its space until then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { OpenStartModelResult, StartModel } from '@core/lab/contract';
import DesignToolbar from '@renderer/components/design/DesignToolbar.vue';
import StartModelPanel from '@renderer/components/design/StartModelPanel.vue';
import { provideExplain } from '@renderer/components/design/explain';
import { fieldId, fieldLabel } from '@renderer/model/design/labels';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useStartModelStore } from '@renderer/stores/start-model';
import { defineComponent, h } from 'vue';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';

const MODEL: StartModel = {
  startId: 'abc123',
  name: 'mlp.onnx',
  format: 'onnx',
  spec: {
    inputSize: 784,
    layers: [
      { units: 64, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  },
  scaling: null,
  epochs: 0,
};

/** The toolbar and the panel as DesignView lays them out (the toolbar needs the explanation's provider). */
const Both = defineComponent({
  setup() {
    provideExplain();
    return () => h('div', [h(DesignToolbar), h(StartModelPanel)]);
  },
});

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

async function mountWith(reply: OpenStartModelResult): Promise<VueWrapper> {
  installFakeLab({ ...designerVerbs(), openStartModel: async () => structuredClone(reply) });
  await useDatasetsStore().load();
  wrapper = mount(Both, { global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper;
}

describe('Start from a model file: a toolbar button, a panel only when a file is open', () => {
  it('shows no panel until a model is opened, then its name and the scaling question; × closes it again', async () => {
    const w = await mountWith({ status: 'opened', start: MODEL });
    expect(w.get('.toolbar').find('[data-testid="start-from-model"]').exists()).toBe(true);
    expect(w.find('[data-testid="start-model"]').exists()).toBe(false);

    await w.get('[data-testid="start-from-model"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="start-model-from"]').text()).toBe('The next run starts from the weights of mlp.onnx (an ONNX model).');
    expect(w.get('[data-testid="start-model-scaling"]').text()).toContain('mlp.onnx does not say how its inputs were scaled');
    // The problem list names the question "Model file" and its link lands on the first answer.
    expect(fieldLabel('start')).toBe('Model file');
    expect(w.get('[data-testid="start-scaling-dataset"]').attributes('id')).toBe(fieldId('start'));

    // The dataset's scaling in the words the design's select uses, not its key.
    expect(w.get('[data-testid="start-scaling-dataset"]').text()).toBe("The dataset's scaling (Min-max → [0, 1])");
    await w.get('[data-testid="start-scaling-pixels"]').trigger('click');
    expect(w.find('[data-testid="start-model-scaling"]').exists()).toBe(false);
    expect(w.get('[data-testid="start-model-scaled"]').text()).toBe('Inputs scaled: 0–1 pixels');

    await w.get('[data-testid="start-model-clear"]').trigger('click');
    expect(w.find('[data-testid="start-model"]').exists()).toBe(false);
    expect(useStartModelStore().start).toBeNull();
  });

  it('shows why a file could not be opened, and nothing when the dialog is cancelled', async () => {
    const w = await mountWith({ status: 'failed', message: 'bad.onnx: not an ONNX model' });
    await w.get('[data-testid="start-from-model"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="start-model-notice"]').text()).toContain('bad.onnx: not an ONNX model');

    wrapper!.unmount();
    setActivePinia((pinia = createPinia()));
    const cancelled = await mountWith({ status: 'cancelled' });
    await cancelled.get('[data-testid="start-from-model"]').trigger('click');
    await flushPromises();
    expect(cancelled.find('[data-testid="start-model"]').exists()).toBe(false);
  });
});
