// @vitest-environment happy-dom
/** The sweep card offers to vary the units of fully connected hidden layers only. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useDesignStore } from '@renderer/stores/design';
import { useSweepsStore } from '@renderer/stores/sweeps';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from '../design/fixtures';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  installFakeLab(designerVerbs());
});

describe('sweeps store: hidden layers', () => {
  it('lists the dense hidden layers by their numbers, never a convolution, pooling or the output', () => {
    const design = useDesignStore();
    design.design.spec.layers = [
      { kind: 'conv', filters: 8, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 100, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ];
    expect(useSweepsStore().hiddenLayers).toEqual([4]);
  });
});
