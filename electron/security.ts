/**
 * The window's security rules, kept apart from main.ts so they can be tested without Electron:
 * where the page comes from, which URLs are the app itself, which IPC senders are trusted, the CSP,
 * and the handlers that deny navigation, new windows and webviews. The window's web preferences are
 * written out where the window is made (window.ts), so that Electronegativity can read them.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';

/**
 * The Content-Security-Policy, the same as the meta tag in renderer/index.html (a test checks they
 * agree). Sent as a response header too, which also covers what a meta tag cannot (frame-ancestors).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** The header value: the meta policy plus frame-ancestors, which only works as a header. */
export const CSP_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/**
 * Where the app's page comes from: the built renderer served on app:// (electron/protocol.ts), or
 * the dev server of `electron-vite dev`.
 */
export type AppOrigin = { appPage: string } | { devServer: string };

/**
 * The dev server named by ELECTRON_RENDERER_URL in development only: in a packaged app that
 * variable would make any page the trusted origin, with the whole window.lab.
 */
export function appOrigin(isPackaged: boolean, env: Record<string, string | undefined>, appPage: string): AppOrigin {
  const devServer = env['ELECTRON_RENDERER_URL'];
  return devServer && !isPackaged ? { devServer } : { appPage };
}

/** True when `url` is the app's own page (any hash or query), false for anything else or garbage. */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if ('devServer' in origin) return parsed.origin === new URL(origin.devServer).origin;
  // app:// is not a scheme Node's URL knows, so its origin reads 'null': compare the parts.
  const page = new URL(origin.appPage);
  return parsed.protocol === page.protocol && parsed.host === page.host && parsed.pathname === page.pathname;
}

/**
 * Trusts an invoke only from the main frame of the app's window while it shows the app's page:
 * not from another window, an iframe, or a page the window was somehow navigated to.
 */
export function trustedSender(
  window: () => { webContents: WebContents } | undefined,
  origin: AppOrigin,
): (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean {
  return (event) => {
    const win = window();
    const frame = event.senderFrame;
    if (!win || event.sender !== win.webContents || !frame) return false;
    if (frame.parent !== null) return false; // an iframe, even one on an app URL
    return isAppUrl(frame.url, origin);
  };
}

/** The parts of WebContents the hardening uses. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** Denies every navigation away from the app's page, every new window and every webview. */
export function hardenContents(contents: HardenableContents, origin: AppOrigin): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, origin)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
