// @vitest-environment happy-dom
/**
 * A model file opened from outside the page (the command line, a second launch, the OS) reaches
 * the page as a `model-opened` event: App switches to Inspect and the models store shows the
 * model, or says why the file was refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { shallowMount, type VueWrapper } from '@vue/test-utils';
import type { LabApi } from '@core/lab/contract';
import App from '@renderer/App.vue';
import { useModelsStore } from '@renderer/stores/models';
import { installFakeLab, labEvents, type LabEvents } from './fake-lab';
import { inspectVerbs, modelSummary } from './inspect/fixtures';

let lab: LabApi;
let events: LabEvents;
let wrapper: VueWrapper | undefined;
const emit: LabEvents['emit'] = (event) => events.emit(event);

beforeEach(() => {
  const pinia = createPinia();
  setActivePinia(pinia);
  events = labEvents();
  lab = installFakeLab({ ...inspectVerbs(), onEvent: events.onEvent });
  wrapper = shallowMount(App, { global: { plugins: [pinia] } });
});

afterEach(() => {
  wrapper?.unmount();
});

const selected = () => wrapper!.find('[aria-selected="true"]').attributes('data-testid');

describe('a model opened from outside the page', () => {
  it('switches to Inspect and shows the model', async () => {
    expect(selected()).toBe('tab-design');
    emit({ type: 'model-opened', result: { status: 'opened', model: modelSummary('m9') } });
    await vi.waitFor(() => expect(useModelsStore().model?.modelId).toBe('m9'));
    expect(selected()).toBe('tab-inspect');
    expect(lab.getWeights).toHaveBeenCalledWith({ modelId: 'm9', layer: 1 });
  });

  it('switches to Inspect and says why a refused file could not be opened', async () => {
    emit({ type: 'model-opened', result: { status: 'failed', code: 'unreadable', message: 'gone.fathom.json: there is no such file' } });
    await vi.waitFor(() => expect(selected()).toBe('tab-inspect'));
    expect(useModelsStore().notice).toEqual({ kind: 'error', text: 'Could not open the model: gone.fathom.json: there is no such file' });
    expect(useModelsStore().model).toBeNull();
  });

  it('stops listening when App unmounts', () => {
    // The app store (models opened from outside) and the shell store (menu commands, notices, import offers).
    expect(events.listeners).toBe(2);
    wrapper!.unmount();
    wrapper = undefined;
    expect(events.listeners).toBe(0);
  });
});
