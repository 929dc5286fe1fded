/** The explanation's "Here:" line ties a topic to the design on screen; its arithmetic must read true. */
import { describe, expect, it } from 'vitest';
import { contextNote } from '@renderer/model/design/context';
import { presetDesign } from '@renderer/model/design/presets';
import { explain } from '@renderer/model/design/explanations';

describe('contextNote: epochs', () => {
  it('multiplies epochs by updates per epoch, not by the training size', () => {
    const design = presetDesign('seed');
    design.settings.epochs = 2;
    design.settings.batchSize = 64;
    expect(contextNote('epochs', design, 3000)).toBe(
      'Here: 2 epochs × 47 updates (3,000 images in batches of 64) = 94 weight updates in all.',
    );
    design.settings.epochs = 1;
    expect(contextNote('epochs', design, 50, 'rows')).toBe('Here: 1 epoch × 1 update (50 rows in batches of 50) = 1 weight update in all.');
  });
});

describe('explain: epochs', () => {
  it('holds for any dataset: samples and the loss, not images and accuracy (a regression has no accuracy)', () => {
    const { body } = explain('epochs');
    expect(body).toContain('every training sample');
    expect(body).not.toMatch(/accuracy|image/i);
  });
});
