/** Runs the command-line trainer from source (node --import tsx, one process, so signals reach it directly). */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { expect } from 'vitest';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const ENTRY = ['--import', 'tsx', 'core/cli/train.ts'];

export function cli(args: string[], env: Record<string, string> = {}): CliRun {
  const run = spawnSync(process.execPath, [...ENTRY, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The trainer running in the background, with its output so far, for tests that act on it mid-run. */
export class LiveCli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliRun>;
  private waiters: (() => void)[] = [];

  constructor(args: string[], entry: string[] = ENTRY) {
    this.child = spawn(process.execPath, [...entry, ...args]);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.took(() => (this.stdout += chunk)));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.took(() => (this.stderr += chunk)));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (status) => {
        this.took(() => undefined);
        resolve({ status, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  /** Resolves once stdout or stderr matches (or rejects when the process ends first). */
  async waitFor(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    while (!pattern.test(this[stream])) {
      if (ended) throw new Error(`the CLI ended before printing ${pattern}: ${this.stderr}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private took(append: () => unknown): void {
    append();
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** The --json lines, parsed; each must carry a type. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) expect(typeof line['type']).toBe('string');
  return lines;
}

export const ofType = (lines: Record<string, unknown>[], type: string): Record<string, unknown>[] =>
  lines.filter((l) => l['type'] === type);

/** What a pipe (not a terminal) must never receive: ESC, CR, or any other control character but the line feed. */
export function expectNoTerminalCodes(text: string): void {
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

/** stderr as one line (the CLI promises exactly one for a failure), with no terminal codes. */
export function oneLine(stderr: string): string {
  expectNoTerminalCodes(stderr);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}
