import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, mimeType, rendererFile, serveRendererFiles } from '../../electron/protocol';
import { CSP_HEADER } from '../../electron/security';

// A renderer folder with a secret beside it, which no app:// URL may reach.
const base = mkdtempSync(join(tmpdir(), 'fathom-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Fathom</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};');
writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
writeFileSync(join(root, 'assets', 'kernels.wasm'), new Uint8Array([0, 97, 115, 109]));
writeFileSync(join(root, 'assets', 'a b.png'), new Uint8Array([137, 80, 78, 71]));
writeFileSync(join(base, 'secret.txt'), 'secret');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const serve = serveRendererFiles(root);
const get = (url: string, method = 'GET') => serve({ url, method });

describe('the app:// scheme', () => {
  it('is registered as a standard, secure scheme that may use fetch', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });

  it('serves the page with its MIME type and the CSP header', async () => {
    const response = await get(APP_PAGE_URL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP_HEADER);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>Fathom</title>');
  });

  it('serves the assets with the types Chromium needs (module scripts, styles, wasm), escapes decoded', async () => {
    expect((await get('app://fathom/assets/index-abc.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://fathom/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const wasm = await get('app://fathom/assets/kernels.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    expect((await get('app://fathom/assets/a%20b.png')).status).toBe(200);
    expect(mimeType('x.bin')).toBe('application/octet-stream');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(APP_PAGE_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get(APP_PAGE_URL, 'POST')).status).toBe(405);
  });

  it('refuses every path out of the renderer folder, other hosts and schemes, folders and missing files', async () => {
    const refused = [
      'app://fathom/../secret.txt',
      'app://fathom/%2e%2e/secret.txt',
      'app://fathom/..%2Fsecret.txt',
      'app://fathom/assets/..%2F..%2Fsecret.txt',
      'app://fathom/..%5Csecret.txt',
      `app://fathom/${encodeURIComponent(join(base, 'secret.txt'))}`,
      'app://fathom/index.html%00.png',
      'app://fathom/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://fathom/index.html',
      'app://fathom/',
      'app://fathom/assets',
      'app://fathom/missing.js',
    ];
    for (const url of refused) {
      const response = await get(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
      expect(await response.text()).not.toContain('secret');
    }
    expect(rendererFile('app://fathom/..%2Fsecret.txt', root)).toBeUndefined();
    expect(rendererFile('app://fathom/assets/index-abc.js', root)).toBe(join(root, 'assets', 'index-abc.js'));
  });
});
