/**
 * The command-line trainer: the same engine as the app, without a window.
 *   npm run train -- --layers 784,30,10 --activation sigmoid --loss quadratic --batch 10 --lr 3
 *   npm run train -- --dataset /usr/share/datasets/fashion-mnist --layers 784,100,10 --train-limit 5000
 * Bundled into out/cli/train.js by `npm run build:cli` (scripts/build-cli.mjs). --help and
 * --version answer before the engine and the data code are even loaded (run.ts is imported after).
 */
import { APP_VERSION } from '../version';
import { CliError, parseCli, USAGE } from './args';
import { CliOutput } from './output';
import { printable } from './terminal';

async function main(argv: string[]): Promise<number> {
  const options = parseCli(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`fathom-train ${APP_VERSION}\n`);
    return 0;
  }
  const { runCli } = await import('./run');
  return runCli(options, new CliOutput(options.json));
}

// A reader that went away (`… --json | head -3`): stop as a Unix tool does on SIGPIPE, without a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141); // 128 + SIGPIPE
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Over a progress bar, if one is drawn (only ever on a terminal).
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fathom train: ${printable(message)}\n`);
    process.exitCode = error instanceof CliError ? 2 : 1;
  },
);
