/**
 * Screenshots of the Design tab for a visual check: serves the built renderer (out/renderer),
 * stands a fake window.lab in for the main process, and captures light and dark at 1280×800.
 * Run after `npx electron-vite build`:  npx tsx test/renderer/design/screenshots.ts [outDir]
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium, type Page } from '@playwright/test';

const root = join(process.cwd(), 'out/renderer');
const outDir = process.argv[2] ?? '/tmp/fathom-design';
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    readFile(file)
      .then((body) => {
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(404);
        res.end();
      });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    }),
  );
}

/**
 * Runs in the page (kept as source text: tsx's helpers do not exist there): a window.lab whose
 * samples are digits rendered with fillText, slightly rotated and blurred.
 */
const FAKE_LAB = `
(() => {
  const labels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9, 4, 0, 9, 1, 1, 2, 4, 3, 2, 7, 3, 8];
  const digit = (d, i) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 28;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, 28, 28);
    g.filter = 'blur(0.6px)';
    g.fillStyle = '#fff';
    g.font = (i % 2 ? 'bold ' : '') + '22px ' + (i % 3 ? 'sans-serif' : 'serif');
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.translate(14, 15);
    g.rotate(((i % 5) - 2) * 0.08);
    g.fillText(String(d), 0, 0);
    const data = g.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, p) => data[p * 4]);
  };
  const mnist = {
    id: 'mnist', name: 'MNIST handwritten digits', kind: 'classification', inputShape: [28, 28],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], sizes: { train: 60000, test: 10000 }, builtIn: true,
  };
  const none = async () => undefined;
  window.lab = {
    listDatasets: async () => [mnist],
    getSamples: async (r) => {
      const chosen = labels.slice(0, r.count);
      return { width: 28, height: 28, step: 1, labels: chosen, pixels: Uint8Array.from(chosen.flatMap((d, i) => digit(d, i))) };
    },
    listRuns: async () => [],
    startRun: async () => { throw new Error('not in screenshots'); },
    pauseRun: none, resumeRun: none, stepRun: none, stopRun: none, setLearningRate: none, deleteRun: none,
    saveModel: async () => ({ saved: false }),
    onEvent: () => () => undefined,
  };
})();
`;

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(outDir, `${name}.png`) });
  console.log(join(outDir, `${name}.png`));
}

async function main(): Promise<void> {
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => console.error('pageerror', e.message));
      page.on('console', (m) => m.type() === 'error' && console.error('console', m.text()));
      await page.emulateMedia({ colorScheme: scheme });
      await page.addInitScript({ content: FAKE_LAB });
      await page.goto(url);
      await page.getByTestId('sample-grid').waitFor();
      await page.locator('#f-layers-0-activation').focus();
      await shoot(page, `${scheme}-network-py`);
      await page.getByTestId('preset-select').selectOption('seed');
      await page.locator('#f-batchSize').focus();
      await shoot(page, `${scheme}-seed`);
      await page.getByTestId('preset-select').selectOption('perceptron');
      await page.locator('#f-layers-0-activation').focus();
      await shoot(page, `${scheme}-perceptron`);
      await page.getByTestId('preset-select').selectOption('modern');
      await page.locator('#f-loss').focus();
      await shoot(page, `${scheme}-modern`);
      await page.close();
    }
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript({ content: FAKE_LAB });
    await page.goto(url);
    await page.getByTestId('sample-grid').waitFor();
    await page.getByTestId('preset-select').selectOption('seed');
    for (let i = 0; i < 3; i++) await page.getByTestId('add-layer').click();
    await page.locator('#f-loss').selectOption('cross-entropy');
    await page.locator('#f-loss').focus();
    await shoot(page, 'light-wide-deep');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('#f-optimizer').selectOption('momentum');
    await page.locator('#f-stop').selectOption('early-stopping');
    await page.locator('#f-trainLimit').fill('2000');
    await page.locator('#f-seed').scrollIntoViewIfNeeded();
    await page.locator('#f-stop').focus();
    await shoot(page, 'light-editor-bottom');
    await page.close();
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
