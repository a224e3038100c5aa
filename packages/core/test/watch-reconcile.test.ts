import { describe, expect, it } from 'vitest';
import type { UnrecoverableGap } from '../src/index.js';
import { reconcileAccount, type VerifyingAdapter } from '../src/watch/reconcile.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';
import { createFakePlatform } from './watch-platform.js';

const T0 = Date.parse('2024-07-11T15:50:00Z');
const MINUTE = 60_000;

/** An engine over the fake platform, and one reconciliation pass of its account at a given time. */
function bench(options: { maxConversations?: number } = {}) {
  const platform = createFakePlatform();
  const ctx = setup({ adapters: [platform.adapter] });
  const handled: string[] = [];
  ctx.switchboard.on('message', (e) => {
    handled.push(e.messageId);
  });
  const reported: UnrecoverableGap[] = [];
  const verified = new Map<string, number>();
  let through = T0 - 10 * MINUTE;
  const pass = async (now: number, adapter: VerifyingAdapter = platform.adapter as VerifyingAdapter) => {
    const result = await reconcileAccount({
      adapter,
      accountId: ACCOUNT,
      store: ctx.store,
      verifiedThrough: through,
      verified,
      now,
      graceMs: MINUTE,
      maxConversations: options.maxConversations ?? 100,
      ingest: (events) => ctx.switchboard.ingest(events, { source: 'backfill' }),
      onUnrecoverable: async (gap) => {
        reported.push(gap);
      },
    });
    through = result.verifiedThrough;
    return result;
  };
  return { ...ctx, platform, handled, reported, verified, pass };
}

describe('reconcileAccount: verification by message id', () => {
  it('finds a loss hidden by a later webhook ("hi" lost, "hello??" delivered), and nothing twice', async () => {
    const t = bench();
    const { platform, switchboard } = t;
    await platform.customerSends(switchboard, 'ana', T0 - 5 * MINUTE, 'before');
    platform.state.webhooks = false;
    const hi = await platform.customerSends(switchboard, 'ana', T0, 'hi');
    const again = await platform.customerSends(switchboard, 'ana', T0 + 40_000, 'anyone?');
    platform.state.webhooks = true;
    await platform.customerSends(switchboard, 'ana', T0 + 100_000, 'hello??');
    await switchboard.drain();

    const result = await t.pass(T0 + 4 * MINUTE);
    expect(result.gaps).toEqual([
      expect.objectContaining({
        conversationId: 'fake:acct1:ana',
        recovered: 2,
        unrecoverable: 0,
        oldestMissingAt: hi.ts,
        newestMissingAt: again.ts,
        masked: true,
      }),
    ]);
    expect(result.masked).toBe(1);
    expect(result.backfilled).toBe(2);
    expect(t.handled).toEqual([expect.any(String), expect.any(String), hi.id, again.id]);
    expect(result.verifiedThrough).toBe(T0 + 3 * MINUTE);

    // The next pass starts where this one ended: nothing to verify, nothing fetched again.
    const next = await t.pass(T0 + 6 * MINUTE);
    expect(next).toMatchObject({ since: T0 + 3 * MINUTE, verified: 0, backfilled: 0, duplicates: 0 });
    expect(t.handled).toHaveLength(4);
  });

  it('recovers the newest 20 and names the older missing ones by id, with their conversation', async () => {
    const t = bench();
    const { platform, switchboard } = t;
    await platform.customerSends(switchboard, 'busy', T0 - 30_000, 'before');
    platform.state.webhooks = false;
    const sent: Array<{ id: string; ts: number }> = [];
    for (let i = 0; i < 25; i++) sent.push(await platform.customerSends(switchboard, 'busy', T0 + i * 1000));
    await platform.customerSends(switchboard, 'new', T0 + 30_000);
    platform.state.webhooks = true;
    await platform.customerSends(switchboard, 'fine', T0 + 40_000);
    await switchboard.drain();

    const result = await t.pass(T0 + 3 * MINUTE);
    expect(result.gaps.map((g) => g.userId).sort()).toEqual(['busy', 'new']);
    expect(result.backfilled).toBe(20 + 1);
    expect(t.reported).toEqual([
      expect.objectContaining({
        conversationId: 'fake:acct1:busy',
        missing: 5,
        messageIds: sent.slice(0, 5).map((m) => m.id),
      }),
    ]);
    expect(new Set(t.handled).size).toBe(t.handled.length);
    expect(t.handled).toHaveLength(2 + 21);
  });

  it('leaves messages of the grace period to their webhooks and verifies them next pass', async () => {
    const t = bench();
    const { platform, switchboard } = t;
    platform.state.webhooks = false;
    const late = await platform.customerSends(switchboard, 'u', T0 + 2 * MINUTE + 30_000);
    const first = await t.pass(T0 + 3 * MINUTE);
    expect(first.backfilled).toBe(0);
    expect(first.verifiedThrough).toBe(T0 + 2 * MINUTE);
    const second = await t.pass(T0 + 5 * MINUTE);
    expect(second.backfilled).toBe(1);
    expect(t.handled).toEqual([late.id]);
  });

  it('spends at most the call budget per pass, time gaps and busy conversations first, and catches up later', async () => {
    const t = bench({ maxConversations: 2 });
    const { platform, switchboard } = t;
    // Five conversations move; only "lost" misses a message by time, "busy" has the most traffic.
    for (const user of ['a', 'b', 'c']) await platform.customerSends(switchboard, user, T0);
    for (let i = 0; i < 4; i++) await platform.customerSends(switchboard, 'busy', T0 + i * 1000);
    platform.state.webhooks = false;
    await platform.customerSends(switchboard, 'lost', T0 + 10_000);
    platform.state.webhooks = true;
    await switchboard.drain();

    const first = await t.pass(T0 + 3 * MINUTE);
    expect(first).toMatchObject({ verified: 2, pending: 3, backfilled: 1 });
    expect(first.gaps.map((g) => g.userId)).toEqual(['lost']);
    // Not every conversation is verified: the account's point stays where the pass began.
    expect(first.verifiedThrough).toBe(T0 - 10 * MINUTE);
    expect([...t.verified.keys()].sort()).toEqual(['fake:acct1:busy', 'fake:acct1:lost']);

    const second = await t.pass(T0 + 5 * MINUTE);
    expect(second).toMatchObject({ verified: 2, pending: 1 });
    const third = await t.pass(T0 + 7 * MINUTE);
    expect(third).toMatchObject({ verified: 1, pending: 0, verifiedThrough: T0 + 6 * MINUTE });
    expect(t.verified.size).toBe(0);
  });

  it('keeps a conversation whose verification failed for the next pass instead of losing it', async () => {
    const t = bench();
    const { platform, switchboard } = t;
    platform.state.webhooks = false;
    const m = await platform.customerSends(switchboard, 'u', T0);
    const broken = {
      ...platform.adapter,
      conversationMessages: async () => {
        throw new Error('Graph answered 500');
      },
    } as VerifyingAdapter;
    const failed = await t.pass(T0 + 3 * MINUTE, broken);
    expect(failed.failed).toEqual([
      { conversationId: 'fake:acct1:u', from: T0 - 10 * MINUTE, error: 'Graph answered 500' },
    ]);
    expect(failed.verifiedThrough).toBe(T0 - 10 * MINUTE);
    const retried = await t.pass(T0 + 5 * MINUTE);
    expect(retried.backfilled).toBe(1);
    expect(t.handled).toEqual([m.id]);
  });
});
