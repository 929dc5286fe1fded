/**
 * Debian's python3-torch for the interchange tests: which Python has it (FATHOM_PYTHON, then
 * /usr/bin/python3, then python3 on PATH: a pyenv shim can shadow Debian's), and running scripts
 * with it. CI installs python3-torch (.ci/run), so these tests run there; elsewhere they are skipped
 * with the reason.
 */
import { execFileSync, spawn } from 'node:child_process';

function hasTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore', timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

export const PYTHON: string | undefined = [process.env['FATHOM_PYTHON'], '/usr/bin/python3', 'python3']
  .filter((p): p is string => !!p)
  .find(hasTorch);

export const NO_TORCH_REASON = 'python3-torch is not installed (apt install python3-torch python3-numpy, or set FATHOM_PYTHON)';

/** Runs `command args` in `cwd`; resolves with stdout, rejects with stderr when the exit status is not 0. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, OMP_NUM_THREADS: '1', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

/** The JSON lines train.py printed, of one type (after any "[default0]:" prefix torchrun's --tee adds). */
export function jsonLines(stdout: string, type: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^\[default\d+\]:/, ''))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event['type'] === type);
}
