import { describe, it, expect } from 'vitest';
import { ShapeError, SpecError } from '../../../core/engine/errors';

describe('engine errors', () => {
  it('SpecError carries the field it is about', () => {
    const err = new SpecError('Batch size must be at least 1.', 'batchSize');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SpecError');
    expect(err.field).toBe('batchSize');
    expect(err.message).toBe('Batch size must be at least 1.');
  });

  it('ShapeError is a distinct error type', () => {
    const err = new ShapeError('Expected 784 inputs, got 3.');
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(SpecError);
    expect(err.name).toBe('ShapeError');
  });
});
