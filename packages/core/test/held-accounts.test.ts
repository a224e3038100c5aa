import { describe, expect, it } from 'vitest';
import { type Alarm, type ChannelEvent, SwitchboardError } from '../src/index.js';
import { importTrafficHistory } from '../src/watch/index.js';
import { ACCOUNT, body, createFakeAdapter, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';
import { createFakePlatform } from './watch-platform.js';

const HOUR = 60 * 60_000;
const LEASE = 30_000; // the processor's default lease: a held event is looked at again after it

async function engine(options: { holdMs?: number } = {}) {
  const ctx = setup({ watch: false, accounts: { holdMs: options.holdMs ?? HOUR } });
  const seen: ChannelEvent[] = [];
  const alarms: Alarm[] = [];
  ctx.switchboard.on('*', (e) => void seen.push(e));
  ctx.switchboard.on('alarm', (a) => void alarms.push(a));
  const post = async (id: string, account: string) => {
    const response = await ctx.switchboard.handleWebhook(
      signedRequest(body([{ type: 'message', id, ts: ctx.clock.now(), account }])),
    );
    await ctx.switchboard.drain();
    return response.status;
  };
  return { ...ctx, seen, alarms, post };
}

describe('webhooks for accounts that are not connected', () => {
  it('are acknowledged, stored, counted and alarmed, then processed once the account is connected', async () => {
    const { switchboard, store, clock, seen, alarms, post } = await engine();
    expect(await post('early', 'newcomer')).toBe(200);
    expect(seen).toEqual([]);
    expect((await store.events.getByKey('fake:msg:early'))?.state).toBe('pending');
    expect(await store.counters.get('events.held')).toBe(1);
    expect(await switchboard.metrics()).toContain('switchboard_events_held_total{channel="fake"} 1');
    expect(alarms).toMatchObject([{ type: 'account_unknown', state: 'raised', accountId: 'newcomer' }]);

    // Still not connected one lease later: still held, not counted twice.
    await clock.advance(LEASE);
    await switchboard.drain();
    expect(seen).toEqual([]);
    expect(await store.counters.get('events.held')).toBe(1);

    await switchboard.accounts.connect({ channel: 'fake', accountId: 'newcomer', tenantId: 'acme' });
    await clock.advance(LEASE);
    await switchboard.drain();
    expect(seen.map((e) => [e.key, e.tenantId])).toEqual([['fake:msg:early', 'acme']]);
    expect((await store.events.getByKey('fake:msg:early'))?.state).toBe('done');
    expect(alarms.map((a) => `${a.type}:${a.state}:${a.accountId}`)).toEqual([
      'account_unknown:raised:newcomer',
      'account_unknown:cleared:newcomer',
    ]);
  });

  it('are dead-lettered with the reason once held for holdMs', async () => {
    const { switchboard, store, clock, seen, post } = await engine({ holdMs: 2 * HOUR });
    await post('lost', 'stranger');
    await clock.advance(2 * HOUR);
    await switchboard.drain();
    expect(seen).toEqual([]);
    expect((await store.events.getByKey('fake:msg:lost'))?.state).toBe('dead');
    expect(await store.deadLetters.list({ source: 'event', limit: 10 })).toMatchObject([
      {
        ref: 'fake:msg:lost',
        code: 'ACCOUNT_NOT_CONNECTED',
        reason: 'fake account stranger is not connected: held for 120 min, not connected in time',
      },
    ]);
    // Connecting it later does not bring a dead letter back to life.
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'stranger' });
    await clock.advance(LEASE);
    await switchboard.drain();
    expect(seen).toEqual([]);
  });

  it('of a disconnected account are held, and its sends fail with ACCOUNT_NOT_CONNECTED', async () => {
    const { switchboard, store, fake, seen, post } = await engine();
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'shop', tenantId: 'acme' });
    await post('before', 'shop');
    const queued = await switchboard.send({
      to: { channel: 'fake', accountId: 'shop', userId: 'u1' },
      content: { type: 'text', text: 'queued before the disconnect' },
    });
    await switchboard.accounts.disconnect('fake', 'shop');
    await post('after', 'shop');
    expect(seen.map((e) => e.key)).toEqual(['fake:msg:before']);

    // Queued before the disconnect: never reaches the platform.
    expect(fake.sent).toEqual([]);
    expect(await store.outbox.get(queued.id)).toMatchObject({
      state: 'failed',
      error: { code: 'ACCOUNT_NOT_CONNECTED' },
    });
    const refused = await switchboard
      .send({
        to: { channel: 'fake', accountId: 'shop', userId: 'u1' },
        content: { type: 'text', text: 'hi' },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SwitchboardError);
    expect(refused).toMatchObject({
      code: 'ACCOUNT_NOT_CONNECTED',
      message: 'fake account shop is disconnected: connect it with switchboard.accounts.connect',
    });
    const unknown = await switchboard
      .send({
        to: { channel: 'fake', accountId: 'nobody', userId: 'u1' },
        content: { type: 'text', text: 'hi' },
      })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'ACCOUNT_NOT_CONNECTED' });
    expect(await store.outbox.backlog()).toEqual([]);
  });

  it('never holds account-level notifications (onboarding arrives before any number is connected)', async () => {
    const { switchboard, seen } = await engine();
    await switchboard.ingest([
      {
        kind: 'account',
        channel: 'fake',
        key: 'fake:account:partner-added:waba9',
        accountId: 'waba9',
        timestamp: 1,
        source: 'webhook',
        raw: {},
        field: 'account_update',
        event: 'PARTNER_ADDED',
        data: {},
      },
    ]);
    expect(seen.map((e) => e.key)).toEqual(['fake:account:partner-added:waba9']);
  });

  it('are processed as before on a channel with no registered account (a single business)', async () => {
    const fake = createFakeAdapter();
    const { switchboard } = setup({ watch: false, adapters: [{ ...fake.adapter, accountIds: [] }] });
    const seen: string[] = [];
    switchboard.on('message', (e) => void seen.push(e.accountId));
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'message', id: 'm', ts: 1, account: 'any' }])),
    );
    await switchboard.drain();
    expect(seen).toEqual(['any']);
    await switchboard.send({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u1' },
      content: { type: 'text', text: 'still sends' },
    });
    await switchboard.drain();
    expect(fake.sent).toHaveLength(1);
  });
});

describe('the silence watch and disconnected accounts', () => {
  it('alarms on the silence of a connected account, and stops (clearing it) once the account is disconnected', async () => {
    const MINUTE = 60_000;
    const START = Date.parse('2024-07-11T12:00:00Z');
    const platform = createFakePlatform();
    const ctx = setup({
      adapters: [platform.adapter],
      watch: { probes: { enabled: false }, reconcile: { enabled: false } },
    });
    await ctx.clock.advanceTo(START);
    const hours = Array.from({ length: 14 * 24 }, (_, i) => ({
      at: START - (14 * 24 - i) * HOUR,
      count: 180,
    }));
    await importTrafficHistory(ctx.store, { channel: 'fake', accountId: ACCOUNT, hours });
    const alarms: Alarm[] = [];
    ctx.switchboard.on('alarm', (a) => void alarms.push(a));
    await ctx.switchboard.start();
    for (let i = 0; i < 30; i++) {
      await ctx.clock.advance(20_000);
      await platform.customerSends(ctx.switchboard, `u${i % 5}`, ctx.clock.now());
    }
    // The customers stop writing: for a connected account that is a silence worth an alarm...
    await ctx.clock.advance(15 * MINUTE);
    expect(alarms.map((a) => `${a.type}:${a.state}`)).toEqual(['silence:raised']);
    // ...for a disconnected one it is expected: the alarm clears and is not raised again.
    await ctx.switchboard.accounts.disconnect('fake', ACCOUNT);
    await ctx.clock.advance(60 * MINUTE);
    expect(alarms.map((a) => `${a.type}:${a.state}`)).toEqual(['silence:raised', 'silence:cleared']);
    expect(alarms[1]?.message).toBe('the account is not connected: its silence is expected');
    await ctx.switchboard.stop();
  });
});
