import { describe, expect, it } from 'vitest';
import { type Alarm, importTrafficHistory, type Switchboard, type WatchOptions } from '../src/index.js';
import { ACCOUNT, body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';
import { createFakePlatform } from './watch-platform.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2024-07-11T12:00:00Z');

async function engine(watch: WatchOptions = {}) {
  const platform = createFakePlatform();
  const ctx = setup({ adapters: [platform.adapter], watch });
  await ctx.clock.advanceTo(START);
  // Two weeks of history at 3 inbound messages a minute, as a previous run would have learned.
  const hours = Array.from({ length: 14 * 24 }, (_, i) => ({ at: START - (14 * 24 - i) * HOUR, count: 180 }));
  await importTrafficHistory(ctx.store, { channel: 'fake', accountId: ACCOUNT, hours });
  const alarms: Alarm[] = [];
  ctx.switchboard.on('alarm', (alarm) => {
    alarms.push(alarm);
  });
  await ctx.switchboard.start();
  return { ...ctx, platform, alarms };
}

/** Customers write every 20 s, round-robin over five conversations, while the clock runs. */
async function traffic(
  ctx: { clock: { now(): number; advance(ms: number): Promise<void> }; switchboard: Switchboard },
  platform: ReturnType<typeof createFakePlatform>,
  minutes: number,
) {
  for (let i = 0; i < minutes * 3; i++) {
    await ctx.clock.advance(20_000);
    await platform.customerSends(ctx.switchboard, `u${i % 5}`, ctx.clock.now());
  }
}

describe('the watch inside the engine', () => {
  it('detects a webhook outage, backfills it, accounts for every message and clears when traffic returns', async () => {
    const ctx = await engine({ probes: { enabled: false } });
    const { clock, switchboard, platform, alarms } = ctx;
    await traffic(ctx, platform, 10);
    expect(alarms).toEqual([]);

    platform.state.webhooks = false;
    const cut = clock.now();
    await traffic(ctx, platform, 6);
    const gap = alarms.find((a) => a.type === 'webhook_gap' && a.state === 'raised');
    const silence = alarms.find((a) => a.type === 'silence' && a.state === 'raised');
    expect(gap?.at).toBeLessThanOrEqual(cut + 5 * MINUTE);
    expect(silence?.at).toBeLessThanOrEqual(cut + 5 * MINUTE);
    expect(silence?.data).toMatchObject({ alarm: true });

    const health = await switchboard.health();
    const account = health.accounts.find((a) => a.channel === 'fake' && a.accountId === ACCOUNT);
    expect(account?.status).toBe('degraded');
    const numbers = account?.watch?.silence;
    expect(numbers?.ratePerHour).toBeGreaterThan(150);
    expect(numbers?.probability).toBeLessThan(numbers?.threshold ?? 0);
    expect(numbers?.windowMs).toBeGreaterThan(5 * MINUTE);
    expect(account?.watch?.alarms.map((a) => a.type).sort()).toEqual(['silence', 'webhook_gap']);

    platform.state.webhooks = true;
    await traffic(ctx, platform, 6);
    expect(alarms.filter((a) => a.state === 'cleared').map((a) => a.type)).toEqual([
      'silence',
      'webhook_gap',
    ]);

    // A duplicate POST of a delivered message is counted and dropped.
    const last = platform.conversations.get('u0')?.at(-1);
    await switchboard.handleWebhook(
      signedRequest(
        body([
          { type: 'message', id: last?.id ?? '', user: 'u0', text: last?.text ?? '', ts: last?.ts ?? 0 },
        ]),
      ),
    );
    await switchboard.drain();
    await switchboard.watch?.check();
    const loss = (await switchboard.watch?.loss())?.find((l) => l.accountId === ACCOUNT);
    const sent = [...platform.conversations.values()].flat().length;
    expect(loss).toMatchObject({
      received: 16 * 3,
      backfilled: sent - 16 * 3,
      duplicates: 1,
      unrecoverable: 0,
    });
    expect(sent).toBe(22 * 3);
    const metrics = await switchboard.metrics();
    expect(metrics).toContain('switchboard_loss_events{channel="fake",account="acct1",kind="backfilled"} 18');
    expect(metrics).toMatch(/switchboard_silence_probability\{channel="fake",account="acct1"\} [0-9.e-]+/);
    await switchboard.stop();
  });

  it('reports messages beyond the newest 20 of a conversation with its id', async () => {
    const ctx = await engine({ probes: { enabled: false }, silence: { enabled: false } });
    const { clock, switchboard, platform, alarms } = ctx;
    await traffic(ctx, platform, 2);
    platform.state.webhooks = false;
    for (let i = 0; i < 25; i++) {
      await clock.advance(1000);
      await platform.customerSends(switchboard, 'chatty', clock.now());
    }
    platform.state.webhooks = true;
    await traffic(ctx, platform, 4);
    const gap = alarms.find((a) => a.type === 'webhook_gap');
    expect(gap?.data).toMatchObject({ backfilled: 20, unrecoverable: 5 });
    const account = (await switchboard.health()).accounts.find((a) => a.accountId === ACCOUNT);
    expect(account?.watch?.loss).toMatchObject({
      unrecoverable: 5,
      unrecoverableConversations: { 'fake:acct1:chatty': 5 },
    });
    expect(await switchboard.metrics()).toContain('switchboard_events_unrecoverable_total{channel="fake"} 5');
    await switchboard.stop();
  });

  it('raises delivery_pipeline when a send gets no echo in time, and clears it when one comes back', async () => {
    const ctx = await engine({ probes: { enabled: false }, reconcile: { enabled: false } });
    const { clock, switchboard, alarms } = ctx;
    await switchboard.sendAndWait({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u1' },
      content: { type: 'text', text: 'hi' },
    });
    await clock.advance(3 * MINUTE);
    const raised = alarms.find((a) => a.type === 'delivery_pipeline');
    expect(raised?.data).toMatchObject({ overdue: 1, messageIds: ['mid.1'] });
    const receipt = await switchboard.sendAndWait({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u1' },
      content: { type: 'text', text: 'again' },
    });
    await switchboard.handleWebhook(
      signedRequest(
        body([{ type: 'echo', id: receipt.messageId, user: 'u1', text: 'again', ts: clock.now() }]),
      ),
    );
    await switchboard.drain();
    expect(alarms.map((a) => `${a.type}:${a.state}`)).toEqual([
      'delivery_pipeline:raised',
      'delivery_pipeline:cleared',
    ]);
    await switchboard.stop();
  });

  it("raises no delivery_pipeline alarm for a channel whose sends are never confirmed (sendConfirmation 'none')", async () => {
    const ctx = await engine({ probes: { enabled: false }, reconcile: { enabled: false } });
    const { clock, switchboard, alarms, platform } = ctx;
    platform.adapter.capabilities = { sendConfirmation: 'none' };
    await switchboard.sendAndWait({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u1' },
      content: { type: 'text', text: 'hi' },
    });
    await clock.advance(10 * MINUTE);
    expect(alarms.filter((a) => a.type === 'delivery_pipeline')).toEqual([]);
    await switchboard.stop();
  });

  it('resubscribes an unsubscribed app on the probe schedule and records it', async () => {
    const ctx = await engine({
      autoResubscribe: true,
      reconcile: { enabled: false },
      silence: { enabled: false },
    });
    const { clock, switchboard, platform, alarms } = ctx;
    platform.state.subscribed = false;
    await clock.advance(5 * MINUTE);
    expect(platform.state.resubscribes).toBe(1);
    const alarm = alarms.find((a) => a.type === 'subscription');
    expect(alarm?.message).toMatch(/resubscribed it automatically/);
    expect(alarm?.data).toMatchObject({ resubscribed: { ok: true } });
    const account = (await switchboard.health()).accounts.find((a) => a.accountId === ACCOUNT);
    expect(account?.watch?.resubscriptions).toEqual([{ at: START + 5 * MINUTE, ok: true }]);
    expect(await ctx.store.health.get(`watch:resubscribed:fake:${ACCOUNT}`)).toEqual([
      { at: START + 5 * MINUTE, ok: true },
    ]);
    await clock.advance(5 * MINUTE);
    expect(alarms.map((a) => `${a.type}:${a.state}`)).toEqual([
      'subscription:raised',
      'subscription:cleared',
    ]);
    await switchboard.stop();
  });

  it('without autoResubscribe only raises the alarm; watch: false turns everything off', async () => {
    const ctx = await engine({ reconcile: { enabled: false }, silence: { enabled: false } });
    ctx.platform.state.subscribed = false;
    await ctx.clock.advance(5 * MINUTE);
    expect(ctx.platform.state.resubscribes).toBe(0);
    expect(ctx.alarms.map((a) => [a.type, a.severity])).toEqual([['subscription', 'critical']]);
    expect((await ctx.switchboard.health()).status).toBe('down');
    await ctx.switchboard.stop();

    const off = setup({ watch: false });
    expect(off.switchboard.watch).toBeNull();
    expect(typeof off.switchboard.on('alarm', () => {})).toBe('function');
  });
});
