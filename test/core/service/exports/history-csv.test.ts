import { describe, expect, it } from 'vitest';
import { HISTORY_COLUMNS, historyCsv } from '@core/service/exports/history-csv';

describe('historyCsv', () => {
  it('writes one line per epoch with losses, accuracies, η and time, in fixed columns', () => {
    const text = historyCsv([
      {
        epoch: 1,
        trainLoss: 0.5,
        trainAccuracy: 0.8,
        testLoss: 0.6,
        testAccuracy: 0.75,
        learningRate: 3,
        seconds: 1.5,
        samplesPerSecond: 4000,
      },
      {
        epoch: 2,
        trainLoss: 0.25,
        trainAccuracy: null,
        validationLoss: 0.3,
        validationAccuracy: 0.9,
        testLoss: null,
        testAccuracy: null,
        learningRate: 1.5,
        seconds: 2,
        samplesPerSecond: 3000,
      },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(HISTORY_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,learning_rate,seconds,samples_per_second',
    );
    expect(lines[1]).toBe('1,0.5,0.8,,,0.6,0.75,3,1.5,4000');
    expect(lines[2]).toBe('2,0.25,,0.3,0.9,,,1.5,2,3000');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves η empty for epochs recorded before it was kept', () => {
    const text = historyCsv([{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1, samplesPerSecond: 10 }]);
    expect(text.split('\n')[1]).toBe('1,1,0.5,,,,,,1,10');
  });
});
