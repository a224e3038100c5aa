import type { Switchboard } from '@switchboard/core';
import type { MetaSimulator, SimChannel, TruthRecord } from '@switchboard/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountFor,
  describeClears,
  describe as describeIds,
  isMessage,
  trackRecovery,
} from '../../../bench/drill/accounting.js';
import type { RunningInbox } from '../src/server/app.js';
import { CHAOS_BUTTONS } from '../src/shared/chaos-buttons.js';
import type { ChaosAction, MessageItem } from '../src/shared/types.js';
import { startTestInbox } from './browser.js';
import { inboxApi } from './http.js';

/**
 * Every chaos button of the health page, end to end over the app's HTTP API, with real time divided by
 * SCALE: the engine's watch intervals (WATCH_*) and the faults' durations shrink together, so a
 * 2-minute outage spans the same number of reconciliation passes as on `npm start`.
 */
const SCALE = 30;
const scaled = (ms: number) => Math.round(ms / SCALE);
const PASS_MS = scaled(120_000);
const GRACE_MS = scaled(60_000);
const WATCH_ENV = {
  WATCH_RECONCILE_INTERVAL_MS: String(PASS_MS),
  WATCH_RECONCILE_GRACE_MS: String(GRACE_MS),
  WATCH_SILENCE_CHECK_INTERVAL_MS: String(scaled(60_000)),
  WATCH_SILENCE_MIN_WINDOW_MS: String(scaled(120_000)),
  WATCH_DELIVERY_DEADLINE_MS: String(scaled(120_000)),
  WATCH_PROBES_INTERVAL_MS: String(scaled(300_000)),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor<T>(
  what: string,
  get: () => Promise<T> | T,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The action a button sends, its duration scaled. */
function press(testid: string): ChaosAction {
  const button = CHAOS_BUTTONS.find((b) => b.testid === testid);
  if (!button) throw new Error(`no chaos button ${testid}`);
  const action = button.action;
  return 'durationMs' in action ? { ...action, durationMs: scaled(action.durationMs) } : action;
}

let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let api: Awaited<ReturnType<typeof inboxApi>>;
let sim: MetaSimulator;
let sb: Switchboard;
/** Handler calls per event key: above 1 is a duplicate delivered to the app. */
let handled: Map<string, number>;

beforeEach(async () => {
  ({ inbox, cleanup } = await startTestInbox(WATCH_ENV));
  api = await inboxApi(inbox);
  sim = inbox.simulator as MetaSimulator;
  sb = inbox.switchboard;
  handled = new Map();
  sb.on('*', (event) => {
    handled.set(event.key, (handled.get(event.key) ?? 0) + 1);
  });
  // The seeded demo conversations are in before anything breaks.
  await waitFor('the demo conversations', async () => sim.truth.summary().delivered >= 12);
});

afterEach(async () => {
  await cleanup?.();
});

const world = () => ({
  sim,
  store: sb.store,
  clock: sb.clock,
  switchboard: sb,
  loss: () => (sb.watch as NonNullable<Switchboard['watch']>).loss(),
});
const customerOf = (channel: SimChannel) => sim.account(channel).customers[0] as { userId: string };
const say = (channel: SimChannel, text: string) =>
  sim.customerSends({
    channel,
    accountId: sim.account(channel).accountId,
    userId: customerOf(channel).userId,
    text,
  });

/** The outbound message of a thread with this text (its id becomes the platform's once sent). */
async function outbound(conversation: string, text: string): Promise<MessageItem | undefined> {
  return (await api.thread(conversation)).items.find(
    (i): i is MessageItem =>
      i.type === 'message' && i.direction === 'outbound' && JSON.stringify(i.parts).includes(text),
  );
}

/** Ground truth against the books: every message no webhook delivered is held or named; none twice. */
async function expectNothingLost(channels: SimChannel[]) {
  const missed = sim.truth
    .all()
    .filter((r) => channels.includes(r.channel) && isMessage(r) && r.deliveredCount === 0);
  const a = await accountFor(world(), missed);
  const ids = (list: TruthRecord[]) => list.map((m) => m.messageId);
  // Soft: one run shows every broken promise at once.
  expect.soft(ids(a.unreported), `lost and unreported\n${describeIds(a.unreported)}`).toEqual([]);
  expect.soft(ids(a.notRecovered), `within reach, not recovered\n${describeIds(a.notRecovered)}`).toEqual([]);
  expect(
    [...handled].filter(([, n]) => n > 1),
    'events delivered to handlers twice',
  ).toEqual([]);
}

/** The customer's "hi" before, one message during and "hello??" after an outage: issue 20's masked gap. */
async function outage(testid: string) {
  const tracker = trackRecovery(world(), (r) => r.channel === 'instagram', GRACE_MS);
  sim.traffic.start({
    perMinute: 30,
    model: 'sessions',
    channels: ['instagram'],
    session: { pauseMs: scaled(25_000), replyAfterMs: scaled(90_000) },
  });
  say('instagram', 'hi');
  await sleep(PASS_MS / 2);
  const action = press(testid) as Extract<ChaosAction, { type: 'instagram-outage' }>;
  const start = Date.now();
  expect((await api.chaos(action)).ok).toBe(true);
  expect((await api.health()).simulator?.faults.map((f) => f.type)).toContain('webhook-outage');
  await sleep(action.durationMs / 2);
  say('instagram', 'is anyone there?');
  await sleep(action.durationMs / 2 + 200);
  say('instagram', 'hello??');
  // Three passes with the traffic on, then two more once it stops.
  await sleep(3 * PASS_MS);
  sim.traffic.stop();
  await sleep(2 * PASS_MS + GRACE_MS);
  expect((await api.health()).simulator?.faults).toEqual([]);
  return { tracker, start, end: start + action.durationMs };
}

describe('chaos buttons, end to end against the ground truth', () => {
  it('Instagram outage (events lost): every dropped message is backfilled or named, the alarm clears only after', async () => {
    const { tracker } = await outage('chaos-ig-drop');
    const dropped = sim.truth
      .all({ channel: 'instagram' })
      .filter((r) => isMessage(r) && r.dropped === 'outage');
    expect(dropped.map((r) => (r.item.message as { text?: string }).text)).toContain('is anyone there?');
    await expectNothingLost(['instagram']);
    expect
      .soft(
        describeClears(tracker.earlyClears),
        'webhook_gap cleared while a message of its window was neither held nor named',
      )
      .toEqual([]);
    // The page shows the recovery: a raised webhook_gap and backfilled messages on the Instagram card.
    const health = await api.health();
    expect(health.alarmHistory.some((a) => a.type === 'webhook_gap' && a.channel === 'instagram')).toBe(true);
    const ig = health.accounts.find((a) => a.channel === 'instagram' && a.messaging);
    expect(ig?.watch?.loss.backfilled).toBeGreaterThan(0);
  }, 90_000);

  it('Instagram webhook outage (held back): late webhooks and backfilled copies reach the handlers once', async () => {
    const { start, end } = await outage('chaos-ig-hold');
    // Meta held what was sent during the outage and delivered it late; nothing is missing, nothing twice.
    const held = sim.truth
      .all({ channel: 'instagram', since: start, until: end - 500 })
      .filter((r) => isMessage(r) && r.type === 'inbound');
    expect(held.length).toBeGreaterThan(0);
    for (const r of held) expect(r.deliveredAt).toBeGreaterThanOrEqual(end - 100);
    expect(sim.truth.lost({ channel: 'instagram' }).filter(isMessage)).toEqual([]);
    await expectNothingLost(['instagram']);
    for (const r of held)
      expect((await sb.store.messages.get('instagram', r.messageId as string))?.event).toBeTruthy();
  }, 90_000);

  it('429 storm: a send waits visibly, then goes out once; messages received meanwhile are kept', async () => {
    const conversation = `messenger:${sim.account('messenger').accountId}:${customerOf('messenger').userId}`;
    await api.chaos(press('chaos-429'));
    say('messenger', 'did my parcel leave?');
    await api.send(conversation, { kind: 'text', text: 'Checking, one moment' });
    const item = () => outbound(conversation, 'Checking, one moment');
    const waiting = await waitFor('the send to show its retry', async () => {
      const it = await item();
      return it?.retrying ? it : undefined;
    });
    expect(waiting.state).toBe('pending');
    expect(waiting.error).toMatch(/RATE_LIMITED/);
    // Meta's usage header asks for a minute (its granularity): the outbox honours it, then sends once.
    const sent = await waitFor(
      'the send to go out',
      async () => {
        const it = await item();
        return it && it.state !== 'pending' ? it : undefined;
      },
      100_000,
    );
    expect(['sent', 'delivered', 'read']).toContain(sent.state);
    expect(
      sim
        .businessSends({ channel: 'messenger' })
        .filter((s) => JSON.stringify(s.body).includes('Checking, one moment')),
    ).toHaveLength(1);
    await sleep(2 * PASS_MS);
    await expectNothingLost(['messenger', 'instagram']);
  }, 150_000);

  it.each([
    ['chaos-expire-messenger', 'messenger'],
    ['chaos-expire-whatsapp', 'whatsapp'],
  ] as const)(
    '%s: sends fail visibly, the probe goes down, "Renew tokens" brings it back, nothing lost',
    async (testid, channel) => {
      const conversation = `${channel}:${sim.account(channel).accountId}:${customerOf(channel).userId}`;
      await api.chaos(press(testid));
      const account = async () =>
        (await api.health()).accounts.find((a) => a.channel === channel && a.messaging);
      await waitFor('the probe to go down', async () => (await account())?.status === 'down');
      say(channel, 'are you open on Sunday?');
      await api.send(conversation, { kind: 'text', text: 'Sent with an expired token' });
      const failed = await waitFor('the send to fail visibly', async () => {
        const it = await outbound(conversation, 'Sent with an expired token');
        return it?.state === 'failed' ? it : undefined;
      });
      expect(failed.error).toMatch(/AUTH_FAILED.*expired/);
      await api.chaos({ type: 'renew-tokens' });
      await waitFor('the probe to recover', async () => (await account())?.status === 'ok', 40_000);
      await api.send(conversation, { kind: 'text', text: 'Yes, 10:00 to 16:00' });
      await waitFor('the send after renewal', async () => {
        const it = await outbound(conversation, 'Yes, 10:00 to 16:00');
        return it && it.state !== 'pending' && it.state !== 'failed';
      });
      const sends = sim.businessSends({ channel }).map((s) => JSON.stringify(s.body));
      expect(sends.filter((b) => b.includes('Yes, 10:00 to 16:00'))).toHaveLength(1);
      // The failed one stays failed on the page and never reached the platform.
      expect(sends.filter((b) => b.includes('Sent with an expired token'))).toEqual([]);
      expect((await outbound(conversation, 'Sent with an expired token'))?.state).toBe('failed');
      await sleep(2 * PASS_MS);
      await expectNothingLost(['messenger', 'instagram', 'whatsapp']);
    },
    90_000,
  );

  it('Clear all faults: ends an outage and a token expiry at once; nothing of the window is lost', async () => {
    await api.chaos(CHAOS_BUTTONS.find((b) => b.testid === 'chaos-ig-drop')?.action as ChaosAction);
    await api.chaos(press('chaos-expire-whatsapp'));
    expect((await api.health()).simulator?.faults.length).toBe(2);
    const lost = say('instagram', 'lost while the outage lasts');
    await sleep(300);
    expect(lost.dropped).toBe('outage');
    await api.chaos({ type: 'clear' });
    expect((await api.health()).simulator?.faults).toEqual([]);
    const after = say('instagram', 'delivered right after the clear');
    await waitFor('the webhook after the clear', () => after.deliveredCount === 1, 5_000);
    await waitFor('the WhatsApp probe', async () => {
      const wa = (await api.health()).accounts.find((a) => a.channel === 'whatsapp' && a.messaging);
      return wa?.status === 'ok';
    });
    await sleep(3 * PASS_MS);
    await expectNothingLost(['instagram']);
  }, 60_000);
});
