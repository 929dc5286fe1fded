/**
 * Playwright fixtures for the end-to-end tests: the built renderer served over 127.0.0.1, a REAL
 * LabService (temp data folder, dialogs that save into it, tsx worker threads) behind window.lab,
 * and a `shot()` that saves a screenshot to test-results/screens/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { tsImport } from 'tsx/esm/api';
import type { LabService } from '../../core/service/lab-service';
import { trainWorkerFactory } from '../core/service/tsx-worker';
import { connectLab, type Bridge } from './lab-bridge';
import { OUT_RENDERER, SCREENS } from './paths';
import { serveStatic } from './static-server';

export interface Lab {
  service: LabService;
  bridge: Bridge;
  dataDir: string;
  /** File names the save dialog was asked to suggest. */
  savePrompts: string[];
  /** What the open dialog answers, in order (null = the user cancelled); cancelled once empty. */
  openPaths: (string | null)[];
  /** What the import dialog answers, in order (null = the user cancelled); cancelled once empty. */
  importPaths: (string[] | null)[];
}

type LabServiceModule = typeof import('../../core/service/lab-service');

/**
 * core/ imports package.json without an import attribute, which Playwright's loader refuses; tsx
 * loads the service (and everything it imports) in its own namespace instead.
 */
const loadService = (): Promise<LabServiceModule> =>
  tsImport('../../core/service/lab-service.ts', import.meta.url) as Promise<LabServiceModule>;

interface Fixtures {
  lab: Lab;
  /** The app, loaded, with window.lab connected. */
  app: Page;
  shot(name: string): Promise<void>;
}

export const test = base.extend<Fixtures, { serverUrl: string }>({
  serverUrl: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const server = await serveStatic(OUT_RENDERER);
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],

  lab: async ({ page }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fathom-e2e-'));
    const savePrompts: string[] = [];
    const openPaths: (string | null)[] = [];
    const importPaths: (string[] | null)[] = [];
    const { LabService } = await loadService();
    const service = new LabService({
      dataDir,
      dialogs: {
        chooseSavePath: async (name) => (savePrompts.push(name), join(dataDir, name)),
        chooseOpenPath: async () => openPaths.shift() ?? null,
        chooseImportPaths: async () => importPaths.shift() ?? null,
      },
      workerFactory: trainWorkerFactory,
      maxConcurrent: 1,
      progressIntervalMs: 100,
    });
    const bridge = await connectLab(page, service);
    await use({ service, bridge, dataDir, savePrompts, openPaths, importPaths });
    bridge.detach();
    await service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  },

  app: async ({ page, lab, serverUrl }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    void lab;
    await page.goto(serverUrl);
    await expect(page.getByTestId('tab-design')).toBeVisible();
    await use(page);
    expect(errors, 'errors in the page').toEqual([]);
  },

  shot: async ({ page }, use, info) => {
    const prefix = info.titlePath
      .at(-1)!
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
    await use(async (name) => {
      await page.screenshot({ path: join(SCREENS, `${prefix}--${name}.png`) });
    });
  },
});

export { expect };

/**
 * For waits on real work to reach a state (an epoch trained, a run finished, a dataset imported):
 * seconds on a quiet machine, minutes on a busy one. A guard against hangs, not a speed target.
 */
export const SLOW = { timeout: 300_000 };
