import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  CSP_HEADER,
  hardenContents,
  isAppUrl,
  trustedSender,
  type HardenableContents,
} from '../../electron/security';

const built = { indexFile: '/opt/Fathom/resources/app.asar/out/renderer/index.html' };
const dev = { devServer: 'http://localhost:5173/' };

describe('isAppUrl', () => {
  it('accepts the app page with any hash or query, and nothing else', () => {
    expect(isAppUrl('file:///opt/Fathom/resources/app.asar/out/renderer/index.html', built)).toBe(true);
    expect(isAppUrl('file:///opt/Fathom/resources/app.asar/out/renderer/index.html#/train?x=1', built)).toBe(true);
    expect(isAppUrl('file:///opt/Fathom/resources/app.asar/out/renderer/other.html', built)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('file://evil.example/opt/Fathom/resources/app.asar/out/renderer/index.html', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(
      isAppUrl('file:///C:/Program%20Files/Fathom/out/renderer/index.html', {
        indexFile: 'C:\\Program Files\\Fathom\\out\\renderer\\index.html',
      }),
    ).toBe(true);
  });
});

describe('trustedSender', () => {
  const mainFrame = { url: 'file:///opt/Fathom/resources/app.asar/out/renderer/index.html', parent: null };
  const webContents = { mainFrame } as unknown as WebContents;
  const check = trustedSender(() => ({ webContents }), built);
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('trusts only the main frame of the app window showing the app page', () => {
    expect(check(event(webContents, mainFrame))).toBe(true);
    expect(check(event({ mainFrame }, mainFrame))).toBe(false); // another window
    expect(check(event(webContents, { url: mainFrame.url, parent: mainFrame }))).toBe(false); // an iframe
    expect(check(event(webContents, null))).toBe(false); // a frame already gone
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
    expect(prevented('will-navigate', 'file:///opt/Fathom/resources/app.asar/out/renderer/index.html#x')).toBe(false);
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
