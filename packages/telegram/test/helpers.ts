import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@switchboard/core';
import { createTelegramAdapter, type TelegramAdapterConfig } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const BOT_TOKEN = '7000000001:AAfakeTokenForTests_0123456789';
export const BOT = '7000000001';
export const SECRET = 's3cret_Token-1';
export const OLD_SECRET = 'previous_secret_2';
export const ANN = '100000001';
/** A fixed "now" after every fixture's date. */
export const NOW = Date.UTC(2025, 6, 22, 12, 0, 0);

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${name}.json`));
export const bytes = (value: unknown): Uint8Array =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
export const headers = (values: Record<string, string>) => ({
  get: (name: string) => values[name.toLowerCase()] ?? null,
});

export function adapter(overrides: Partial<TelegramAdapterConfig> = {}) {
  return createTelegramAdapter({
    botToken: BOT_TOKEN,
    secretToken: [SECRET, OLD_SECRET],
    clock: new ManualClock(NOW),
    ...overrides,
  });
}
