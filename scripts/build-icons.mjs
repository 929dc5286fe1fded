#!/usr/bin/env node
/**
 * The app's icons, rendered from the one vector source build/icon.svg with resvg into
 * build/generated/ (not committed): icons/<n>x<n>.png for Linux, icon.ico for Windows, icon.icns
 * for macOS. ICO and ICNS both hold PNG images, so they are written here directly. Skipped when
 * every output is newer than the SVG.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(root, 'build', 'icon.svg');
export const ICONS_OUT = join(root, 'build', 'generated');

const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
/** Windows reads sizes up to 256 from an ICO; PNG entries are allowed from Vista on. */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types holding PNG data, with their pixel sizes (ic11–ic14 are the @2x Retina variants). */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

/** An ICO file of PNG images: a 6-byte header, a 16-byte entry per image, then the images. */
export function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map(({ png }) => png)]);
}

/** An ICNS file: 'icns' and the total length, then per image its 4-character type, its length (with these 8 bytes) and the PNG. */
export function icns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

export function buildIcons(out = ICONS_OUT) {
  const outputs = [...LINUX_SIZES.map((n) => join(out, 'icons', `${n}x${n}.png`)), join(out, 'icon.ico'), join(out, 'icon.icns')];
  const svgTime = mtime(SOURCE);
  if (outputs.every((path) => mtime(path) > svgTime)) return [];
  const svg = readFileSync(SOURCE);
  const png = new Map();
  const sized = (size) => png.get(size) ?? png.set(size, render(svg, size)).get(size);
  mkdirSync(join(out, 'icons'), { recursive: true });
  for (const size of LINUX_SIZES) writeFileSync(join(out, 'icons', `${size}x${size}.png`), sized(size));
  writeFileSync(join(out, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: sized(size) }))));
  writeFileSync(join(out, 'icon.icns'), icns(ICNS_TYPES.map(([type, size]) => ({ type, png: sized(size) }))));
  return outputs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = buildIcons();
  console.log(written.length ? `icons rendered from build/icon.svg into ${ICONS_OUT}` : `icons in ${ICONS_OUT} are up to date`);
}
