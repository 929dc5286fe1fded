// @vitest-environment happy-dom
/** Editing an imported dataset's class names in the browser: checked as typed, saved through window.lab. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { DatasetInfo, DatasetOverview } from '@core/lab/contract';
import ClassNamesEditor from '@renderer/components/datasets/ClassNamesEditor.vue';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useLibraryStore } from '@renderer/stores/library';
import { designerVerbs, MNIST } from '../design/fixtures';
import { installFakeLab } from '../fake-lab';

const IMPORTED: DatasetInfo = { ...MNIST, id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'fashion', builtIn: false };
const overviewOf = (dataset: DatasetInfo): DatasetOverview => ({
  dataset,
  sizes: { train: 1, validation: 0, test: 1 },
  source: null,
  fingerprint: null,
  createdAt: null,
  notes: [],
});

let wrapper: VueWrapper;
let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => wrapper.unmount());

describe('ClassNamesEditor', () => {
  it('edits one name per class, refuses blanks and duplicates as typed, and saves through renameClasses', async () => {
    const list = [MNIST, { ...IMPORTED }];
    const renameClasses = vi.fn(async ({ classes }: { datasetId: string; classes: string[] }) => {
      list[1] = { ...list[1]!, classes };
      return list[1];
    });
    installFakeLab({
      ...designerVerbs(list),
      datasetOverview: async ({ datasetId }) => overviewOf(list.find((d) => d.id === datasetId)!),
      renameClasses,
    });
    await useDatasetsStore().load();
    await useLibraryStore().select(IMPORTED.id);
    wrapper = mount(ClassNamesEditor, { props: { dataset: IMPORTED }, global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="class-names-edit"]').trigger('click');
    const inputs = wrapper.findAll('[data-testid="class-name-input"]');
    expect(inputs).toHaveLength(10);
    await inputs[3]!.setValue('  ');
    expect(wrapper.get('[data-testid="class-names-error"]').text()).toBe('Class 3 needs a name.');
    expect(wrapper.get('[data-testid="class-names-save"]').attributes('disabled')).toBeDefined();
    await inputs[3]!.setValue('0');
    expect(wrapper.get('[data-testid="class-names-error"]').text()).toMatch(/“0” names two classes/);
    await inputs[3]!.setValue('Dress ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(renameClasses).toHaveBeenCalledWith({ datasetId: IMPORTED.id, classes: ['0', '1', '2', 'Dress', '4', '5', '6', '7', '8', '9'] });
    expect(wrapper.find('form').exists()).toBe(false);
    expect(useLibraryStore().overview?.dataset.classes[3]).toBe('Dress');
  });

  it('keeps the form open with the reason when the lab refuses the names', async () => {
    const list = [MNIST, { ...IMPORTED }];
    installFakeLab({
      ...designerVerbs(list),
      datasetOverview: async ({ datasetId }) => overviewOf(list.find((d) => d.id === datasetId)!),
      renameClasses: async () => {
        throw new Error("Error invoking remote method 'lab:renameClasses': Error: The classes could not be renamed: the disk is full.");
      },
    });
    await useDatasetsStore().load();
    wrapper = mount(ClassNamesEditor, { props: { dataset: IMPORTED }, global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="class-names-edit"]').trigger('click');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="class-names-error"]').text()).toBe('The classes could not be renamed: the disk is full.');
  });
});
