#!/usr/bin/env node
/**
 * `npm run build:cli`: bundles the command-line trainer (core/cli/train.ts) into out/cli/train.js,
 * an ES module for Node with a shebang, so it runs without tsx. Beside it:
 *   worker-entry.js      the data-parallel shard worker (core/engine/parallel/node-workers.ts starts
 *                        `./worker-entry.js` next to itself, so every chunk stays in this folder);
 *   build/kernels.wasm   a copy of the compiled kernels (core/engine/wasm/select.ts looks in
 *                        `./build/` next to itself);
 *   stamp.json           the source files that went into the bundle and a hash of them and of
 *                        the kernels, so `npm run train` rebuilds only when one of them changed.
 * Packages from node_modules stay external (imported at run time, as in the app's main bundle).
 *   --if-stale       build only when the stamp disagrees with the sources
 *   --check          build nothing: exit 0 when up to date, 1 when a build is due
 *   --out-dir DIR    another output folder (packages are then found from DIR upwards)
 */
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureWasm, WASM_OUTPUT, wasmUpToDate } from './build-wasm.mjs';
import { hashInputs, readStamp, writeStamp } from './stamp.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT = join(ROOT, 'out/cli');
export const CLI_ENTRY = join(CLI_OUT, 'train.js');

/** Inputs that shape the bundle besides its source modules: these scripts, the dependencies' versions, the kernels. */
const FIXED_INPUTS = [
  'scripts/build-cli.mjs',
  'scripts/build-wasm.mjs',
  'scripts/stamp.mjs',
  'package.json',
  'package-lock.json',
  WASM_OUTPUT,
];

function inputsHash(sources) {
  return hashInputs(
    ROOT,
    [...FIXED_INPUTS, ...sources].map((p) => resolve(ROOT, p)),
    [`node ${process.versions.node}`],
  );
}

/** Whether the bundle in `outDir` matches the sources it was built from (false when never built). */
export function cliUpToDate(outDir = CLI_OUT) {
  const stamp = readStamp(join(outDir, 'stamp.json'));
  return Array.isArray(stamp?.inputs) && stamp.hash === inputsHash(stamp.inputs);
}

/** Our own modules of the build graph, relative to the repository (no packages, no virtual modules). */
function sourceModules(ids) {
  const ours = (id) => !id.startsWith('\0') && id.startsWith(ROOT + sep) && !id.includes(`${sep}node_modules${sep}`);
  return [...ids].filter(ours).map((id) => relative(ROOT, id));
}

export async function buildCli({ outDir = CLI_OUT, log = (text) => process.stderr.write(`${text}\n`) } = {}) {
  await ensureWasm({ log });
  log(`build:cli: bundling core/cli/train.ts into ${relative(process.cwd(), outDir) || '.'} …`);
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
      outDir,
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
          sources = sourceModules(this.getModuleIds()).sort();
        },
      },
    ],
  });
  chmodSync(join(outDir, 'train.js'), 0o755); // runnable as ./out/cli/train.js, as npm makes a bin
  mkdirSync(join(outDir, 'build'), { recursive: true });
  copyFileSync(WASM_OUTPUT, join(outDir, 'build/kernels.wasm'));
  writeStamp(join(outDir, 'stamp.json'), { hash: inputsHash(sources), inputs: sources });
  log(`build:cli: train.js built from ${sources.length} source files`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let flags;
  try {
    const options = { 'if-stale': { type: 'boolean' }, check: { type: 'boolean' }, 'out-dir': { type: 'string' } };
    flags = parseArgs({ options }).values;
  } catch (error) {
    process.stderr.write(`build-cli: ${error.message}\n`);
    process.exit(2);
  }
  const outDir = flags['out-dir'] ? resolve(flags['out-dir']) : CLI_OUT;
  if (flags.check) {
    const upToDate = wasmUpToDate() && cliUpToDate(outDir);
    process.stderr.write(`build:cli: ${upToDate ? 'up to date' : 'needs a build'}\n`);
    process.exitCode = upToDate ? 0 : 1;
  } else if (flags['if-stale'] && wasmUpToDate() && cliUpToDate(outDir)) process.stderr.write('build:cli: up to date\n');
  else
    await buildCli({ outDir }).catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    });
}
