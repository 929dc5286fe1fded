// Runs the built command-line trainer (argv[2]) with the arguments after it, and prints its peak
// RSS (process.resourceUsage().maxRSS, in kB) on stderr as it exits: bench/cli-memory.ts reads it.
import { pathToFileURL } from 'node:url';

const [entry] = process.argv.splice(2, 1);
process.on('exit', () => process.stderr.write(`\nFATHOM_MAX_RSS_KB ${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(entry).href);
