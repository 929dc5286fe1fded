/**
 * The app:// scheme the window loads the built renderer from. Unlike file://, its responses carry
 * headers, so the Content-Security-Policy header applies to the page, and the page has an origin
 * of its own (app://fathom) rather than the whole file system. Only files inside out/renderer are
 * served; anything else, including paths that climb out of it, is a 404.
 *
 * No Electron here: main.ts registers the scheme and hands `serveRendererFiles` to protocol.handle.
 */
// fs.promises looked up at call time: Electron patches it to read inside app.asar, after ES module bindings may have been taken.
import fs from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { CSP_HEADER } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fathom';
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before the app is ready. standard: URLs with a host and relative paths, like http;
 * secure: treated like https (no mixed-content downgrade); supportFetchAPI: the page may fetch its
 * own files. corsEnabled stays off: the page's module scripts are same-origin loads, which need
 * no CORS, and without it Electron refuses any other origin's CORS request to app://.
 */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } };

/** What the built renderer holds (Vite's output), with the types Chromium needs to run it (module scripts must be JavaScript). */
const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file inside `root` that an app:// URL names, or undefined for any URL that is not
 * app://fathom/<a path inside root>: another host, a malformed escape, a NUL, or a path that
 * leaves root once decoded (`..%2F`, `..\`, an absolute path).
 */
export function rendererFile(url: string, root: string): string | undefined {
  let parsed: URL;
  let path: string;
  try {
    parsed = new URL(url);
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || path.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

/** The handler for protocol.handle(APP_SCHEME): the file with its MIME type and the CSP, or a 404. */
export function serveRendererFiles(root: string): (request: { url: string; method: string }) => Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const file = rendererFile(request.url, root);
    if (!file) return notFound();
    try {
      if (!(await fs.promises.stat(file)).isFile()) return notFound();
      const body = request.method === 'HEAD' ? null : await fs.promises.readFile(file);
      return new Response(body, {
        status: 200,
        headers: { 'content-type': mimeType(file), 'content-security-policy': CSP_HEADER, 'x-content-type-options': 'nosniff' },
      });
    } catch {
      return notFound();
    }
  };
}
