// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { installFakeLab } from '../fake-lab';
import { designerVerbs, MNIST } from './fixtures';

beforeEach(() => setActivePinia(createPinia()));

describe('datasets store', () => {
  it('lists the datasets through window.lab only when asked', async () => {
    const lab = installFakeLab(designerVerbs());
    const store = useDatasetsStore();
    expect(lab.listDatasets).not.toHaveBeenCalled();
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.datasets).toEqual([MNIST]);
    expect(store.find('mnist')?.name).toBe('MNIST');
    expect(store.find('nope')).toBeUndefined();
  });

  it('reports a failed listing instead of throwing', async () => {
    const lab = installFakeLab(designerVerbs());
    vi.mocked(lab.listDatasets).mockRejectedValueOnce(new Error('disk on fire'));
    const store = useDatasetsStore();
    await store.load();
    expect(store.loaded).toBe(false);
    expect(store.error).toMatch(/disk on fire/);
  });

  it('fetches samples once per dataset and count, and retries after a failure', async () => {
    const lab = installFakeLab(designerVerbs());
    const store = useDatasetsStore();
    const a = await store.samples('mnist', 4);
    const b = await store.samples('mnist', 4);
    expect(a).toBe(b);
    expect(lab.getSamples).toHaveBeenCalledTimes(1);
    expect(lab.getSamples).toHaveBeenCalledWith({ datasetId: 'mnist', split: 'train', offset: 0, count: 4 });
    vi.mocked(lab.getSamples).mockRejectedValueOnce(new Error('gone'));
    await expect(store.samples('other', 4)).rejects.toThrow('gone');
    await expect(store.samples('other', 4)).resolves.toMatchObject({ width: 28 });
  });
});
