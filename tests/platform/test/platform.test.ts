import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AdapterHost,
  type Alarm,
  type ChannelAdapter,
  type ChannelEvent,
  type ConnectAccountInput,
  createSwitchboard,
  type EventOfKind,
  ManualClock,
  type Store,
  type Switchboard,
  silentLogger,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { type MetaSimulator, type SimChannel, startMetaSimulator } from '@switchboard/simulator';
import { createPostgresStore } from '@switchboard/store-postgres';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDbPath, testDatabaseUrl } from './databases.js';

const KEYS = [{ id: 'platform-test', key: randomBytes(32) }];
const FLEET = Number(process.env.PLATFORM_FLEET_ACCOUNTS ?? 10_000);
const TENANTS = 300;

interface Instance {
  switchboard: Switchboard;
  /** What each adapter's host hands out (to check a sample of the fleet's credentials). */
  hosts: Map<string, AdapterHost>;
  seen: Array<EventOfKind<'message'>>;
  alarms: Alarm[];
}

/** The three Meta adapters as a platform configures them: no account, no token, no app secret in config. */
function adapters(sim: MetaSimulator): ChannelAdapter[] {
  const common = { appSecrets: [], verifyToken: sim.world.app.verifyToken, graphBaseUrl: sim.url };
  return [
    createMessengerAdapter({ ...common, appId: sim.world.app.id }),
    createInstagramAdapter({ ...common, appId: sim.world.app.id }),
    createWhatsAppAdapter({ ...common, appId: sim.world.app.id }),
  ];
}

function instance(sim: MetaSimulator, store: Store, clock: ManualClock, name: string): Instance {
  const hosts = new Map<string, AdapterHost>();
  const list = adapters(sim).map((adapter) => {
    const attach = adapter.attach?.bind(adapter);
    adapter.attach = (host) => {
      hosts.set(adapter.channel, host);
      attach?.(host);
    };
    return adapter;
  });
  const switchboard = createSwitchboard({
    adapters: list,
    store,
    clock,
    logger: silentLogger,
    instanceId: name,
    watch: false,
    credentials: { keys: KEYS },
  });
  const seen: Array<EventOfKind<'message'>> = [];
  const alarms: Alarm[] = [];
  switchboard.on('message', (event) => void seen.push(event));
  switchboard.on('alarm', (alarm) => void alarms.push(alarm));
  return { switchboard, hosts, seen, alarms };
}

/** The simulator's real accounts, each connected with its own token, two tenants. */
function realAccounts(sim: MetaSimulator): ConnectAccountInput[] {
  const tenant = (i: number) => (i === 0 ? 'acme' : 'globex');
  const appId = sim.world.app.id;
  return [
    ...sim.world.pages.map((page, i) => ({
      channel: 'messenger',
      accountId: page.id,
      tenantId: tenant(i),
      label: page.name,
      appId,
      credentials: { accessToken: page.accessToken },
    })),
    ...sim.world.instagram.map((ig, i) => ({
      channel: 'instagram',
      accountId: ig.id,
      tenantId: tenant(i),
      // Both Instagram logins side by side in one adapter.
      loginFlavour: ig.pageId ? 'facebook-login' : 'instagram-login',
      linkedIds: ig.pageId ? { pageId: ig.pageId } : ({} as Record<string, string>),
      appId,
      credentials: { accessToken: ig.accessToken },
    })),
    ...sim.world.phoneNumbers.map((number, i) => ({
      channel: 'whatsapp',
      accountId: number.id,
      tenantId: tenant(i),
      linkedIds: { wabaId: number.wabaId },
      appId,
      credentials: { accessToken: sim.world.systemUserToken },
    })),
  ];
}

/**
 * The fleet: `size` accounts created in the simulator at runtime — Pages, Instagram Login accounts and
 * WhatsApp numbers, each on its own WABA — every one with a token that works for it alone.
 */
function fleet(
  sim: MetaSimulator,
  size: number,
): Array<ConnectAccountInput & { credentials: { accessToken: string } }> {
  return Array.from({ length: size }, (_, i) => {
    const tenantId = `tenant-${i % TENANTS}`;
    const kind = i % 10;
    if (kind < 4) {
      const { page, token } = sim.accounts.addPage({ customers: 1 });
      return { channel: 'messenger', accountId: page.id, tenantId, credentials: { accessToken: token } };
    }
    if (kind < 7) {
      const { instagram, token } = sim.accounts.addInstagram({ customers: 1 });
      return {
        channel: 'instagram',
        accountId: instagram.id,
        tenantId,
        loginFlavour: 'instagram-login',
        credentials: { accessToken: token },
      };
    }
    const { waba, phoneNumbers, token } = sim.accounts.addWaba({ customers: 1 });
    return {
      channel: 'whatsapp',
      accountId: (phoneNumbers[0] as { id: string }).id,
      tenantId,
      linkedIds: { wabaId: waba.id },
      credentials: { accessToken: token },
    };
  });
}

async function connectAll(switchboard: Switchboard, inputs: ConnectAccountInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 50)
    await Promise.all(inputs.slice(i, i + 50).map((input) => switchboard.accounts.connect(input)));
}

async function listen(switchboard: Switchboard): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const reply = (switchboard: Switchboard, event: ChannelEvent & { userId: string }, text: string) =>
  switchboard.send({
    to: { channel: event.channel, accountId: event.accountId, userId: event.userId },
    content: { type: 'text', text },
  });

interface Backend {
  name: string;
  /** One store per instance, all over the same data. */
  open(instances: number): Promise<{ stores: Store[]; plaintextIn(secrets: string[]): Promise<string[]> }>;
}

const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const backends: Array<[string, Backend, number]> = [
  [
    'SQLite',
    {
      name: 'SQLite',
      async open() {
        const path = tempDbPath();
        const store = createSqliteStore({ path });
        return {
          stores: [store],
          async plaintextIn(secrets) {
            const bytes = ['', '-wal']
              .map((suffix) => {
                try {
                  return readFileSync(`${path}${suffix}`).toString('latin1');
                } catch {
                  return '';
                }
              })
              .join('');
            return secrets.filter((s) => bytes.includes(s));
          },
        };
      },
    },
    1,
  ],
  [
    'PostgreSQL',
    {
      name: 'PostgreSQL',
      async open(count) {
        const connectionString = await testDatabaseUrl();
        const schema = `sbplatform_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        const stores: Store[] = [];
        for (let i = 0; i < count; i++) stores.push(await createPostgresStore({ connectionString, schema }));
        return {
          stores,
          async plaintextIn(secrets) {
            const client = new pg.Client({ connectionString });
            await client.connect();
            try {
              const tables = await client.query<{ table_name: string }>(
                'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
                [schema],
              );
              let text = '';
              for (const { table_name } of tables.rows) {
                const rows = await client.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
                text += rows.rows.map((r: { row: string }) => r.row).join('\n');
              }
              return secrets.filter((s) => text.includes(s));
            } finally {
              await client.end();
            }
          },
        };
      },
    },
    2,
  ],
];

describe.each(backends)('a platform on %s', (_name, backend, instances) => {
  it(`serves ${FLEET} accounts across ${TENANTS} tenants with their own credentials, ${instances} instance(s)`, async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
    const sim = await startMetaSimulator({ clock, seed: 11, world: { customersPerAccount: 1 } });
    const { stores, plaintextIn } = await backend.open(instances);
    const nodes = stores.map((store, i) => instance(sim, store, clock, `node-${i}`));
    const [a, b = a] = nodes as [Instance, Instance?];
    // Not started: the test drives the workers with drain() on the manual clock.
    const server = await listen(a.switchboard);
    for (const channel of ['messenger', 'instagram', 'whatsapp'] as const)
      sim.setWebhook(channel, `${server.url}/webhooks/${channel}`);
    const appSecret = sim.world.app.secret;
    try {
      // The app's secret and every account arrive at runtime, on one instance.
      await a.switchboard.apps.put(sim.world.app.id, [appSecret]);
      const real = realAccounts(sim);
      const synthetic = fleet(sim, FLEET - real.length);
      await connectAll(a.switchboard, [...real, ...synthetic]);
      const page = await b.switchboard.accounts.list({ tenantId: 'tenant-7', limit: 1000 });
      expect(page.accounts).toHaveLength(synthetic.filter((s) => s.tenantId === 'tenant-7').length);

      // Every fleet account's own token reaches its adapter on the other instance.
      for (const account of synthetic.filter((_, i) => i % 97 === 0)) {
        const held = await b.hosts.get(account.channel)?.credentials(account.accountId);
        expect(held?.accessToken).toBe(account.credentials.accessToken);
      }

      // Receive and reply with its own token on the world's accounts and on ~300 of the fleet, across
      // tenants and channels: the simulator refuses a token that is not the account's.
      const live = [...real, ...synthetic.filter((_, i) => i % Math.ceil(synthetic.length / 300) === 0)];
      for (const account of live) {
        const customer = sim.world.customers.find(
          (c) => c.channel === account.channel && c.accountId === account.accountId,
        );
        sim.customerSends({
          channel: account.channel as SimChannel,
          userId: customer?.userId,
          text: 'hello',
        });
      }
      await sim.idle();
      for (const node of nodes) await node.switchboard.drain();
      const received = nodes.flatMap((n) => n.seen);
      expect(received.map((e) => `${e.channel}:${e.accountId}`).sort()).toEqual(
        live.map((r) => `${r.channel}:${r.accountId}`).sort(),
      );
      for (const event of received)
        expect(event.tenantId).toBe(live.find((r) => r.accountId === event.accountId)?.tenantId);
      const entries = await Promise.all(received.map((e) => reply(b.switchboard, e, 'on it')));
      await b.switchboard.drain();
      for (const entry of entries)
        expect(await b.switchboard.store.outbox.get(entry.id)).toMatchObject({ state: 'sent' });
      expect(sim.businessSends().filter((s) => s.body !== undefined)).toHaveLength(live.length);

      // Rotate a token on A: B's next send (past refreshMs) uses it, no restart.
      const [acmePage, globexPage] = real as [ConnectAccountInput, ConnectAccountInput];
      await a.switchboard.accounts.update('messenger', acmePage.accountId, {
        credentials: { accessToken: globexPage.credentials?.accessToken as string },
      });
      await clock.advance(2_000);
      const event = received.find((e) => e.accountId === acmePage.accountId) as EventOfKind<'message'>;
      const refused = await reply(b.switchboard, event, 'with the wrong token');
      await b.switchboard.drain();
      expect(await b.switchboard.store.outbox.get(refused.id)).toMatchObject({ state: 'failed' });
      await a.switchboard.accounts.update('messenger', acmePage.accountId, {
        credentials: acmePage.credentials ?? null,
      });
      await clock.advance(2_000);
      const fixed = await reply(b.switchboard, event, 'with its own token again');
      await b.switchboard.drain();
      expect(await b.switchboard.store.outbox.get(fixed.id)).toMatchObject({ state: 'sent' });

      // Rotate the app secret (Meta's "Reset"): both verify during the switch, then only the new one.
      await a.switchboard.apps.put(sim.world.app.id, ['rotated-app-secret', appSecret]);
      sim.world.app.secret = 'rotated-app-secret';
      await clock.advance(2_000);
      const afterReset = sim.customerSends({ channel: 'instagram', text: 'after the reset' });
      await sim.idle();
      expect(afterReset.deliveredCount).toBe(1);
      await a.switchboard.apps.put(sim.world.app.id, ['rotated-app-secret']);
      sim.world.app.secret = appSecret; // an old signature is now refused
      await clock.advance(2_000);
      const stale = sim.customerSends({ channel: 'instagram', text: 'signed with the old secret' });
      await sim.idle();
      expect(stale.deliveredCount).toBe(0);
      sim.world.app.secret = 'rotated-app-secret';

      // Disconnect: later webhooks are acknowledged and held, not processed; sends are refused.
      await a.switchboard.accounts.disconnect('messenger', globexPage.accountId);
      await clock.advance(2_000);
      const inboundOf = (accountId: string) =>
        nodes
          .flatMap((n) => n.seen)
          .filter((e) => e.accountId === accountId && e.kind === 'message' && e.direction === 'inbound');
      const before = inboundOf(globexPage.accountId).length;
      const held = sim.customerSends({
        channel: 'messenger',
        accountId: globexPage.accountId,
        text: 'anyone?',
      });
      await sim.idle();
      expect(held.deliveredCount).toBe(1);
      for (const node of nodes) await node.switchboard.drain();
      expect(inboundOf(globexPage.accountId)).toHaveLength(before);
      expect(a.alarms).toContainEqual(
        expect.objectContaining({
          type: 'account_unknown',
          accountId: globexPage.accountId,
          state: 'raised',
        }),
      );
      await expect(
        b.switchboard.sendAndWait({
          to: { channel: 'messenger', accountId: globexPage.accountId, userId: 'x' },
          content: { type: 'text', text: 'x' },
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_CONNECTED' });

      // Per-tenant health: the tenant's accounts only, tagged.
      const acme = await b.switchboard.health({ tenantId: 'acme' });
      expect(acme.accounts.map((x) => x.accountId).sort()).toEqual(
        real
          .filter((r) => r.tenantId === 'acme')
          .map((r) => r.accountId)
          .sort(),
      );
      expect(acme.accounts.every((x) => x.tenantId === 'acme' && x.accountStatus === 'active')).toBe(true);

      // No token or secret in plaintext anywhere in the database.
      const secrets = [
        appSecret,
        'rotated-app-secret',
        sim.world.systemUserToken,
        ...sim.world.pages.map((p) => p.accessToken),
        ...synthetic.filter((_, i) => i % 101 === 0).map((s) => s.credentials.accessToken),
      ];
      expect(await plaintextIn(secrets)).toEqual([]);
    } finally {
      await server.close();
      await sim.stop();
      for (const store of stores) await store.close();
    }
  });
});
