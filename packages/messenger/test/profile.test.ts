import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  type MemoryStore,
  type Switchboard,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { type MetaSimulator, type SimAccount, startMetaSimulator } from '@switchboard/simulator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessengerAdapter, ProfileSettings } from '../src/index.js';
import { simAdapter } from './helpers.js';

let sim: MetaSimulator;
let account: SimAccount;
let adapter: MessengerAdapter;
let store: MemoryStore;
let switchboard: Switchboard;
let server: Server | undefined;

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 17 });
  account = sim.account('messenger');
  adapter = simAdapter(sim, account);
  store = createMemoryStore();
  switchboard = createSwitchboard({
    adapters: [adapter],
    store,
    logger: silentLogger,
    watch: false,
    tokens: false,
  });
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await sim.stop();
});

const settings: ProfileSettings = {
  getStarted: { payload: 'GET_STARTED' },
  greeting: [
    { locale: 'default', text: 'Hi {{user_first_name}}! Ask us anything.' },
    { locale: 'fr_FR', text: 'Bonjour {{user_first_name}} !' },
  ],
  persistentMenu: [
    {
      locale: 'default',
      actions: [
        { type: 'postback', title: 'Talk to an agent', payload: 'CARE_HELP' },
        { type: 'web_url', title: 'Shop now', url: 'https://example.com/shop', webviewHeightRatio: 'full' },
      ],
    },
  ],
  iceBreakers: [{ locale: 'default', questions: [{ question: 'Where are you?', payload: 'WHERE' }] }],
};

describe('Messenger Profile API', () => {
  it('a menu over its limits is a validation error before any Graph call', async () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => ({
      type: 'postback' as const,
      title: `Item ${i}`,
      payload: `P${i}`,
    }));
    const attempts: Array<() => Promise<unknown>> = [
      () =>
        adapter.ensureProfile(account.accountId, {
          persistentMenu: [{ locale: 'default', actions: tooMany }],
        }),
      () =>
        adapter.profileSettings.set(account.accountId, {
          persistentMenu: [
            { locale: 'default', actions: [{ type: 'postback', title: 'x'.repeat(31), payload: 'A' }] },
          ],
        }),
      // No default locale.
      () => adapter.ensureProfile(account.accountId, { greeting: [{ locale: 'en_US', text: 'Hi' }] }),
      () =>
        adapter.ensureProfile(account.accountId, {
          greeting: [{ locale: 'default', text: 'x'.repeat(161) }],
        }),
      () =>
        adapter.ensureProfile(account.accountId, {
          iceBreakers: [
            {
              locale: 'default',
              questions: Array.from({ length: 5 }, (_, i) => ({ question: `Q${i}`, payload: `Q${i}` })),
            },
          ],
        }),
      () => adapter.ensureProfile(account.accountId, { whitelistedDomains: ['http://example.com'] }),
      () => adapter.ensureProfile(account.accountId, { whitelistedDomains: ['https://127.0.0.1'] }),
      // A typo is refused, not silently dropped.
      () => adapter.ensureProfile(account.accountId, { persistentMenus: [] } as never),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(SwitchboardError.is(error, 'INVALID_REQUEST'), String(error)).toBe(true);
    }
    expect(sim.people.profileApiCalls(account.accountId)).toBe(0);
  });

  it('ensureProfile writes what differs in one call, then only reads', async () => {
    const first = await adapter.ensureProfile(account.accountId, settings);
    expect(first.written.sort()).toEqual(['getStarted', 'greeting', 'iceBreakers', 'persistentMenu']);
    expect(sim.people.profileApiCalls(account.accountId)).toBe(2); // one read, one write
    expect(sim.people.profileSettings(account.accountId)).toMatchObject({
      get_started: { payload: 'GET_STARTED' },
      persistent_menu: [
        {
          locale: 'default',
          call_to_actions: [
            { type: 'postback', title: 'Talk to an agent', payload: 'CARE_HELP' },
            {
              type: 'web_url',
              title: 'Shop now',
              url: 'https://example.com/shop',
              webview_height_ratio: 'full',
            },
          ],
        },
      ],
    });
    const again = await adapter.ensureProfile(account.accountId, settings);
    expect(again).toEqual({
      written: [],
      deleted: [],
      unchanged: ['getStarted', 'greeting', 'persistentMenu', 'iceBreakers'],
    });
    expect(sim.people.profileApiCalls(account.accountId)).toBe(3);
    // Change one greeting, drop the ice breakers: one read, one write of the greeting, one delete.
    const changed = await adapter.ensureProfile(account.accountId, {
      ...settings,
      greeting: [{ locale: 'default', text: 'Welcome back!' }],
      iceBreakers: null,
    });
    expect(changed).toMatchObject({ written: ['greeting'], deleted: ['iceBreakers'] });
    expect(sim.people.profileApiCalls(account.accountId)).toBe(6);
    expect(await adapter.profileSettings.get(account.accountId, ['greeting', 'iceBreakers'])).toEqual({
      greeting: [{ locale: 'default', text: 'Welcome back!' }],
    });
  });

  it('keeps to 10 calls per 10 minutes per Page: the 11th is RATE_LIMITED without reaching Meta', async () => {
    for (let i = 0; i < 10; i++) await adapter.profileSettings.get(account.accountId, ['getStarted']);
    const error = await adapter.profileSettings.get(account.accountId).catch((e: unknown) => e);
    expect(SwitchboardError.is(error, 'RATE_LIMITED')).toBe(true);
    expect((error as SwitchboardError).retryAfterMs).toBeGreaterThan(30_000);
    expect(sim.people.profileApiCalls(account.accountId)).toBe(10);
  });
});

describe('user profiles through switchboard.profiles', () => {
  it('fetches a name and avatar once, then serves them from the store', async () => {
    const customer = account.customers[0]!;
    const lookups = vi.spyOn(adapter, 'userProfile');
    const ref = { channel: 'messenger', accountId: account.accountId, userId: customer.userId };
    const profile = await switchboard.profiles.get(ref);
    expect(profile).toMatchObject({ name: customer.name, firstName: customer.name.split(' ')[0] });
    expect(profile?.avatarUrl).toMatch(new RegExp(`^${sim.url}/_avatar/messenger/${customer.userId}\\?ext=`));
    // The picture itself downloads from the platform's host (the simulator's origin here).
    const picture = await adapter.downloadAttachment(account.accountId, profile?.avatarUrl ?? '');
    expect(picture.mimeType).toBe('image/svg+xml');
    expect(await switchboard.profiles.get(ref)).toEqual(profile);
    expect(lookups).toHaveBeenCalledTimes(1);
    expect((await store.profiles.get('messenger', account.accountId, customer.userId))?.profile).toEqual(
      profile,
    );
    await switchboard.profiles.get(ref, { refresh: true });
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('a person who never wrote has no profile: classified, cached as absent, asked again once they write', async () => {
    const quiet = sim.people.addSilentCustomer('messenger', account.accountId, 'Quiet Quentin');
    const lookups = vi.spyOn(adapter, 'userProfile');
    const ref = { channel: 'messenger', accountId: account.accountId, userId: quiet.userId };
    expect(await switchboard.profiles.get(ref)).toBeNull();
    const record = await switchboard.profiles.lookup(ref);
    expect(record.profile).toBeUndefined();
    expect(record.absentReason).toMatch(/no consent.*2018247/);
    expect(lookups).toHaveBeenCalledTimes(1);

    // The person writes: the absence is stale, the next view asks again and finds them.
    server = createServer(toNodeListener(switchboard));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    sim.setWebhook(
      'messenger',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/messenger`,
    );
    sim.customerSends({
      channel: 'messenger',
      accountId: account.accountId,
      userId: quiet.userId,
      kind: 'text',
    });
    await sim.idle();
    await switchboard.drain();
    expect(await switchboard.profiles.get(ref)).toMatchObject({ name: 'Quiet Quentin' });
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('a failure that is not an absence is thrown and not cached', async () => {
    sim.faults.rateLimitStorm({ channel: 'messenger', accountId: account.accountId });
    const ref = { channel: 'messenger', accountId: account.accountId, userId: account.customers[1]!.userId };
    const error = await switchboard.profiles.get(ref).catch((e: unknown) => e);
    expect(SwitchboardError.is(error, 'RATE_LIMITED')).toBe(true);
    expect(await store.profiles.get('messenger', account.accountId, ref.userId)).toBeUndefined();
  });
});
