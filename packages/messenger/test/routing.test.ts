import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChannelEvent,
  createMemoryStore,
  createSwitchboard,
  type HandoverEvent,
  type MemoryStore,
  type Switchboard,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { type MetaSimulator, type SimAccount, startMetaSimulator } from '@switchboard/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { META_INBOX_APP_IDS, type MessengerAdapter } from '../src/index.js';
import { simAdapter } from './helpers.js';

type Handover = z.infer<typeof HandoverEvent>;

let sim: MetaSimulator;
let account: SimAccount;
let adapter: MessengerAdapter;
let store: MemoryStore;
let switchboard: Switchboard;
let server: Server;
let seen: ChannelEvent[];

async function startEngine(options: { standby?: 'record' | 'dispatch' } = {}) {
  adapter = simAdapter(sim, account);
  store = createMemoryStore();
  switchboard = createSwitchboard({
    adapters: [adapter],
    store,
    logger: silentLogger,
    watch: false,
    tokens: false,
    outbox: { maxAttempts: 5, baseDelayMs: 1 },
    ...options,
  });
  seen = [];
  switchboard.on('*', (event) => {
    seen.push(event);
  });
  server = createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.setWebhook(
    'messenger',
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/messenger`,
  );
}

/** Waits for the simulator's webhooks to be stored, then processes everything due. */
async function settle() {
  await sim.idle();
  await switchboard.drain();
}

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 16 });
  account = sim.account('messenger');
});
afterEach(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await sim.stop();
});

const thread = () => ({
  channel: 'messenger' as const,
  accountId: account.accountId,
  userId: account.customers[0]!.userId,
});

describe('Conversation Routing through the engine', () => {
  it('a send while another app owns the thread fails once as THREAD_NOT_OWNED and is never retried', async () => {
    await startEngine();
    sim.threads.takenByOtherApp(thread());
    const to = { channel: 'messenger', accountId: account.accountId, userId: thread().userId };
    const queued = await switchboard.send({ to, content: { type: 'text', text: 'Still there?' } });
    await switchboard.drain();
    await switchboard.drain();
    const entry = await store.outbox.get(queued.id);
    expect(entry).toMatchObject({ state: 'failed', attempts: 1 });
    const error = SwitchboardError.fromJSON(entry?.error ?? {});
    expect(error.code).toBe('THREAD_NOT_OWNED');
    expect(error.retryable).toBe(false);
    expect(error.platform?.subcode).toBe(2018300);
    expect(sim.businessSends({ userId: to.userId })).toHaveLength(0);
  });

  it('handover webhooks become typed handover events; standby messages are stored but not dispatched', async () => {
    await startEngine();
    sim.threads.passedToUs(thread(), { fromAppId: META_INBOX_APP_IDS.pageInbox, metadata: 'ticket-42' });
    await settle();
    const pass = seen.find((e): e is Handover => e.kind === 'handover');
    expect(pass).toMatchObject({
      action: 'pass_thread_control',
      newOwnerAppId: sim.world.app.id,
      metadata: 'ticket-42',
      userId: thread().userId,
    });

    sim.threads.takenByOtherApp(thread(), { metadata: 'human' });
    const standby = sim.customerSends({ ...thread(), kind: 'text', text: 'I want a human' });
    await settle();
    const take = seen.filter((e): e is Handover => e.kind === 'handover').at(-1);
    expect(take).toMatchObject({ action: 'take_thread_control', previousOwnerAppId: sim.world.app.id });
    expect(seen.some((e) => e.kind === 'message')).toBe(false);
    // Stored, deduplicated and in the read model all the same: the inbox shows it.
    const stored = await store.messages.get('messenger', standby.messageId!);
    expect(stored?.event).toMatchObject({ standby: true, text: 'I want a human' });
    expect(await switchboard.metrics()).toMatch(
      /switchboard_standby_recorded_total\{channel="messenger"\} 1/,
    );
  });

  it("with standby: 'dispatch', handlers get standby events, flagged", async () => {
    await startEngine({ standby: 'dispatch' });
    sim.threads.takenByOtherApp(thread());
    sim.customerSends({ ...thread(), kind: 'text', text: 'Hello?' });
    await settle();
    const message = seen.find((e) => e.kind === 'message');
    expect(message).toMatchObject({ standby: true, text: 'Hello?' });
  });

  it('pass, release, take, extend and thread_owner against the platform', async () => {
    await startEngine();
    const control = adapter.threadControl(account.accountId);
    const { userId } = thread();
    expect(await control.featureStatus()).toMatchObject({ hopV2: true, messengerMultiApp: true });
    expect(await control.owner(userId)).toEqual({ idle: true });
    await control.take(userId, { metadata: 'bot' });
    expect(await control.owner(userId)).toMatchObject({
      idle: false,
      appId: sim.world.app.id,
      ownedByThisApp: true,
    });
    await control.extend(userId, 3 * 24 * 3600);
    const owner = await control.owner(userId);
    expect(owner.expiresAt).toBeGreaterThan(Date.now() + 2 * 24 * 3600_000);
    await control.pass(userId, META_INBOX_APP_IDS.pageInbox, { metadata: 'needs a human' });
    expect(await control.owner(userId)).toMatchObject({
      appId: META_INBOX_APP_IDS.pageInbox,
      ownedByThisApp: false,
    });
    // Not ours any more: releasing is refused by Meta as not-owner.
    expect((await control.release(userId).catch((e: unknown) => e)) as SwitchboardError).toMatchObject({
      code: 'THREAD_NOT_OWNED',
    });
    await control.take(userId);
    await control.release(userId);
    expect(await control.owner(userId)).toEqual({ idle: true });
    // Bad input fails before any call.
    await expect(control.extend(userId, 8 * 24 * 3600)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(control.pass(userId, '')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(control.take(userId, { metadata: 'x'.repeat(1001) })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});
