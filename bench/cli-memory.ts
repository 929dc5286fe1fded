/**
 * Peak memory of a command-line MNIST training run (the budget: 200 MB): builds the CLI
 * when its sources changed, trains 784-30-10 for one epoch with the validation split (so every
 * split is loaded and evaluated), and reads the process's own peak RSS as it exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRAPPER = fileURLToPath(new URL('./cli-rss.mjs', import.meta.url));
export const CLI_MEMORY_ARGS = ['--layers', '784,30,10', '--epochs', '1', '--validation', '--json'];

export async function measureCliMemory(): Promise<{ peakRss: number; args: string[] }> {
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new BenchError(`build:cli failed: ${build.stderr}`);
  const entry = `${ROOT}out/cli/train.js`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRAPPER, entry, ...CLI_MEMORY_ARGS], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = /FATHOM_MAX_RSS_KB (\d+)/.exec(stderr)?.[1];
      if (code !== 0 || kb === undefined) reject(new BenchError(`the command-line trainer exited with code ${code}: ${stderr.trim()}`));
      else resolve({ peakRss: Number(kb) * 1024, args: CLI_MEMORY_ARGS });
    });
  });
}
