#!/usr/bin/env node
/**
 * `npm run train -- …`: runs the built command-line trainer (out/cli/train.js), first compiling
 * the wasm kernels and bundling the CLI only when their sources changed since the last build (the
 * checks hash the inputs: a few milliseconds). The trainer runs in this process, so it reads the
 * same argv and receives Ctrl-C directly.
 */
import { pathToFileURL } from 'node:url';
import { buildCli, cliUpToDate, CLI_ENTRY } from './build-cli.mjs';
import { ensureWasm } from './build-wasm.mjs';

try {
  if ((await ensureWasm()) === 'compiled' || !cliUpToDate()) await buildCli();
} catch (error) {
  process.stderr.write(`fathom train: could not build the trainer: ${error.message}\n`);
  process.exit(1);
}
await import(pathToFileURL(CLI_ENTRY).href);
