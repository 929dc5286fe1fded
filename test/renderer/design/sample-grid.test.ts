// @vitest-environment happy-dom
/**
 * The dataset's sample tiles in Design: digits keep eight small tiles a row; named classes
 * (Fashion-MNIST's "Ankle boot", "T-shirt/top") get six wider tiles a row, two rows of them, and
 * their names whole on up to two lines instead of "Ankl…".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import SampleGrid from '@renderer/components/design/SampleGrid.vue';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  installFakeLab(designerVerbs());
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

async function grid(classes: string[]) {
  wrapper = mount(SampleGrid, { props: { datasetId: 'mnist', classes }, global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper.get('[data-testid="sample-grid"]');
}

describe('SampleGrid', () => {
  it('shows digits as sixteen small tiles', async () => {
    const g = await grid(DIGITS);
    expect(g.classes()).not.toContain('named');
    expect(g.findAll('canvas')).toHaveLength(16);
    expect(g.findAll('figcaption').map((c) => c.text())).toEqual([...DIGITS, ...DIGITS.slice(0, 6)]);
  });

  it('gives named classes two rows of wider tiles, each name whole (a line may break after its slash)', async () => {
    const g = await grid(FASHION);
    expect(g.classes()).toContain('named');
    expect(g.findAll('canvas')).toHaveLength(12);
    const captions = g.findAll('figcaption');
    expect(captions.map((c) => c.text().replace(/\u200b/g, ''))).toEqual([...FASHION, ...FASHION.slice(0, 2)]);
    expect(captions[0]!.text()).toBe('T-shirt/\u200btop');
    expect(captions[9]!.attributes('title')).toBe('Ankle boot');
    expect(g.findAll('canvas')[9]!.attributes('aria-label')).toBe('Sample 10: Ankle boot');
  });
});
