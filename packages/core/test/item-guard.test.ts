import { describe, expect, it } from 'vitest';
import {
  guardItem,
  MAX_ITEM_DEPTH,
  mergeItems,
  nestsDeeperThan,
  type ParsedWebhook,
  sliceItems,
} from '../src/adapter-kit.js';
import type { ChannelEvent } from '../src/index.js';

const NOW = Date.UTC(2026, 11, 6);
const event = (key: string, timestamp: number): ChannelEvent => ({
  kind: 'unsupported',
  channel: 'fake',
  key,
  accountId: 'a',
  timestamp,
  source: 'webhook',
  raw: {},
  itemKind: 'x',
  reason: 'test',
});
const one = (e: ChannelEvent): ParsedWebhook => ({ events: [e], problems: [] });

describe('guardItem: the limits every adapter applies to one webhook item', () => {
  it('does not map an item nested deeper than MAX_ITEM_DEPTH (100k deep: no stack overflow), and says where', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, MAX_ITEM_DEPTH)).toBe(true);
    let mapped = false;
    const result = guardItem('entry[0].messaging[3]', { x: deep }, NOW, () => {
      mapped = true;
      return one(event('k', NOW));
    });
    expect(mapped).toBe(false);
    expect(result).toEqual({
      events: [],
      problems: [{ path: 'entry[0].messaging[3]', message: 'item nests deeper than 64 levels' }],
    });
    let ok: unknown = 0;
    for (let i = 0; i < MAX_ITEM_DEPTH - 1; i++) ok = { a: ok };
    expect(nestsDeeperThan(ok, MAX_ITEM_DEPTH)).toBe(false);
  });

  it.each([
    ['far future (WhatsApp 99999999999999999999 s)', Number('99999999999999999999') * 1000],
    ['two days ahead', NOW + 2 * 86_400_000],
    ['negative', -1],
    ['not an integer', 1.5],
  ])('turns an event timed %s into a problem', (_, timestamp) => {
    const result = guardItem('p', { raw: 1 }, NOW, () => one(event('k', timestamp)));
    expect(result.events).toEqual([]);
    expect(result.problems[0]).toMatchObject({ path: 'p', message: expect.stringContaining('outside') });
  });

  it('keeps events up to 24 h ahead of our clock (skew) and any past time', () => {
    for (const t of [0, Date.UTC(2012, 0, 1), NOW + 86_400_000]) {
      expect(guardItem('p', {}, NOW, () => one(event('k', t))).events).toHaveLength(1);
    }
  });
});

describe('sliceItems / mergeItems', () => {
  it('groups per-item results into slices that merge back to the same result', () => {
    const items = Array.from({ length: 600 }, (_, i) => one(event(`k${i}`, i)));
    const slices = [...sliceItems(items, 256)];
    expect(slices.map((s) => s.events.length)).toEqual([256, 256, 88]);
    expect(mergeItems(slices)).toEqual(mergeItems(items));
  });
});
