import { describe, expect, it } from 'vitest';
import {
  Base64Error,
  base64ToBytes,
  bytesToBase64,
  bytesToFloat32,
  decodeFloat32,
  encodeFloat32,
  float32ToBytes,
} from '../../../core/model/base64-float32';

/** The bit patterns, so NaN payloads and −0 compare exactly. */
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('base64 float32', () => {
  it('writes little-endian IEEE 754 floats whatever the host', () => {
    expect(Array.from(float32ToBytes([1, -2]))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    expect(encodeFloat32([1])).toBe('AACAPw==');
    expect(encodeFloat32([1, -2, 0.5])).toBe('AACAPwAAAMAAAAA/');
  });

  it('matches the standard base64 of every padding case', () => {
    const text = 'Fathom, a lab for neural networks';
    const bytes = new TextEncoder().encode(text);
    for (let n = 0; n <= bytes.length; n++) {
      const slice = bytes.subarray(0, n);
      const expected = btoa(String.fromCharCode(...slice));
      expect(bytesToBase64(slice)).toBe(expected);
      expect(Array.from(base64ToBytes(expected))).toEqual(Array.from(slice));
    }
  });

  it('round-trips every float bit for bit, including −0, subnormals and extremes', () => {
    const values = new Float32Array([0, -0, 1e-45, -1.17549435e-38, 3.4028235e38, -Infinity, Infinity, Math.PI, -1 / 3]);
    // Scattered bit patterns; NaN patterns are left out because JS numbers do not keep NaN payloads.
    const random = new Uint32Array(10_000).map((_, i) => Math.imul(i + 1, 2654435761) >>> 0).filter((u) => (u & 0x7f800000) !== 0x7f800000);
    for (const sample of [values, new Float32Array(random.buffer)]) {
      expect(bits(decodeFloat32(encodeFloat32(sample)))).toEqual(bits(sample));
    }
    expect(decodeFloat32(encodeFloat32([NaN]))[0]).toBeNaN();
    expect(decodeFloat32('')).toEqual(new Float32Array(0));
  });

  it('reads floats from a view that does not start at offset 0', () => {
    const bytes = new Uint8Array([9, ...float32ToBytes([2.5, -7])]);
    expect(Array.from(bytesToFloat32(bytes.subarray(1)))).toEqual([2.5, -7]);
  });

  it.each([
    ['AACAPw=', /groups of 4 characters/],
    ['AACA Pw==', /groups of 4|character " "/],
    ['AACAPw*=', /character "\*" at position 6/],
    ['AA=APw==', /'=' at position 2/],
    ['AACAPx==', /stray bits/],
    ['AACA', /3 bytes, which is not a whole number of 4-byte floats/],
  ])('refuses %j', (text, message) => {
    expect(() => decodeFloat32(text)).toThrow(Base64Error);
    expect(() => decodeFloat32(text)).toThrow(message);
  });
});
