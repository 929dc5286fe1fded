import { describe, expect, it } from 'vitest';
import { CliError, parseCli, USAGE } from '../../../core/cli/args';
import { parseLayers } from '../../../core/cli/layers';

const CNN = '--layers 28x28x1,conv5x5x20,maxpool2,100,10 --activation relu,relu,softmax --loss cross-entropy --init he'.split(' ');

const refusal = (args: string[]): string => {
  try {
    parseCli(args);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error('expected parseCli to refuse');
};

describe('--layers with CNN words', () => {
  it("reads Nielsen's chapter-6 network: the image, conv, pool and dense layers, one activation per conv/dense layer", () => {
    const { spec } = parseCli(CNN);
    expect(spec).toMatchObject({
      inputSize: 784,
      inputShape: { channels: 1, height: 28, width: 28 },
      layers: [
        { kind: 'conv', kernel: 5, filters: 20, stride: 1, padding: 'valid', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'softmax' },
      ],
    });
  });

  it('splits a CNN over threads like a dense network (--workers), and says how batchnorm and dropout shard', () => {
    expect(parseCli([...CNN, '--workers', '2']).workers).toBe(2);
    expect(parseCli([...CNN, '--workers', 'auto']).workers).toBe('auto');
    expect(USAGE).toMatch(/batchnorm normalises each shard of a batch/);
  });

  it('takes strides, same padding, dropout and batchnorm, and one activation for all', () => {
    expect(parseLayers('32x32x3,conv3x3x8s2same,batchnorm,maxpool3s2,dropout0.25,10', 'tanh')).toEqual({
      inputSize: 3072,
      inputShape: { channels: 3, height: 32, width: 32 },
      layers: [
        { kind: 'conv', kernel: 3, filters: 8, stride: 2, padding: 'same', activation: 'tanh' },
        { kind: 'batchnorm' },
        { kind: 'maxpool', size: 3, stride: 2 },
        { kind: 'dropout', rate: 0.25 },
        { units: 10, activation: 'tanh' },
      ],
    });
    expect(parseLayers('784,30,10', undefined)).toEqual({
      inputSize: 784,
      layers: [
        { units: 30, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
    });
  });

  it('refuses bad words and bad stacks with the reason', () => {
    expect(refusal(['--layers', '28x28x1,conv5x4x20,10'])).toMatch(/kernels are square; write conv5x5x20/);
    expect(refusal(['--layers', '28x28x1,pool2,10'])).toMatch(/word 2 "pool2" is not a layer/);
    expect(refusal(['--layers', '784,conv5x5x20,10', '--activation', 'relu,softmax'])).toMatch(/flat list of 784 numbers/);
    expect(refusal(['--layers', '28x28x1,100,maxpool2,10', '--activation', 'relu,softmax'])).toMatch(/comes after a dense layer/);
    expect(refusal(['--layers', '5x5x1,conv7x7x4,10', '--activation', 'relu,softmax'])).toMatch(/7×7 kernel is larger than its 5×5 input/);
    expect(refusal([...CNN.slice(0, 4), '--activation', 'relu,softmax'])).toMatch(/give one name, or 3 \(one per conv and dense layer/);
    expect(USAGE).toMatch(/28x28x1,conv5x5x20,maxpool2,100,10/);
  });
});
