/**
 * Boots a built main process (FATHOM_BOOT_MAIN: out/main/main.js, or the packed app's) under
 * plain Node with the stand-in Electron (run as `node --import ./register.mjs drive.mjs`), plays
 * Electron's part through a launch, and prints what main did as one JSON line after `BOOT-REPORT `.
 * The test (boot-scenario.ts) asserts on the report. Optional, by environment:
 * FATHOM_BOOT_MODEL: a model file named on the launch's command line;
 * FATHOM_BOOT_SECOND: JSON [workingDirectory, argument] of a second launch;
 * FATHOM_BOOT_RUN: JSON start-run request, trained to its end through IPC;
 * FATHOM_BOOT_SAMPLES=1: read MNIST samples through IPC.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const fake = () => globalThis.fakeElectron;
const report = { log: undefined, steps: [] };
const step = (name, value) => report.steps.push({ name, value });

/** Waits for `test()` to hold: Electron's events come in whatever order the main process causes them. */
async function until(what, test, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    const value = test();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function invoke(channel, event, request) {
  const handler = fake().ipcHandlers.get(channel);
  if (!handler) return { error: `no handler for ${channel}` };
  try {
    return { value: await (request === undefined ? handler(event) : handler(event, request)) };
  } catch (err) {
    return { error: err.message };
  }
}

const labEvents = (win) => win.webContents.sent.filter((s) => s.channel === 'lab:event').map((s) => s.payload);

async function main() {
  const mainPath = process.env.FATHOM_BOOT_MAIN;
  if (process.env.FATHOM_BOOT_MODEL) process.argv.push('--no-sandbox', process.env.FATHOM_BOOT_MODEL);
  await import(pathToFileURL(mainPath).href);
  const { app } = await import('electron');
  step('privileged before ready', fake().privilegedSchemes);
  if (process.env.FAKE_ELECTRON_LOCK === '0') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    step('second instance', { windows: fake().windows.length, exited: fake().exited });
    return;
  }

  app.emitReady();
  const win = await until('the window', () => fake().windows[0]);
  await until('the page load', () => win.loadedUrl);
  step('windows', fake().windows.length);
  step('webPreferences', win.options.webPreferences);
  step('loadURL', win.loadedUrl);

  // The page and its script through the app:// handler, as Chromium would ask for them.
  const serve = fake().protocolHandlers.get('app');
  const get = async (url) => {
    const response = await serve(new Request(url));
    return {
      url,
      status: response.status,
      type: response.headers.get('content-type'),
      csp: response.headers.get('content-security-policy'),
      body: await response.text(),
    };
  };
  const page = await get(win.loadedUrl);
  const rendererRoot = join(dirname(mainPath), '..', 'renderer');
  const script = /<script[^>]*src="\.?\/?([^"]+)"/.exec(page.body)?.[1];
  step('page', { ...page, body: undefined, isBuiltFile: page.body === readFileSync(join(rendererRoot, 'index.html'), 'utf8') });
  const scriptResponse = script ? await get(`app://fathom/${script}`) : undefined;
  step('script', scriptResponse && { ...scriptResponse, body: scriptResponse.body.length });
  const escape = await get('app://fathom/..%2Fmain%2Fmain.js');
  step('escape', { status: escape.status });

  const headers = await new Promise((resolve) => fake().headerHandlers[0]({ responseHeaders: { 'X-Other': ['1'] } }, resolve));
  step('dev server headers', headers);
  step('permission', await new Promise((resolve) => fake().permissionRequestHandler({}, 'camera', resolve)));
  let prevented = false;
  win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.com/');
  step('navigation away prevented', prevented);
  step('window.open', win.webContents.windowOpenHandler?.({ url: 'https://example.com/' }));
  step('channels', [...fake().ipcHandlers.keys()]);

  // The page has loaded: main hands it the model named on the command line.
  win.webContents.emit('did-finish-load');
  if (process.env.FATHOM_BOOT_MODEL)
    step('launch model', (await until('the launch model', () => labEvents(win).find((e) => e.type === 'model-opened'))).result);

  const trusted = { sender: win.webContents, senderFrame: { url: win.loadedUrl, parent: null } };
  step('listDatasets', await invoke('lab:listDatasets', trusted));
  step('untrusted listDatasets', await invoke('lab:listDatasets', { sender: {}, senderFrame: trusted.senderFrame }));
  if (process.env.FATHOM_BOOT_SAMPLES)
    step('getSamples', await invoke('lab:getSamples', trusted, { datasetId: 'mnist', split: 'test', offset: 0, count: 2 }));
  if (process.env.FATHOM_BOOT_RUN) {
    const started = await invoke('lab:startRun', trusted, JSON.parse(process.env.FATHOM_BOOT_RUN));
    const runId = started.value?.id;
    const end = runId
      ? await until(
          'the run to end',
          () =>
            labEvents(win).find((e) => e.type === 'status' && e.runId === runId && ['finished', 'failed', 'stopped'].includes(e.status)),
          180_000,
        )
      : started;
    const listed = await invoke('lab:listRuns', trusted);
    step('run', { end, backend: listed.value?.find((r) => r.id === runId)?.backend });
  }

  // The application menu, as set once the page has reported nothing yet: its top-level menus.
  step(
    'menu',
    fake()
      .menus.at(-1)
      ?.map((m) => m.label),
  );
  // A forged path on the drop channel (the only one that takes paths) is refused, with a notice to the page;
  // the same from a foreign sender is ignored.
  const drop = (event, payload) => (fake().ipcListeners.get('lab-shell:dropped-files') ?? []).forEach((l) => l(event, payload));
  const notices = () => labEvents(win).filter((e) => e.type === 'shell-notice');
  drop({ sender: {}, senderFrame: trusted.senderFrame }, ['/etc/passwd']);
  drop(trusted, ['/no/such/forged.fathom.json']);
  step('forged drop', await until('the drop notice', () => notices()[0]));
  step('drop notices', notices().length);

  if (process.env.FATHOM_BOOT_SECOND) {
    const [cwd, argument] = JSON.parse(process.env.FATHOM_BOOT_SECOND);
    win.minimize();
    win.calls.length = 0;
    const before = labEvents(win).filter((e) => e.type === 'model-opened').length;
    app.emit('second-instance', {}, ['/opt/Fathom/fathom', '--enable-features=X', argument], cwd);
    const opened = await until('the second launch model', () => labEvents(win).filter((e) => e.type === 'model-opened')[before]);
    step('second instance', { windows: fake().windows.length, calls: [...win.calls], minimized: win.isMinimized(), model: opened.result });
  }

  step('recent documents', [...fake().recentDocuments]);
  // Closing the window writes its state at once; quitting waits for the write.
  win.emit('close');
  app.quit();
  await until('the app to exit', () => fake().exited, 30_000);
  const userData = process.env.FAKE_ELECTRON_USER_DATA;
  if (userData) step('window state saved', JSON.parse(readFileSync(join(userData, 'userData', 'window-state.json'), 'utf8')));
  step('after quit', await invoke('lab:listDatasets', trusted));
}

main()
  .catch((err) => step('crash', err.stack))
  .finally(() => {
    report.log = fake()?.log;
    console.log(`BOOT-REPORT ${JSON.stringify(report)}`);
    // Idle worker threads or timers of the service must not keep the process alive.
    process.exit(0);
  });
