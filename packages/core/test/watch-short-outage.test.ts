import { describe, expect, it } from 'vitest';
import type { Alarm, WatchOptions } from '../src/index.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';
import { createFakePlatform } from './watch-platform.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const START = Date.parse('2024-07-11T12:00:00Z');

/** An engine on the manual clock over the fake platform, with no traffic history (silence cannot fire). */
async function engine(watch: WatchOptions = {}) {
  const platform = createFakePlatform();
  const ctx = setup({ adapters: [platform.adapter], watch: { probes: { enabled: false }, ...watch } });
  await ctx.clock.advanceTo(START);
  const alarms: Alarm[] = [];
  ctx.switchboard.on('alarm', (alarm) => {
    alarms.push(alarm);
  });
  const handled: string[] = [];
  ctx.switchboard.on('message', (e) => {
    handled.push(e.messageId);
  });
  await ctx.switchboard.start();
  const at = async (ms: number) => {
    await ctx.clock.advanceTo(START + ms);
    await ctx.switchboard.drain();
  };
  const reconciliation = async () =>
    (await ctx.switchboard.health()).accounts.find((a) => a.accountId === ACCOUNT)?.watch?.reconciliation;
  return { ...ctx, platform, alarms, handled, at, reconciliation };
}

describe('a short outage in a quiet account', () => {
  it('recovers "hi" and "anyone?" lost in a 100 s outage although "hello??" came by webhook after it', async () => {
    const { switchboard, platform, alarms, handled, at, reconciliation } = await engine();
    await at(10 * SECOND);
    const first = await platform.customerSends(switchboard, 'ana', START + 10 * SECOND, 'hello');
    await at(30 * SECOND);
    platform.state.webhooks = false; // 100 s outage
    await at(50 * SECOND);
    const hi = await platform.customerSends(switchboard, 'ana', START + 50 * SECOND, 'hi');
    await at(90 * SECOND);
    const anyone = await platform.customerSends(switchboard, 'ana', START + 90 * SECOND, 'anyone?');
    await at(130 * SECOND);
    platform.state.webhooks = true;
    await at(190 * SECOND);
    const hello = await platform.customerSends(switchboard, 'ana', START + 190 * SECOND, 'hello??');
    await at(7 * MINUTE);

    expect(handled.sort()).toEqual([first.id, hi.id, anyone.id, hello.id].sort());
    // The pass at 2 min sees "hi" by time; "anyone?" is hidden by "hello??" when the 4-min pass looks.
    const raised = alarms.filter((a) => a.type === 'webhook_gap' && a.state === 'raised');
    expect(raised.map((a) => a.data)).toEqual([
      expect.objectContaining({ masked: 0, oldestMissingAt: hi.ts, newestMissingAt: hi.ts }),
      expect.objectContaining({ masked: 1, oldestMissingAt: anyone.ts, newestMissingAt: anyone.ts }),
    ]);
    const loss = (await switchboard.watch?.loss())?.find((l) => l.accountId === ACCOUNT);
    expect(loss).toMatchObject({ received: 2, backfilled: 2, unrecoverable: 0 });
    expect(await reconciliation()).toMatchObject({ gapsFound: 2, maskedGaps: 1, pending: 0 });
    expect(alarms.at(-1)).toMatchObject({ type: 'webhook_gap', state: 'cleared' });
    await switchboard.stop();
  });

  it('names a lost message it cannot fetch, by id and conversation, and never reports zero', async () => {
    const { switchboard, platform, at } = await engine();
    platform.state.webhooks = false;
    await at(10 * SECOND);
    const lost: Array<{ id: string; ts: number }> = [];
    for (let i = 0; i < 23; i++) {
      lost.push(await platform.customerSends(switchboard, 'chatty', START + 10 * SECOND + i * SECOND));
    }
    platform.state.webhooks = true;
    await at(45 * SECOND);
    await platform.customerSends(switchboard, 'chatty', START + 45 * SECOND, 'still there?');
    await at(6 * MINUTE);
    const loss = (await switchboard.watch?.loss())?.find((l) => l.accountId === ACCOUNT);
    // 24 messages, the platform details the newest 20: the 4 oldest lost ones are gone for good.
    expect(loss).toMatchObject({
      unrecoverable: 4,
      unrecoverableConversations: { 'fake:acct1:chatty': 4 },
      unrecoverableMessageIds: { 'fake:acct1:chatty': lost.slice(0, 4).map((m) => m.id) },
      backfilled: 19,
    });
    // Verifying again (a restart, a replayed pass) names nothing twice.
    await switchboard.watch?.recordUnrecoverable('fake', {
      conversationId: 'fake:acct1:chatty',
      accountId: ACCOUNT,
      missing: 1,
      messageIds: [lost[0]?.id ?? ''],
      reason: 'again',
    });
    expect((await switchboard.watch?.loss())?.find((l) => l.accountId === ACCOUNT)?.unrecoverable).toBe(4);
    await switchboard.stop();
  });

  it('clears the webhook_gap alarm only once every conversation is verified past its window', async () => {
    // One conversation per pass: verification of the other four lags behind the alarm.
    const { switchboard, platform, alarms, at, reconciliation } = await engine({
      reconcile: { maxConversationsPerPass: 1 },
    });
    platform.state.webhooks = false;
    await at(10 * SECOND);
    await platform.customerSends(switchboard, 'u0', START + 10 * SECOND);
    platform.state.webhooks = true;
    for (let i = 1; i <= 4; i++) await platform.customerSends(switchboard, `u${i}`, START + 20 * SECOND);
    for (let minute = 1; minute <= 16; minute++) {
      await at(minute * MINUTE);
      await platform.customerSends(switchboard, 'u1', START + minute * MINUTE);
    }
    await at(17 * MINUTE);
    const raised = alarms.find((a) => a.type === 'webhook_gap' && a.state === 'raised');
    const cleared = alarms.find((a) => a.type === 'webhook_gap' && a.state === 'cleared');
    expect(raised).toBeDefined();
    expect(cleared).toBeDefined();
    // Passes run every 2 min; with one conversation each, the five take until the fifth pass after the alarm.
    expect((cleared?.at ?? 0) - (raised?.at ?? 0)).toBeGreaterThanOrEqual(4 * 2 * MINUTE);
    expect(cleared?.message).toMatch(/every conversation verified through/);
    const r = await reconciliation();
    expect(r?.verifiedThrough).toBeGreaterThanOrEqual(raised?.at ?? Number.POSITIVE_INFINITY);
    await switchboard.stop();
  });

  it('says in health() how far behind verification is', async () => {
    const { switchboard, platform, at, reconciliation } = await engine({
      reconcile: { maxConversationsPerPass: 1 },
    });
    for (let i = 0; i < 6; i++) await platform.customerSends(switchboard, `u${i}`, START + i * SECOND);
    await at(5 * MINUTE);
    const behind = await reconciliation();
    expect(behind?.pending).toBeGreaterThan(0);
    expect(behind?.behindMs).toBeGreaterThanOrEqual(5 * MINUTE);
    await at(20 * MINUTE);
    const caughtUp = await reconciliation();
    expect(caughtUp?.pending).toBe(0);
    expect(caughtUp?.behindMs).toBeLessThanOrEqual(2 * MINUTE + MINUTE + SECOND);
    await switchboard.stop();
  });

  it('verifies at once when another alarm suspects loss, instead of waiting for the period', async () => {
    const { switchboard, platform, alarms, at, clock } = await engine({
      reconcile: { intervalMs: 60 * MINUTE, graceMs: 30 * SECOND },
      delivery: { deadlineMs: MINUTE },
    });
    platform.state.webhooks = false;
    const lost = await platform.customerSends(switchboard, 'u', START + 5 * SECOND);
    await switchboard.sendAndWait({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u' },
      content: { type: 'text', text: 'are you there?' },
    });
    await at(4 * MINUTE);
    const pipeline = alarms.find((a) => a.type === 'delivery_pipeline');
    const gap = alarms.find((a) => a.type === 'webhook_gap');
    expect(pipeline).toBeDefined();
    expect(gap?.data).toMatchObject({ oldestMissingAt: lost.ts });
    expect(gap?.at).toBeLessThan(START + 60 * MINUTE);
    expect(clock.now()).toBe(START + 4 * MINUTE);
    await switchboard.stop();
  });
});

describe('verification across a restart', () => {
  it('continues from the persisted points: a conversation left unverified before the restart is verified after it', async () => {
    const platform = createFakePlatform();
    const first = setup({
      adapters: [platform.adapter],
      watch: { probes: { enabled: false }, reconcile: { maxConversationsPerPass: 1 } },
    });
    await first.clock.advanceTo(START);
    await first.switchboard.start();
    platform.state.webhooks = false;
    const lost: Array<{ id: string; ts: number }> = [];
    for (let i = 0; i < 4; i++)
      lost.push(await platform.customerSends(first.switchboard, `u${i}`, START + (i + 1) * SECOND));
    platform.state.webhooks = true;
    await first.clock.advanceTo(START + 4 * MINUTE + 30 * SECOND); // two passes: two conversations verified
    await first.switchboard.drain();
    await first.switchboard.stop();
    const recovered = async (store: typeof first.store) =>
      (await Promise.all(lost.map((m) => store.events.getByKey(`fake:msg:${m.id}`)))).filter(Boolean).length;
    expect(await recovered(first.store)).toBe(2);

    // A new process on the same store, hours later.
    const second = setup({
      adapters: [platform.adapter],
      store: first.store,
      watch: { probes: { enabled: false }, reconcile: { maxConversationsPerPass: 1 } },
    });
    await second.clock.advanceTo(START + 3 * 60 * MINUTE);
    await second.switchboard.start();
    await second.clock.advance(5 * MINUTE);
    await second.switchboard.drain();
    expect(await recovered(second.store)).toBe(4);
    const r = (await second.switchboard.health()).accounts.find((a) => a.accountId === ACCOUNT)?.watch
      ?.reconciliation;
    expect(r).toMatchObject({ pending: 0, gapsFound: 4 });
    await second.switchboard.stop();
  });
});
