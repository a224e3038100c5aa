import { randomBytes } from 'node:crypto';
import {
  type Alarm,
  type ConnectAccountInput,
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  silentLogger,
} from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { startMetaSimulator } from '@switchboard/simulator';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { expect, it } from 'vitest';

it("checks each account's own token with Meta's debug_token (Instagram Login with /me) and alarms per account", async () => {
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
  const sim = await startMetaSimulator({ clock, seed: 5, world: { customersPerAccount: 1 } });
  try {
    const common = { appSecrets: [], verifyToken: sim.world.app.verifyToken, graphBaseUrl: sim.url };
    const switchboard = createSwitchboard({
      adapters: [
        createMessengerAdapter(common),
        createInstagramAdapter(common),
        createWhatsAppAdapter(common),
      ],
      store: createMemoryStore(),
      clock,
      logger: silentLogger,
      watch: false,
      credentials: { keys: [{ id: 't', key: randomBytes(32) }] },
    });
    const alarms: Alarm[] = [];
    switchboard.on('alarm', (a) => void alarms.push(a));
    const appId = sim.world.app.id;
    await switchboard.apps.put(appId, [sim.world.app.secret]);
    const [page0, page1] = sim.world.pages;
    const [linked, unlinked] = sim.world.instagram;
    const [number] = sim.world.phoneNumbers;
    const accounts: ConnectAccountInput[] = [
      { channel: 'messenger', accountId: page0!.id, credentials: { accessToken: page0!.accessToken } },
      // A revoked token: the check must say so for this account only.
      {
        channel: 'messenger',
        accountId: page1!.id,
        credentials: { accessToken: sim.world.testTokens.revoked },
      },
      {
        channel: 'instagram',
        accountId: linked!.id,
        loginFlavour: 'facebook-login',
        linkedIds: { pageId: linked!.pageId! },
        credentials: { accessToken: linked!.accessToken },
      },
      {
        channel: 'instagram',
        accountId: unlinked!.id,
        loginFlavour: 'instagram-login',
        credentials: { accessToken: unlinked!.accessToken },
      },
      {
        channel: 'whatsapp',
        accountId: number!.id,
        linkedIds: { wabaId: number!.wabaId },
        credentials: { accessToken: sim.world.systemUserToken },
      },
    ];
    for (const account of accounts)
      await switchboard.accounts.connect({ ...account, appId, tenantId: 'acme' });

    const results = await Promise.all(
      accounts.map((a) =>
        switchboard.tokens!.check(a.channel, a.accountId).then((r) => [a.accountId, r.valid]),
      ),
    );
    expect(Object.fromEntries(results)).toEqual({
      [page0!.id]: true,
      [page1!.id]: false,
      [linked!.id]: true,
      [unlinked!.id]: true,
      [number!.id]: true,
    });
    expect(alarms.filter((a) => a.state === 'raised')).toEqual([
      expect.objectContaining({ type: 'token_invalid', accountId: page1!.id, tenantId: 'acme' }),
    ]);
    // What debug_token said is kept on the account.
    const checked = await switchboard.accounts.get('messenger', page0!.id);
    expect(checked?.token).toMatchObject({
      checkedAt: clock.now(),
      scopes: expect.arrayContaining(['pages_messaging']),
    });
  } finally {
    await sim.stop();
  }
});

it('refreshes an Instagram Login token with ig_refresh_token before it expires, and sends with the new one', async () => {
  const DAY = 86_400_000;
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
  const sim = await startMetaSimulator({ clock, seed: 6, world: { customersPerAccount: 1 } });
  try {
    const common = { appSecrets: [], verifyToken: sim.world.app.verifyToken, graphBaseUrl: sim.url };
    const switchboard = createSwitchboard({
      adapters: [createInstagramAdapter({ ...common, apiFlavour: 'instagram-login', clock })],
      store: createMemoryStore(),
      clock,
      logger: silentLogger,
      watch: false,
      credentials: { keys: [{ id: 't', key: randomBytes(32) }] },
    });
    const { instagram, token } = sim.accounts.addInstagram({ customers: 1 });
    await switchboard.accounts.connect({
      channel: 'instagram',
      accountId: instagram.id,
      loginFlavour: 'instagram-login',
      appId: sim.world.app.id,
      token: { expiresAt: clock.now() + 60 * DAY, scopes: [], checkedAt: null },
      credentials: { accessToken: token },
    });
    await switchboard.apps.put(sim.world.app.id, [sim.world.app.secret]);
    // 51 days later: 9 days left, inside the 10-day refresh window.
    await clock.advance(51 * DAY);
    expect(await switchboard.tokens!.pass()).toMatchObject({ refreshed: 1, failed: 0 });
    const record = await switchboard.accounts.get('instagram', instagram.id);
    // Meta's expires_in for a 60-day token: 5,183,944 s.
    expect(record?.token?.expiresAt).toBe(clock.now() + 5_183_944_000);

    const customer = sim.world.customers.find((c) => c.accountId === instagram.id)!;
    // The customer writes first: the 24-hour window is open (no webhook endpoint here; not needed).
    sim.customerSends({ channel: 'instagram', userId: customer.userId, text: 'hello?' });
    const entry = await switchboard.send({
      to: { channel: 'instagram', accountId: instagram.id, userId: customer.userId },
      content: { type: 'text', text: 'still here' },
    });
    await switchboard.drain();
    expect(await switchboard.store.outbox.get(entry.id)).toMatchObject({ state: 'sent' });
    // Past the old token's expiry, the refreshed one still sends.
    await clock.advance(10 * DAY);
    sim.customerSends({ channel: 'instagram', userId: customer.userId, text: 'hello again' });
    const later = await switchboard.send({
      to: { channel: 'instagram', accountId: instagram.id, userId: customer.userId },
      content: { type: 'text', text: 'after the old token expired' },
    });
    await switchboard.drain();
    expect(await switchboard.store.outbox.get(later.id)).toMatchObject({ state: 'sent' });
  } finally {
    await sim.stop();
  }
});
