import { describe, expect, it } from 'vitest';
import { type Alarm, type ChannelEvent, createMemoryStore, SwitchboardError } from '../src/index.js';
import { ACCOUNT, body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';

const MINUTE = 60_000;

describe('switchboard.accounts', () => {
  it('connects, updates, disconnects and reconnects an account at runtime', async () => {
    const { switchboard, clock } = setup({ watch: false });
    const t0 = clock.now();
    const connected = await switchboard.accounts.connect({
      channel: 'whatsapp',
      accountId: '106540352242922',
      tenantId: 'acme',
      label: '+1 555 0100',
      linkedIds: { wabaId: '102290129340398' },
      appId: '1234567890',
    });
    expect(connected).toMatchObject({
      status: 'active',
      tenantId: 'acme',
      loginFlavour: null,
      token: null,
      createdAt: t0,
    });
    await clock.advance(10);
    const paused = await switchboard.accounts.update('whatsapp', '106540352242922', {
      status: 'paused',
      token: { expiresAt: null, scopes: ['whatsapp_business_messaging'], checkedAt: t0 + 10 },
    });
    expect(paused).toMatchObject({ status: 'paused', label: '+1 555 0100', updatedAt: t0 + 10 });
    expect((await switchboard.accounts.disconnect('whatsapp', '106540352242922')).status).toBe(
      'disconnected',
    );
    // A reconnect keeps what it does not name and makes the account active again.
    const back = await switchboard.accounts.connect({ channel: 'whatsapp', accountId: '106540352242922' });
    expect(back).toMatchObject({
      status: 'active',
      tenantId: 'acme',
      linkedIds: { wabaId: '102290129340398' },
      createdAt: t0,
    });
    expect(await switchboard.accounts.get('whatsapp', '106540352242922')).toEqual(back);
  });

  it('rejects bad input and unknown accounts with typed errors', async () => {
    const { switchboard } = setup({ watch: false });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (SwitchboardError.is(e) ? e.code : String(e)),
      );
    expect(await code(switchboard.accounts.connect({ channel: 'whatsapp', accountId: '' }))).toBe(
      'INVALID_REQUEST',
    );
    expect(await code(switchboard.accounts.connect({ channel: 'WhatsApp', accountId: '1' }))).toBe(
      'INVALID_REQUEST',
    );
    expect(
      await code(
        switchboard.accounts.connect({ channel: 'whatsapp', accountId: '1', status: 'gone' as 'active' }),
      ),
    ).toBe('INVALID_REQUEST');
    expect(await code(switchboard.accounts.update('whatsapp', 'never', { label: 'x' }))).toBe('NOT_FOUND');
    expect(await code(switchboard.accounts.disconnect('whatsapp', 'never'))).toBe('NOT_FOUND');
    expect(await code(switchboard.accounts.list({ cursor: 'not-a-cursor' }))).toBe('INVALID_REQUEST');
    expect(await code(switchboard.accounts.list({ limit: 5000 }))).toBe('INVALID_REQUEST');
  });

  it('lists page by page, by tenant and channel', async () => {
    const { switchboard } = setup({ watch: false });
    for (let i = 0; i < 7; i++)
      await switchboard.accounts.connect({
        channel: i % 2 ? 'instagram' : 'messenger',
        accountId: `p${i}`,
        tenantId: i < 5 ? 'acme' : 'globex',
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await switchboard.accounts.list({
        tenantId: 'acme',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.accounts.map((a) => `${a.channel}/${a.accountId}`));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(['instagram/p1', 'instagram/p3', 'messenger/p0', 'messenger/p2', 'messenger/p4']);
    expect(pages).toBe(3);
    const globexInstagram = await switchboard.accounts.list({ tenantId: 'globex', channel: 'instagram' });
    expect(globexInstagram).toEqual({
      accounts: [expect.objectContaining({ accountId: 'p5' })],
      nextCursor: null,
    });
  });

  it('seeds the accounts of the adapter configuration once, never overwriting a runtime change', async () => {
    const store = createMemoryStore();
    const first = setup({ store, watch: false });
    await first.switchboard.start();
    expect(await first.switchboard.accounts.get('fake', ACCOUNT)).toMatchObject({
      tenantId: null,
      status: 'active',
    });
    await first.switchboard.accounts.update('fake', ACCOUNT, { tenantId: 'acme', status: 'paused' });
    await first.switchboard.stop();
    const second = setup({ store, watch: false });
    await second.switchboard.start();
    expect(await second.switchboard.accounts.get('fake', ACCOUNT)).toMatchObject({
      tenantId: 'acme',
      status: 'paused',
    });
    await second.switchboard.stop();
  });
});

describe('tenants', () => {
  it('tags every event with its account tenant and scopes handlers, from the next webhook on', async () => {
    const { switchboard } = setup({ watch: false });
    const all: ChannelEvent[] = [];
    const acme: string[] = [];
    const globex: string[] = [];
    switchboard.on('*', (e) => {
      all.push(e);
    });
    switchboard.on('message', (e) => void acme.push(e.messageId), { tenantId: 'acme' });
    switchboard.on('*', (e) => void globex.push(e.key), { tenantId: 'globex' });
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'a1', tenantId: 'acme' });
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'g1', tenantId: 'globex' });
    await switchboard.handleWebhook(
      signedRequest(
        body([
          { type: 'message', id: 'm1', ts: 1, account: 'a1' },
          { type: 'message', id: 'm2', ts: 2, account: 'g1' },
          { type: 'status', id: 'm0', status: 'read', ts: 3, account: 'g1' },
          { type: 'message', id: 'm3', ts: 4, account: ACCOUNT },
        ]),
      ),
    );
    await switchboard.drain();
    // Conversations are dispatched concurrently: compare as a set.
    expect(new Map(all.map((e) => [e.key, e.tenantId]))).toEqual(
      new Map([
        ['fake:msg:m1', 'acme'],
        ['fake:msg:m2', 'globex'],
        ['fake:msg:m3', undefined],
        ['fake:status:m0:read', 'globex'],
      ]),
    );
    expect(acme).toEqual(['m1']);
    expect(globex.sort()).toEqual(['fake:msg:m2', 'fake:status:m0:read']);
    // The read model keeps the tag.
    expect((await switchboard.store.messages.get('fake', 'm1'))?.event?.tenantId).toBe('acme');

    // Moving an account to another tenant applies to the next webhook, without a restart.
    await switchboard.accounts.update('fake', 'a1', { tenantId: 'globex' });
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'message', id: 'm4', ts: 5, account: 'a1' }])),
    );
    await switchboard.drain();
    expect(all.at(-1)?.tenantId).toBe('globex');
    expect(acme).toEqual(['m1']);
  });

  it('sees accounts connected by another instance sharing the store within refreshMs', async () => {
    const store = createMemoryStore();
    const a = setup({ store, watch: false, instanceId: 'a' });
    const b = setup({ store, watch: false, instanceId: 'b', accounts: { refreshMs: 2_000 } });
    const tags: Array<string | undefined> = [];
    b.switchboard.on('*', (e) => void tags.push(e.tenantId));
    const post = async (id: string, account: string) => {
      await b.switchboard.handleWebhook(signedRequest(body([{ type: 'message', id, ts: 1, account }])));
      await b.switchboard.drain();
    };
    await post('before', ACCOUNT); // b has loaded its copy of the registry
    await a.switchboard.accounts.connect({ channel: 'fake', accountId: 'x1', tenantId: 'acme' });
    await b.clock.advance(2_000);
    // With a stale copy, x1 would be unknown to b and its event held.
    await post('after', 'x1');
    expect(tags).toEqual([undefined, 'acme']);
  });

  it('scopes health to a tenant and tags alarms with the tenant', async () => {
    const { switchboard, clock } = setup({
      watch: { probes: { enabled: false }, reconcile: { enabled: false } },
    });
    await switchboard.accounts.connect({ channel: 'fake', accountId: ACCOUNT, tenantId: 'acme' });
    await switchboard.accounts.connect({
      channel: 'fake',
      accountId: 'g1',
      tenantId: 'globex',
      label: 'Globex',
    });
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'gone', tenantId: 'globex' });
    await switchboard.accounts.disconnect('fake', 'gone');
    const alarms: Alarm[] = [];
    const globexAlarms: Alarm[] = [];
    switchboard.on('alarm', (alarm) => void alarms.push(alarm));
    switchboard.on('alarm', (alarm) => void globexAlarms.push(alarm), { tenantId: 'globex' });
    await switchboard.start();
    // A send without an echo raises delivery_pipeline for acme's account.
    await switchboard.sendAndWait({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u1' },
      content: { type: 'text', text: 'hi' },
    });
    await clock.advance(3 * MINUTE);
    expect(alarms.find((a) => a.type === 'delivery_pipeline')).toMatchObject({
      accountId: ACCOUNT,
      tenantId: 'acme',
    });
    expect(globexAlarms).toEqual([]);

    const globex = await switchboard.health({ tenantId: 'globex' });
    expect(globex.tenantId).toBe('globex');
    expect(globex.status).toBe('ok');
    expect(globex.accounts.map((a) => [a.accountId, a.tenantId, a.accountStatus])).toEqual([
      ['g1', 'globex', 'active'],
    ]);
    const acme = await switchboard.health({ tenantId: 'acme' });
    expect(acme.status).toBe('degraded');
    expect(acme.accounts.map((a) => a.accountId)).toEqual([ACCOUNT]);
    const everyone = await switchboard.health();
    expect(everyone.accounts.map((a) => `${a.accountId}:${a.tenantId}`)).toEqual([
      `${ACCOUNT}:acme`,
      'g1:globex',
    ]);
    await switchboard.stop();
  });
});
