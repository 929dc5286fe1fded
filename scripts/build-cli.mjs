#!/usr/bin/env node
/**
 * `npm run build:cli`: bundles the command-line trainer (core/cli/train.ts) into out/cli/train.js,
 * an ES module for Node with a shebang, so it runs without tsx. Beside it:
 *   worker-entry.js      the data-parallel shard worker (core/engine/parallel/node-workers.ts starts
 *                        `./worker-entry.js` next to itself, so every chunk stays in out/cli/);
 *   build/kernels.wasm   a copy of the compiled kernels (core/engine/wasm/select.ts looks in
 *                        `./build/` next to itself);
 *   stamp.json           the source files that went into the bundle and a hash of them, so
 *                        `npm run train` rebuilds only when one of them changed.
 * Packages from node_modules stay external (imported at run time, as in the app's main bundle).
 * `--if-stale` builds only when the stamp disagrees; `--force` always.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWasm, WASM_OUTPUT } from './build-wasm.mjs';
import { hashInputs, readStamp, writeStamp } from './stamp.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT = join(ROOT, 'out/cli');
export const CLI_ENTRY = join(CLI_OUT, 'train.js');
const STAMP = join(CLI_OUT, 'stamp.json');

/** Inputs that shape the bundle besides its source modules: this script, the dependencies' versions, the kernels. */
const FIXED_INPUTS = ['scripts/build-cli.mjs', 'scripts/stamp.mjs', 'package.json', 'package-lock.json'].map((p) => join(ROOT, p));

function inputsHash(sources) {
  return hashInputs(ROOT, [...FIXED_INPUTS, WASM_OUTPUT, ...sources.map((p) => join(ROOT, p))], [`node ${process.versions.node}`]);
}

/** Whether out/cli matches the sources it was built from (false when never built). */
export function cliUpToDate() {
  const stamp = readStamp(STAMP);
  if (!stamp || !Array.isArray(stamp.inputs)) return false;
  return stamp.hash === inputsHash(stamp.inputs);
}

/** Our own modules of the build graph, relative to the repository (no packages, no virtual modules). */
function sourceModules(ids) {
  return [...ids]
    .filter((id) => !id.startsWith('\0') && id.startsWith(ROOT + sep) && !id.includes(`${sep}node_modules${sep}`))
    .map((id) => relative(ROOT, id));
}

export async function buildCli({ log = (text) => process.stderr.write(`${text}\n`) } = {}) {
  await ensureWasm({ log });
  log('build:cli: bundling core/cli/train.ts into out/cli …');
  const { build } = await import('vite');
  let sources = [];
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    resolve: { alias: { '@core': join(ROOT, 'core') } },
    build: {
      ssr: true,
      target: 'node20',
      outDir: CLI_OUT,
      emptyOutDir: true,
      minify: false,
      copyPublicDir: false,
      rollupOptions: {
        input: { train: join(ROOT, 'core/cli/train.ts'), 'worker-entry': join(ROOT, 'core/engine/parallel/worker-entry.ts') },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          // Beside the entries: code in a chunk resolves ./worker-entry.js and ./build/ from its own URL.
          chunkFileNames: '[name]-[hash].js',
          banner: (chunk) => (chunk.isEntry && chunk.name === 'train' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
    plugins: [
      {
        name: 'fathom-cli-inputs',
        buildEnd() {
          sources = sourceModules(this.getModuleIds());
        },
      },
    ],
  });
  mkdirSync(join(CLI_OUT, 'build'), { recursive: true });
  copyFileSync(WASM_OUTPUT, join(CLI_OUT, 'build/kernels.wasm'));
  sources.sort();
  writeStamp(STAMP, { hash: inputsHash(sources), inputs: sources });
  log(`build:cli: out/cli/train.js built from ${sources.length} source files`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.find((arg) => arg !== '--if-stale');
  if (unknown) {
    process.stderr.write(`build-cli: unknown argument ${unknown} (only --if-stale)\n`);
    process.exit(2);
  }
  if (args.includes('--if-stale') && (await ensureWasm()) && cliUpToDate()) process.stderr.write('build:cli: out/cli is up to date\n');
  else
    await buildCli().catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    });
}
