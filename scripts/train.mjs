#!/usr/bin/env node
/**
 * `npm run train -- …`: runs the built command-line trainer (out/cli/train.js), first compiling
 * the wasm kernels and bundling the CLI only when their sources changed since the last build (the
 * checks hash the inputs: tens of milliseconds). The trainer runs in this process, so it reads the
 * same argv and hears Ctrl-C itself.
 */
import { pathToFileURL } from 'node:url';
import { buildCli, cliUpToDate, CLI_ENTRY } from './build-cli.mjs';
import { wasmUpToDate } from './build-wasm.mjs';

try {
  if (!wasmUpToDate() || !cliUpToDate()) await buildCli();
} catch (error) {
  process.stderr.write(`fathom train: could not build the trainer: ${error.message}\n`);
  process.exit(1);
}
await import(pathToFileURL(CLI_ENTRY).href);
