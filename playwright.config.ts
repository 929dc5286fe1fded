import { defineConfig } from '@playwright/test';

/** Debian's Chromium, headless: `npx playwright install` cannot download browsers on this machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/playwright',
  // Guards against hangs, not speed targets: on a busy machine (load 7+) a flow that trains takes minutes.
  timeout: 420_000,
  expect: { timeout: 60_000 },
  // Two cores and real training in worker threads: one test at a time.
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['./test/e2e/notes-reporter.ts']],
  use: {
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
});
