import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelEvent, type EventKind, type EventOfKind, type ParsedWebhook } from '@switchboard/core';
import { metaJsonStringify, signMetaBody } from '@switchboard/meta-graph';
import { expect } from 'vitest';
import { createWhatsAppAdapter } from '../src/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const APP_SECRET = 'fixture-app-secret-7d1c';
export const VERIFY_TOKEN = 'fixture-verify-token';
export const WABA = '102290129340398';
export const P1 = '106540352242922';
export const P2 = '110200345501442';
export const U1 = '16315551234';
export const U2 = '447700900123';
export const BSUID = 'US.13491208655302741918';
export const T = 1795939200;

export const fixtureNames = (): string[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

/** The bytes Meta would POST for a fixture: escaped unicode and slashes. */
export function rawFixture(name: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(metaJsonStringify(fixture(name)));
}

export function signedHeaders(raw: Uint8Array, secret = APP_SECRET): Headers {
  return new Headers({
    'content-type': 'application/json',
    'x-hub-signature-256': signMetaBody(raw, secret),
  });
}

export const parserAdapter = () =>
  createWhatsAppAdapter({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    phoneNumberIds: [P1, P2],
    wabaIds: [WABA],
  });

export function wamid(n: number): string {
  return `wamid.HBgLMTYzMTU1NTEyMzQVAgASGBQzQUI${String(n).padStart(5, '0')}QTdBMjdCRjMzRDg3QTQ2AA==`;
}

/** Parses a fixture through the adapter, checking every event against the core model. */
export function parseFixture(name: string): ParsedWebhook {
  const parsed = parserAdapter().parseWebhook(rawFixture(name));
  for (const event of parsed.events) {
    const check = ChannelEvent.safeParse(event);
    expect(check.success, `${name}: ${JSON.stringify(check.error?.issues)}`).toBe(true);
  }
  return parsed;
}

/** The only event of a fixture, of the expected kind. */
export function only<K extends EventKind>(name: string, kind: K): EventOfKind<K> {
  const { events, problems } = parseFixture(name);
  expect(problems).toEqual([]);
  expect(events).toHaveLength(1);
  expect(events[0]?.kind).toBe(kind);
  return events[0] as EventOfKind<K>;
}
