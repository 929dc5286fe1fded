/**
 * `npm run bench -- --startup`: how long the command-line trainer takes to answer, from the moment
 * it is invoked (a fresh process) to its `--help` text, and to the end of its first batch (the
 * first `{"type":"progress"}` line of a tiny --json run: built-in MNIST read, network built).
 * Cold = the first run after a fresh `build:cli` (the file cache as it is: nothing is dropped);
 * warm = runs repeated after that. Each command runs as its own process group, ended once it
 * has answered.
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { BenchError } from './errors';
import { table } from './report';

interface Command {
  label: string;
  argv: string[];
  /** Whether "cold" means anything: the source run has no build. */
  built: boolean;
}

const COMMANDS: Command[] = [
  { label: 'node out/cli/train.js (the bin, fathom-train)', argv: [process.execPath, 'out/cli/train.js'], built: true },
  { label: 'node scripts/train.mjs (staleness check + the bin)', argv: [process.execPath, 'scripts/train.mjs'], built: true },
  { label: 'npm run train -- (npm + the above)', argv: ['npm', 'run', '--silent', 'train', '--'], built: true },
  { label: 'tsx core/cli/train.ts (the source, as before)', argv: ['node_modules/.bin/tsx', 'core/cli/train.ts'], built: false },
];

interface Probe {
  label: string;
  args: string[];
  /** What on stdout says the command has answered. */
  answered: RegExp;
}

const PROBES: Probe[] = [
  { label: '--help', args: ['--help'], answered: /^Usage:/m },
  {
    label: 'first batch',
    args: ['--json', '--epochs', '1', '--train-limit', '1000', '--test-limit', '100'],
    answered: /"type":"progress"/,
  },
];

export interface StartupRow {
  command: string;
  /** Median milliseconds per probe, cold and warm (undefined: not measured). */
  cold: (number | undefined)[];
  warm: number[];
}

export interface StartupReport {
  cpu: string;
  cores: number;
  node: string;
  loadAverage: { start: number; end: number };
  coldRuns: number;
  warmRuns: number;
  probes: string[];
  rows: StartupRow[];
}

/** Milliseconds from spawning `argv` to `answered` appearing on its stdout. */
function timeToAnswer(argv: string[], answered: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Its own process group, so npm's shell and node end with it.
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let took: number | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (took !== undefined || !answered.test(stdout)) return;
      took = performance.now() - started;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', () =>
      took === undefined
        ? reject(new BenchError(`${argv.join(' ')} ended without printing ${answered}: ${stderr.trim() || stdout.trim()}`))
        : resolve(took),
    );
  });
}

function rebuild(): void {
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new BenchError(`build:cli failed: ${build.stderr}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function measureStartup(options: {
  coldRuns: number;
  warmRuns: number;
  progress(text: string): void;
}): Promise<StartupReport> {
  const loadAtStart = os.loadavg()[0]!;
  const rows: StartupRow[] = [];
  for (const command of COMMANDS) {
    const row: StartupRow = { command: command.label, cold: [], warm: [] };
    for (const probe of PROBES) {
      const argv = [...command.argv, ...probe.args];
      const cold: number[] = [];
      for (let i = 0; command.built && i < options.coldRuns; i++) {
        rebuild();
        cold.push(await timeToAnswer(argv, probe.answered));
      }
      // One untimed run first, so "warm" never includes a build or a first read.
      await timeToAnswer(argv, probe.answered);
      const warm: number[] = [];
      for (let i = 0; i < options.warmRuns; i++) warm.push(await timeToAnswer(argv, probe.answered));
      row.cold.push(cold.length ? median(cold) : undefined);
      row.warm.push(median(warm));
      options.progress(
        `${command.label}, ${probe.label}: cold ${cold.map((ms) => ms.toFixed(0)).join(' ') || '—'} ms, warm ${warm.map((ms) => ms.toFixed(0)).join(' ')} ms`,
      );
    }
    rows.push(row);
  }
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
    coldRuns: options.coldRuns,
    warmRuns: options.warmRuns,
    probes: PROBES.map((p) => p.label),
    rows,
  };
}

export function formatStartup(report: StartupReport): string {
  const ms = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x).toLocaleString('en')} ms`);
  const header = ['command', ...report.probes.flatMap((p) => [`${p} cold`, `${p} warm`])];
  const body = report.rows.map((r) => [r.command, ...r.warm.flatMap((warm, i) => [ms(r.cold[i]), ms(warm)])]);
  return [
    'Start-up of the command-line trainer: from invoking it to its answer (median wall-clock time)',
    `Machine: ${report.cpu}, ${report.cores} cores, Node ${report.node}; load average ${report.loadAverage.start.toFixed(2)} → ${report.loadAverage.end.toFixed(2)}`,
    `cold = the first run after a fresh build:cli (median of ${report.coldRuns}), warm = repeated runs (median of ${report.warmRuns});`,
    'first batch = a --json run of 784-30-10 on 1,000 MNIST images, up to its first {"type":"progress"} line.',
    '',
    table(header, body),
  ].join('\n');
}
