/**
 * Runs drive.mjs (a built main process under plain Node with the stand-in Electron) in a child
 * process and returns its report; and the assertions every boot must pass, built or packed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { LAB_METHODS, labChannel } from '../../../core/lab/contract';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { ScalingParams } from '../../../core/data/scaling';
import { buildModelFile } from '../../../core/model/model-file';
import { saveModelFile } from '../../../core/model/model-files';
import { CSP_HEADER } from '../../../electron/security';
import { quickRun } from '../../core/service/helpers';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface BootReport {
  log: string[];
  steps: { name: string; value: unknown }[];
}

/** Boots `mainPath`; `env` configures the stand-in Electron (FAKE_ELECTRON_*) and the scenario (FATHOM_BOOT_*, see drive.mjs). */
export function boot(mainPath: string, env: Record<string, string>): Promise<{ report: BootReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', join(here, 'register.mjs'), join(here, 'drive.mjs')],
      { env: { ...process.env, ...env, FATHOM_BOOT_MAIN: mainPath }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('BOOT-REPORT '));
        if (!line) return reject(new Error(`the boot printed no report (${error?.message ?? 'exit 0'}):\n${stdout}\n${stderr}`));
        resolve({ report: JSON.parse(line.slice('BOOT-REPORT '.length)) as BootReport, stderr });
      },
    );
  });
}

/** The value of the step `name`; fails the test when the driver crashed first. */
export function stepOf(report: BootReport, name: string): unknown {
  const crash = report.steps.find((s) => s.name === 'crash');
  if (crash) throw new Error(`the boot crashed: ${String(crash.value)}`);
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`the boot report has no step "${name}": ${report.steps.map((s) => s.name).join(', ')}`);
  return found.value;
}

/** A small valid model file (an untrained 784-16-10), to open from the command line. */
export async function writeModelFile(path: string): Promise<void> {
  const { spec, settings } = quickRun();
  const scaling: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
  const dataset = {
    name: 'MNIST handwritten digits',
    inputShape: [28, 28],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    sizes: { train: 0, test: 0 },
    files: [],
  };
  await saveModelFile(
    path,
    buildModelFile(Network.create(spec, new Rng(1)), { scaling, settings, dataset, history: [], appVersion: '0.1.0' }),
  );
}

/**
 * What every boot of the app must show: app:// registered as privileged before ready; one window
 * with the locked-down preferences (DevTools as `packaged` says) showing the built page on app://
 * with the CSP header; nothing served from outside the renderer; navigation, new windows and
 * permissions denied; exactly the contract's IPC channels; a trusted request served end to end
 * and a foreign sender refused; and after Quit the service disposed and the app gone.
 */
export function expectLockedDownBoot(report: BootReport, rendererRoot: string, packaged: boolean): void {
  expect(stepOf(report, 'privileged before ready')).toEqual([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  expect(stepOf(report, 'windows')).toBe(1);
  expect(stepOf(report, 'webPreferences')).toMatchObject({
    preload: expect.stringMatching(/[\\/]out[\\/]preload[\\/]preload\.cjs$/),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    devTools: !packaged,
  });
  expect(stepOf(report, 'loadURL')).toBe('app://fathom/index.html');
  expect(stepOf(report, 'page')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', csp: CSP_HEADER, isBuiltFile: true });
  const script = stepOf(report, 'script') as { url: string; status: number; type: string; body: number };
  expect(script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', csp: CSP_HEADER });
  expect(script.body).toBe(readFileSync(join(rendererRoot, script.url.slice('app://fathom/'.length)), 'utf8').length);
  expect(stepOf(report, 'escape')).toEqual({ status: 404 });
  expect(stepOf(report, 'dev server headers')).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CSP_HEADER] } });
  expect(stepOf(report, 'permission')).toBe(false);
  expect(stepOf(report, 'navigation away prevented')).toBe(true);
  expect(stepOf(report, 'window.open')).toEqual({ action: 'deny' });
  expect([...(stepOf(report, 'channels') as string[])].sort()).toEqual(LAB_METHODS.map(labChannel).sort());
  expect(stepOf(report, 'listDatasets')).toMatchObject({ value: [{ id: 'mnist', builtIn: true, sizes: { train: 60_000, test: 10_000 } }] });
  expect(stepOf(report, 'untrusted listDatasets')).toEqual({ error: 'untrusted sender' });
  expect(stepOf(report, 'after quit')).toEqual({ error: 'The lab service has shut down.' });
  expect(stepOf(report, 'menu')).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
  expect(stepOf(report, 'forged drop')).toEqual({
    type: 'shell-notice',
    kind: 'error',
    text: 'Not opened: forged.fathom.json does not exist (or cannot be read).',
  });
  expect(stepOf(report, 'drop notices')).toBe(1);
  expect(report.log.slice(-2)).toEqual(['quit prevented', 'quit']);
}
