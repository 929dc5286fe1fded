/** The import options as typed: inline problems for the split, seed and resize, and the request they make per format. */
import { describe, expect, it } from 'vitest';
import { defaultImportForm, importFormProblems, importOptionsOf, type ImportForm } from '@renderer/model/datasets/import-form';

const form = (change: Partial<ImportForm> = {}): ImportForm => ({ ...defaultImportForm(), ...change });

describe('import form', () => {
  it('accepts the defaults and sends the split and seed for every format', () => {
    expect(importFormProblems(form())).toEqual({});
    expect(importOptionsOf(form(), 'idx')).toEqual({ validation: 0.1, test: 0.2, seed: 1 });
    expect(importOptionsOf(form({ validation: '0', test: '0.9', seed: '-7' }), 'image-folder')).toEqual({
      validation: 0,
      test: 0.9,
      seed: -7,
    });
  });

  it('names each wrong share, a sum of 1 or more, and a seed that is not whole', () => {
    expect(importFormProblems(form({ validation: '0.95' }))).toEqual({
      validation: 'The validation share must be a number from 0 to 0.9.',
    });
    expect(importFormProblems(form({ validation: '', test: '-0.1' }))).toMatchObject({
      validation: expect.any(String),
      test: 'The test share must be a number from 0 to 0.9.',
    });
    expect(importFormProblems(form({ validation: 'abc' })).validation).toBeDefined();
    expect(importFormProblems(form({ validation: '0.5', test: '0.5' }))).toEqual({
      test: 'Validation and test together must be below 1 (now 1).',
    });
    expect(importFormProblems(form({ validation: '0.5', test: '0.49' }))).toEqual({});
    expect(importFormProblems(form({ seed: '1.5' }))).toEqual({ seed: 'The seed must be a whole number.' });
  });

  it('sends the CSV label and header, or the targets, and only to CSV imports', () => {
    const csv = form({ label: ' digit ', header: 'no', classes: 'a, b' });
    expect(importOptionsOf(csv, 'csv')).toEqual({ validation: 0.1, test: 0.2, seed: 1, label: 'digit', header: false });
    expect(importOptionsOf({ ...csv, targets: 'rent, tax', header: 'yes' }, 'csv')).toMatchObject({
      targets: ['rent', 'tax'],
      header: true,
    });
    expect(importOptionsOf({ ...csv, targets: 'rent' }, 'csv')).not.toHaveProperty('label');
    expect(importOptionsOf(csv, 'idx')).toEqual({ validation: 0.1, test: 0.2, seed: 1, classes: ['a', 'b'] });
  });

  it('resizes image folders to a whole-pixel size given in full, and checks it only for them', () => {
    expect(importOptionsOf(form({ width: '28', height: '28' }), 'image-folder')).toMatchObject({ size: { width: 28, height: 28 } });
    expect(importOptionsOf(form({ width: '28', height: '28' }), 'csv')).not.toHaveProperty('size');
    const half = form({ width: '28' });
    expect(importFormProblems(half, 'image-folder').size).toBe('The resize needs a width and a height from 1 to 1024 pixels, or neither.');
    expect(importFormProblems(form({ width: '2000', height: '2' }), 'image-folder').size).toBeDefined();
    expect(importFormProblems(half, 'idx')).toEqual({});
  });
});
