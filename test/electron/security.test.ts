import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { APP_PAGE_URL } from '../../electron/protocol';
import {
  appOrigin,
  CONTENT_SECURITY_POLICY,
  CSP_HEADER,
  hardenContents,
  isAppUrl,
  trustedSender,
  type HardenableContents,
} from '../../electron/security';

const built = { appPage: APP_PAGE_URL };
const dev = { devServer: 'http://localhost:5173/' };

describe('isAppUrl', () => {
  it('accepts the app page on app:// with any hash or query, and nothing else', () => {
    expect(APP_PAGE_URL).toBe('app://fathom/index.html');
    expect(isAppUrl('app://fathom/index.html', built)).toBe(true);
    expect(isAppUrl('app://fathom/index.html#/train?x=1', built)).toBe(true);
    expect(isAppUrl('app://fathom/other.html', built)).toBe(false);
    expect(isAppUrl('app://fathom/assets/index.js', built)).toBe(false);
    expect(isAppUrl('app://evil/index.html', built)).toBe(false);
    expect(isAppUrl('app://fathom.evil.example/index.html', built)).toBe(false);
    expect(isAppUrl('file:///opt/Fathom/resources/app.asar/out/renderer/index.html', built)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('https://fathom/index.html', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('app://fathom/index.html', dev)).toBe(false);
  });
});

describe('appOrigin', () => {
  it('honours ELECTRON_RENDERER_URL in development only: packaged, the page is always app://', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' };
    expect(appOrigin(false, env, APP_PAGE_URL)).toEqual({ devServer: 'http://localhost:5173/' });
    expect(appOrigin(true, env, APP_PAGE_URL)).toEqual({ appPage: APP_PAGE_URL });
    expect(appOrigin(false, {}, APP_PAGE_URL)).toEqual({ appPage: APP_PAGE_URL });
    expect(appOrigin(false, { ELECTRON_RENDERER_URL: '' }, APP_PAGE_URL)).toEqual({ appPage: APP_PAGE_URL });
  });
});

describe('trustedSender', () => {
  const mainFrame = { url: 'app://fathom/index.html', parent: null };
  const webContents = { mainFrame } as unknown as WebContents;
  const check = trustedSender(() => ({ webContents }), built);
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('trusts only the main frame of the app window showing the app page', () => {
    expect(check(event(webContents, mainFrame))).toBe(true);
    expect(check(event({ mainFrame }, mainFrame))).toBe(false); // another window
    expect(check(event(webContents, { url: mainFrame.url, parent: mainFrame }))).toBe(false); // an iframe
    expect(check(event(webContents, null))).toBe(false); // a frame already gone
    expect(check(event(webContents, { url: 'file:///opt/Fathom/resources/app.asar/out/renderer/index.html', parent: null }))).toBe(false);
    const navigated = { mainFrame: { url: 'https://example.com/', parent: null } } as unknown as WebContents;
    expect(trustedSender(() => ({ webContents: navigated }), built)(event(navigated, navigated.mainFrame))).toBe(false);
    expect(trustedSender(() => undefined, built)(event(webContents, mainFrame))).toBe(false);
  });
});

describe('hardenContents', () => {
  it('denies navigation away from the app, new windows and webviews', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (name: string, listener: (event: { preventDefault(): void }, url?: string) => void) => listeners.set(name, listener),
      setWindowOpenHandler: (handler: () => { action: 'deny' }) => (openHandler = handler),
    } as unknown as HardenableContents;
    hardenContents(contents, built);
    const prevented = (name: string, url?: string) => {
      let stopped = false;
      listeners.get(name)!({ preventDefault: () => (stopped = true) }, url);
      return stopped;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', 'app://fathom/index.html#x')).toBe(false);
    expect(prevented('will-navigate', 'file:///opt/Fathom/resources/app.asar/out/renderer/index.html')).toBe(true);
    expect(prevented('will-navigate', 'app://fathom/assets/index.js')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });
});

describe('the Content-Security-Policy', () => {
  it('is the same in the response header as in the meta tag of renderer/index.html', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
    expect(CSP_HEADER.startsWith(CONTENT_SECURITY_POLICY)).toBe(true);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});
