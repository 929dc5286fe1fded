// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import ModelBar from '@renderer/components/inspect/ModelBar.vue';
import { useModelsStore } from '@renderer/stores/models';
import { installFakeLab } from '../fake-lab';
import { inspectVerbs } from './fixtures';

let wrapper: VueWrapper;

beforeEach(() => {
  setActivePinia(createPinia());
  installFakeLab(inspectVerbs());
  wrapper = mount(ModelBar, { attachTo: document.body });
});
afterEach(() => wrapper.unmount());

const select = () => wrapper.get<HTMLSelectElement>('[data-testid="inspect-run-select"]').element;

describe('the model bar says what is open', () => {
  it('names an open file, with its full path in a line and on hover', async () => {
    const models = useModelsStore();
    await models.openFile();
    await flushPromises();
    const origin = wrapper.get('[data-testid="inspect-model-origin"]');
    expect(origin.text()).toBe('from file m1.fathom.json');
    expect(origin.attributes('title')).toBe('/home/ada/models/m1.fathom.json');
    expect(wrapper.get('[data-testid="inspect-model-path"]').text()).toBe('/home/ada/models/m1.fathom.json');
  });

  it('names the open run in the run select, and no run once a file is opened instead', async () => {
    const models = useModelsStore();
    await models.refreshRuns();
    await flushPromises();
    await wrapper.get('[data-testid="inspect-run-select"]').setValue('new');
    await wrapper.get('[data-testid="inspect-run-which"]').setValue('best');
    await wrapper.get('[data-testid="inspect-open-run"]').trigger('click');
    await flushPromises();
    expect(models.model?.source).toMatchObject({ kind: 'run', runId: 'new' });
    expect(select().value).toBe('new');
    expect(wrapper.get('[data-testid="inspect-model-origin"]').text()).toBe('from run · best epoch');
    expect(wrapper.get('[data-testid="inspect-model-origin"]').attributes('title')).toBe('run');
    expect(wrapper.find('[data-testid="inspect-model-path"]').exists()).toBe(false);

    await models.openFile();
    await flushPromises();
    expect(select().value).toBe('');
    expect(select().selectedOptions[0]?.text).toBe('choose a run…');
    expect(wrapper.get('[data-testid="inspect-model-origin"]').text()).toMatch(/^from file m\d+\.fathom\.json$/);
  });

  it('shows the chosen run’s whole name on hover', async () => {
    const models = useModelsStore();
    await models.refreshRuns();
    await flushPromises();
    await wrapper.get('[data-testid="inspect-run-select"]').setValue('old');
    expect(wrapper.get('[data-testid="inspect-run-select"]').attributes('title')).toBe(models.runs.find((r) => r.id === 'old')!.name);
  });
});

describe('the run select', () => {
  it('cuts a long run name in the middle, keeping the end that tells runs apart', async () => {
    installFakeLab({
      ...inspectVerbs(),
      listRuns: async () => [
        { ...(await inspectVerbs().listRuns!())[0]!, id: 'long', name: '28×28×1 → conv5×5×20 → pool2 → 100 → 10 relu/softmax sgd η=0.1' },
      ],
    });
    const models = useModelsStore();
    await models.refreshRuns();
    await flushPromises();
    const option = wrapper.findAll('[data-testid="inspect-run-select"] option')[1]!.text();
    expect(option).toMatch(/^28×28×1 → conv5×5×20.*…/);
    expect(option).toMatch(/sgd η=0\.1 · 1 epoch · finished$/);
  });
});
