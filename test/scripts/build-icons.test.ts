/** scripts/build-icons.mjs: the PNG, ICO and ICNS icons rendered from build/icon.svg read back as what they claim to hold. */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { buildIcons } from '../../scripts/build-icons.mjs';
import { tempDataDir } from '../core/service/helpers';

const tmp = tempDataDir();
afterAll(() => tmp.remove());

const pngSize = (bytes: Buffer) => {
  const png = PNG.sync.read(bytes);
  return [png.width, png.height];
};

describe('build-icons', () => {
  const written = buildIcons(tmp.dir);

  it('renders the Linux sizes as square PNGs', () => {
    expect(written.length).toBeGreaterThan(0);
    const files = readdirSync(join(tmp.dir, 'icons')).sort((a, b) => parseInt(a) - parseInt(b));
    expect(files).toEqual([
      '16x16.png',
      '24x24.png',
      '32x32.png',
      '48x48.png',
      '64x64.png',
      '128x128.png',
      '256x256.png',
      '512x512.png',
      '1024x1024.png',
    ]);
    for (const file of files) expect(pngSize(readFileSync(join(tmp.dir, 'icons', file)))).toEqual([parseInt(file), parseInt(file)]);
  });

  it('writes an ICO whose directory points at PNGs of the sizes it lists', () => {
    const ico = readFileSync(join(tmp.dir, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes: number[] = [];
    for (let i = 0; i < ico.readUInt16LE(4); i++) {
      const entry = 6 + 16 * i;
      const size = ico.readUInt8(entry) || 256;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(pngSize(image)).toEqual([size, size]);
      sizes.push(size);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('writes an ICNS whose chunks hold PNGs of their types’ sizes, up to 1024 for Retina', () => {
    const icns = readFileSync(join(tmp.dir, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      const type = icns.toString('ascii', at, at + 4);
      found.push([type, pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))[0]!]);
    }
    expect(Object.fromEntries(found)).toEqual({
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    });
  });

  it('is skipped when every icon is newer than the SVG', () => {
    expect(buildIcons(tmp.dir)).toEqual([]);
  });
});
