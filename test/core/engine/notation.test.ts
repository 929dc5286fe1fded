import { describe, expect, it } from 'vitest';
import { biasName, layerNumber, superscript, weightName } from '../../../core/engine/notation';

describe('the seed’s layer notation (layer 1 is the input)', () => {
  it('numbers the engine’s layers from the input as layer 1', () => {
    expect(layerNumber(0)).toBe(1);
    expect(layerNumber(1)).toBe(2);
  });

  it('names the first weights and biases w² and b² (j × k into layer 2)', () => {
    expect(weightName(1)).toBe('w²');
    expect(biasName(1)).toBe('b²');
    expect(weightName(11)).toBe('w¹²');
  });

  it('writes superscripts with the minus sign', () => {
    expect(superscript(-307)).toBe('⁻³⁰⁷');
  });
});
