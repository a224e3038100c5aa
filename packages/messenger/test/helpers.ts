import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ChannelEvent, ChannelEvent as ChannelEventSchema } from '@switchboard/core';
import type { MetaSimulator, SimAccount } from '@switchboard/simulator';
import { expect } from 'vitest';
import { createMessengerAdapter, type MessengerAdapterConfig } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const APP_SECRET = 'f3a1b2c4d5e6f70812345678abcdef90';
export const PAGE = '105927095402516';
export const PSID = '6571349092893521';

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${name}.json`));

export const offlineAdapter = () =>
  createMessengerAdapter({
    appSecret: APP_SECRET,
    verifyToken: 'verify-me',
    pageIds: [PAGE],
    accessToken: 'EAAtesttoken000000000000',
    graphBaseUrl: 'http://127.0.0.1:9',
  });

/** The adapter for one simulated Messenger Page, pointed at the simulator's Graph API. */
export const simAdapter = (
  sim: MetaSimulator,
  account: SimAccount,
  options: Partial<MessengerAdapterConfig> = {},
) =>
  createMessengerAdapter({
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    pageIds: [account.accountId],
    accessToken: account.token,
    graphBaseUrl: sim.url,
    ...options,
  });

/** Parses a fixture, asserts no problems and valid events, returns the events. */
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
