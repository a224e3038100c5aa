import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ChannelEvent, ChannelEvent as ChannelEventSchema } from '@switchboard/core';
import { expect } from 'vitest';
import { createInstagramAdapter } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const APP_SECRET = '9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e';
export const IG = '17841405822304914';
export const IGSID = '1254459154682919';

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${name}.json`));

export const offlineAdapter = () =>
  createInstagramAdapter({
    appSecret: APP_SECRET,
    verifyToken: 'verify-me',
    instagramAccountIds: [IG],
    accessToken: 'EAAtesttoken000000000000',
    graphBaseUrl: 'http://127.0.0.1:9',
  });

export function parseFixture(name: string): ChannelEvent[] {
  const { events, problems } = offlineAdapter().parseWebhook(fixture(name));
  expect(problems).toEqual([]);
  for (const e of events) expect(ChannelEventSchema.safeParse(e).success).toBe(true);
  return events;
}

export function only<K extends ChannelEvent['kind']>(
  name: string,
  kind: K,
): Extract<ChannelEvent, { kind: K }> {
  const events = parseFixture(name);
  expect(events).toHaveLength(1);
  expect(events[0]?.kind).toBe(kind);
  return events[0] as Extract<ChannelEvent, { kind: K }>;
}
