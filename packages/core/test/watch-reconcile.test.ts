import { describe, expect, it } from 'vitest';
import type { UnrecoverableGap } from '../src/index.js';
import { classifyConversations, reconcileAccount } from '../src/watch/reconcile.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';
import { createFakePlatform } from './watch-platform.js';

const T0 = Date.parse('2024-07-11T15:50:00Z');

describe('classifyConversations', () => {
  const listed = [
    { platformId: 't1', userId: 'a', conversationId: 'c:a', updatedAt: T0 + 10_000 },
    { platformId: 't2', userId: 'b', conversationId: 'c:b', updatedAt: T0 + 50_000 },
    { platformId: 't3', userId: 'c', conversationId: 'c:c', updatedAt: T0 + 100_000 },
    { platformId: 't4', userId: 'd', conversationId: 'c:d', updatedAt: T0 },
    { platformId: 't5', updatedAt: T0 },
  ];
  const held = new Map<string, number | null>([
    ['c:a', T0 + 10_500], // we hold it (Graph times are whole seconds)
    ['c:b', T0 + 1_000], // moved after our newest event: a gap
    ['c:c', T0], // moved, but within the grace period
  ]);

  it('confirms gaps only past the grace period; unknown conversations are gaps too', () => {
    const r = classifyConversations(listed, held, T0 + 120_000, 60_000);
    // Longest gap first: a conversation never seen counts from the start.
    expect(r.gaps.map((g) => g.conversationId)).toEqual(['c:d', 'c:b']);
    expect(r.gaps[0]?.newestHeld).toBeNull();
    expect(r.deferred).toBe(1);
    expect(r.unidentified).toBe(1);
  });
});

describe('reconcileAccount', () => {
  it('backfills exactly the missed messages through ingest (dedup) and reports beyond the newest 20', async () => {
    const platform = createFakePlatform();
    const { switchboard, store, clock } = setup({ adapters: [platform.adapter] });
    const handled: string[] = [];
    switchboard.on('message', (e) => {
      handled.push(e.messageId);
    });
    await clock.advanceTo(T0);
    await platform.customerSends(switchboard, 'quiet', T0 - 60_000, 'before');
    await platform.customerSends(switchboard, 'busy', T0 - 30_000, 'before');
    await switchboard.drain();
    platform.state.webhooks = false;
    for (let i = 0; i < 25; i++) await platform.customerSends(switchboard, 'busy', T0 + i * 1000);
    await platform.customerSends(switchboard, 'quiet', T0 + 5_000);
    await platform.customerSends(switchboard, 'new', T0 + 6_000);
    platform.state.webhooks = true;
    await platform.customerSends(switchboard, 'fine', T0 + 7_000);
    await switchboard.drain();

    const reported: UnrecoverableGap[] = [];
    const run = (now: number, since: number) =>
      reconcileAccount({
        adapter: platform.adapter,
        accountId: ACCOUNT,
        store,
        since,
        floor: T0 - 10 * 60_000,
        now,
        graceMs: 60_000,
        ingest: (events) => switchboard.ingest(events, { source: 'backfill' }),
        onUnrecoverable: async (gap) => {
          reported.push(gap);
        },
      });
    const result = await run(T0 + 120_000, T0 - 5 * 60_000);
    expect(result.gaps.map((g) => g.userId).sort()).toEqual(['busy', 'new', 'quiet']);
    expect(result.backfilled).toBe(20 + 1 + 1);
    expect(result.failed).toEqual([]);
    expect(reported).toEqual([
      expect.objectContaining({ conversationId: 'fake:acct1:busy', accountId: ACCOUNT, missing: 5 }),
    ]);
    // Every handled message once: the 3 webhooks and the 22 backfilled ones.
    expect(handled).toHaveLength(3 + 22);
    expect(new Set(handled).size).toBe(handled.length);

    // A second pass finds nothing new: what we hold now covers every listed conversation.
    const again = await run(T0 + 240_000, T0 - 5 * 60_000);
    expect(again.gaps.map((g) => g.userId)).toEqual([]);
    expect(again.backfilled).toBe(0);
    expect(handled).toHaveLength(25);
  });

  it('keeps a failed gap for the next pass instead of losing it', async () => {
    const platform = createFakePlatform();
    const { switchboard, store } = setup({ adapters: [platform.adapter] });
    platform.state.webhooks = false;
    await platform.customerSends(switchboard, 'u', T0);
    const broken = {
      ...platform.adapter,
      // biome-ignore lint/correctness/useYield: a backfill that fails before yielding anything
      async *backfill() {
        throw new Error('Graph answered 500');
      },
    };
    const result = await reconcileAccount({
      adapter: broken,
      accountId: ACCOUNT,
      store,
      since: T0 - 60_000,
      floor: T0 - 60_000,
      now: T0 + 120_000,
      graceMs: 60_000,
      ingest: (events) => switchboard.ingest(events, { source: 'backfill' }),
      onUnrecoverable: async () => {},
    });
    expect(result.gaps).toHaveLength(1);
    expect(result.failed).toEqual([
      { conversationId: 'fake:acct1:u', updatedAt: T0, error: 'Graph answered 500' },
    ]);
  });
});
