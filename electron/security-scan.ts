/**
 * `npm run security`: scans the built app (out/, what ships: main, preload, renderer HTML) with
 * Electronegativity and fails on any HIGH or MEDIUM finding that is not reviewed below.
 * Electronegativity always exits 0, so its CSV report is read here.
 *
 * Run after `electron-vite build`. The Electron version comes from package.json (offline, the tool
 * cannot look it up, and without it assumes an old Electron and reports long-gone features).
 *
 * Electronegativity requires `commander` without declaring it and needs commander ≤ 6 (it reads
 * options as properties of `program`): package.json pins commander 5.1.0 for it (see its "//" note).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Findings of HIGH/MEDIUM severity that were reviewed and are accepted, with the reason. */
const REVIEWED: Record<string, string> = {
  PRELOAD_JS_CHECK:
    'a manual-review reminder raised for any preload. Ours (electron/preload.ts) is sandboxed and exposes only the ' +
    'window.lab contract methods through contextBridge, each one ipcRenderer.invoke on its own channel, plus onEvent ' +
    'which passes the payload only; main checks the sender and validates every payload (test/electron/ipc.test.ts).',
};

/** LOW findings that are kept, with the reason (printed so the report says why). */
const KEPT_LOW: Record<string, string> = {
  CSP_GLOBAL_CHECK:
    "the CSP keeps style-src 'unsafe-inline' (Vue and Vite inject <style> in development) and the tool cannot read " +
    'the header policy main.js sends from a constant; scripts are limited to self, no eval, no objects.',
};

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'out');

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field.trim());
      field = '';
    } else if (c === '\n') {
      row.push(field.trim());
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field.trim() || row.length) {
    row.push(field.trim());
    rows.push(row);
  }
  return rows;
}

function main(): number {
  if (!existsSync(join(out, 'main', 'main.js'))) {
    console.error('security: out/main/main.js is missing; run `npx electron-vite build` first.');
    return 2;
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const electronVersion = pkg.devDependencies?.['electron']?.replace(/^[^\d]*/, '');
  if (!electronVersion) {
    console.error('security: package.json has no electron devDependency to take the version from.');
    return 2;
  }
  const cli = createRequire(import.meta.url).resolve('@doyensec/electronegativity/dist/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'fathom-security-'));
  const report = join(dir, 'electronegativity.csv');
  try {
    /**
     * One scan: its rows, or why its report cannot be read. The tool writes the report's header and
     * its rows with two writeFile calls it does not wait for (the header's truncating 'w', the rows'
     * 'a'), so on a busy machine the rows can land first and be torn by the header: such a report is
     * read again from a new scan, and only a scan torn three times fails.
     */
    const scan = (): { rows: string[][] } | { problem: string; torn: boolean } => {
      rmSync(report, { force: true });
      const run = spawnSync(process.execPath, [cli, '-i', out, '-r', '-v', 'false', '-e', electronVersion, '-o', report], {
        encoding: 'utf8',
        cwd: root,
      });
      if (run.status !== 0 || !existsSync(report))
        return { problem: `electronegativity failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`, torn: false };
      const [header, ...rows] = parseCsv(readFileSync(report, 'utf8')).filter((r) => r.length > 1);
      if (!header || header[0] !== 'issue') return { problem: 'could not read the electronegativity report (no header).', torn: true };
      // A report cut short (an unclosed quote) reads as one long row and would hide every finding after it.
      const malformed = rows.find((row) => row.length !== header.length || !/^[A-Z_]+$/.test(row[0] ?? ''));
      if (malformed)
        return { problem: `the electronegativity report has a malformed row: ${malformed.join(',').slice(0, 200)}`, torn: true };
      // The header's write landing last leaves the header alone; the tool always flags our preload, so no rows means a torn report.
      if (rows.length === 0)
        return { problem: 'the electronegativity report has no findings at all (not even the preload reminder).', torn: true };
      return { rows };
    };
    let result = scan();
    for (let attempt = 2; attempt <= 3 && 'torn' in result && result.torn; attempt++) {
      console.log(`security: ${result.problem} — scanning again (${attempt} of 3)`);
      result = scan();
    }
    if ('problem' in result) {
      console.error(`security: ${result.problem}`);
      return 2;
    }
    const { rows } = result;
    let failures = 0;
    for (const [issue = '', severity = '', confidence = '', file = '', location = ''] of rows) {
      const where = `${issue} ${severity}/${confidence} at out/${file}:${location}`;
      if (severity === 'HIGH' || severity === 'MEDIUM') {
        if (REVIEWED[issue]) console.log(`reviewed  ${where}: ${REVIEWED[issue]}`);
        else {
          failures++;
          console.log(`FAIL      ${where}`);
        }
      } else console.log(`kept      ${where}${KEPT_LOW[issue] ? `: ${KEPT_LOW[issue]}` : ''}`);
    }
    console.log(
      failures
        ? `security: ${failures} HIGH/MEDIUM finding(s) to fix.`
        : `security: no HIGH/MEDIUM findings (Electron ${electronVersion}, ${rows.length} reviewed or LOW).`,
    );
    return failures ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
