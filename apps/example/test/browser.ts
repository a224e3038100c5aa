import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { type RunningInbox, startInbox } from '../src/server/app.js';

// What the bad-input suite (tests/security) needs besides these helpers.
export { loadConfig, type RunningInbox, startInbox };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium, driven by playwright-core (no browser download). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] });
}

/** A `fetch` on the inbox's paths that carries a logged-in browser's cookie and Origin. */
export type InboxFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** Opens the URL the inbox printed (`/?token=…`), as a user does; returns the cookie it sets (`name=value`). */
export async function sessionCookie(inbox: RunningInbox): Promise<string> {
  const login = await fetch(inbox.openUrl, { redirect: 'manual' });
  if (login.status !== 303) throw new Error(`opening ${inbox.openUrl} answered ${login.status}`);
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Logs in the way a user does (the printed URL) and keeps the session cookie it sets. */
export async function signIn(inbox: RunningInbox): Promise<InboxFetch> {
  const cookie = await sessionCookie(inbox);
  return (path, init = {}) =>
    fetch(`${inbox.url}${path}`, {
      ...init,
      headers: { cookie, origin: inbox.url, ...(init.headers as Record<string, string> | undefined) },
    });
}

/** The app in-process on a free port, with a throwaway data directory and the simulator. */
export async function startTestInbox(
  env: Record<string, string> = {},
): Promise<{ inbox: RunningInbox; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-'));
  const inbox = await startInbox(
    loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      SIMULATOR: 'on',
      DEMO_TRAFFIC_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
      ...env,
    }),
  );
  return {
    inbox,
    cleanup: async () => {
      await inbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught page errors, which the tests require to stay empty. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}
