import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  type Logger,
  ManualClock,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { recordingAccounts } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPartnerEvent,
  completeEmbeddedSignup,
  createWhatsAppAdapter,
  parseWhatsAppWebhook,
  partnerEventOf,
} from '../src/index.js';

/** A webhook endpoint that answers Meta's handshake for `verifyToken` and keeps the POSTed bodies. */
async function endpoint(verifyToken: string) {
  const bodies: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    if (req.method === 'GET') {
      const ok = q.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403).end(ok ? (q.get('hub.challenge') ?? '') : 'no');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wa/acme`;
  return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let sim: MetaSimulator;
let clock: ManualClock;
let app: Awaited<ReturnType<typeof endpoint>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
  app = await endpoint('app-verify');
  sim = await startMetaSimulator({ clock, seed: 21, webhooks: { whatsapp: app.url } });
});
afterEach(async () => {
  await sim.stop();
  await app.close();
});

const base = () => ({
  appId: sim.world.app.id,
  appSecret: sim.world.app.secret,
  graphBaseUrl: sim.url,
  now: () => clock.now(),
});

describe('completeEmbeddedSignup', () => {
  it('exchanges the code, finds the WABA, subscribes with the override, registers and connects each number with its own token', async () => {
    const tenant = await endpoint('tenant-verify');
    try {
      const session = sim.onboarding.embeddedSignup({ phoneNumbers: 2 });
      const accounts = recordingAccounts();
      const result = await completeEmbeddedSignup({
        ...base(),
        accounts,
        code: session.code,
        pin: '581063',
        tenantId: 'acme',
        overrideCallbackUri: tenant.url,
        verifyToken: 'tenant-verify',
      });
      expect(result.wabaId).toBe(session.wabaId);
      expect(accounts.calls.map((c) => c.accountId)).toEqual(session.phoneNumberIds);
      const [first] = accounts.calls;
      expect(first).toMatchObject({
        channel: 'whatsapp',
        tenantId: 'acme',
        linkedIds: { wabaId: session.wabaId },
        appId: sim.world.app.id,
        token: { expiresAt: null, checkedAt: clock.now() },
        credentials: { registrationPin: '581063' },
      });
      expect(first?.token?.scopes).toContain('whatsapp_business_messaging');
      const token = first?.credentials?.accessToken ?? '';
      const phoneId = session.phoneNumberIds[0] ?? '';

      // Registered: the stored token sends from that number…
      const send = (from: string, with_: string) =>
        fetch(`${sim.url}/v24.0/${from}/messages?access_token=${with_}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            messaging_product: 'whatsapp',
            to: '33612345678',
            type: 'text',
            text: { body: 'hi' },
          }),
        });
      expect((await send(phoneId, token)).status).toBe(200);
      // …but not from a number of another business.
      const other = sim.accounts.addWaba();
      expect((await send(other.phoneNumbers[0]?.id ?? '', token)).status).toBe(403);

      // The WABA's messages now go to the tenant's override URL.
      sim.customerSends({ channel: 'whatsapp', accountId: phoneId, text: 'bonjour' });
      await sim.idle();
      expect(tenant.bodies).toHaveLength(1);
      const parsed = parseWhatsAppWebhook(tenant.bodies[0] ?? Buffer.alloc(0));
      expect(parsed.events[0]).toMatchObject({ kind: 'message', accountId: phoneId });
    } finally {
      await tenant.close();
    }
  });

  it('classifies a used code, an expired code and a wrong app secret, and connects nothing', async () => {
    const accounts = recordingAccounts();
    const session = sim.onboarding.embeddedSignup();
    const run = (code: string, extra: Partial<ReturnType<typeof base>> = {}) =>
      completeEmbeddedSignup({ ...base(), ...extra, accounts, code, pin: '123456' }).then(
        () => undefined,
        (e: unknown) => e as SwitchboardError,
      );
    const wrongSecret = await run(session.code, { appSecret: 'not-the-secret' });
    expect(wrongSecret).toBeInstanceOf(SwitchboardError);
    expect(wrongSecret).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    expect(wrongSecret?.message).toMatch(/app secret/);
    expect(wrongSecret?.message).not.toContain('not-the-secret');
    expect(await run(session.code)).toBeUndefined();
    const used = await run(session.code);
    expect(used).toMatchObject({ code: 'AUTH_FAILED', platform: { subcode: 36009 } });
    expect(used?.message).toMatch(/already used/);

    const late = sim.onboarding.embeddedSignup();
    await clock.advance(31_000);
    const expired = await run(late.code);
    expect(expired).toMatchObject({ code: 'AUTH_FAILED', platform: { subcode: 36007 } });
    expect(expired?.message).toMatch(/30 s/);
    expect(accounts.calls).toHaveLength(1);
    expect(await run('x', { pin: '12' } as never)).toBeInstanceOf(SwitchboardError);
  });

  it('does not retry register: a number over its 10 requests / 72 h fails with 133016 and is not connected', async () => {
    const accounts = recordingAccounts();
    const first = sim.onboarding.embeddedSignup();
    await completeEmbeddedSignup({ ...base(), accounts, code: first.code, pin: '111111' });
    const token = accounts.calls[0]?.credentials?.accessToken ?? '';
    const phoneId = first.phoneNumberIds[0] ?? '';
    // Nine deregistrations later the number has used its 10 requests of the 72 h window.
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${sim.url}/v24.0/${phoneId}/deregister?access_token=${token}`, {
        method: 'POST',
      });
      expect(res.status).toBe(200);
    }
    // The customer goes through Embedded Signup again: the helper must register once, not retry.
    const again = sim.onboarding.embeddedSignup({ wabaId: first.wabaId });
    const failure = await completeEmbeddedSignup({
      ...base(),
      accounts,
      code: again.code,
      pin: '111111',
    }).catch((e: unknown) => e as SwitchboardError);
    expect(failure).toBeInstanceOf(SwitchboardError);
    expect(failure).toMatchObject({ platform: { code: 133016 } });
    expect(accounts.calls).toHaveLength(1);
    expect(sim.businessSends()).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('no log line or error carries the code, the app secret, the business token or the PIN', async () => {
    const lines: string[] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (message: string, fields?: Record<string, unknown>) =>
          lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
      ]),
    ) as unknown as Logger;
    const accounts = recordingAccounts();
    const session = sim.onboarding.embeddedSignup();
    await completeEmbeddedSignup({ ...base(), logger, accounts, code: session.code, pin: '735194' });
    const failure = await completeEmbeddedSignup({
      ...base(),
      logger,
      accounts,
      code: session.code,
      pin: '735194',
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(SwitchboardError);
    const token = accounts.calls[0]?.credentials?.accessToken ?? '';
    expect(token).not.toBe('');
    const text = `${lines.join('\n')}\n${failure?.message}\n${JSON.stringify(failure)}`;
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [session.code, sim.world.app.secret, token, '735194'])
      expect(text).not.toContain(secret);
  });
});

describe('with the engine', () => {
  it('connects into switchboard.accounts with sealed credentials; the engine then sends with that token; PARTNER_REMOVED disconnects', async () => {
    const switchboard = createSwitchboard({
      adapters: [
        createWhatsAppAdapter({
          appSecrets: [],
          verifyToken: 'app-verify',
          graphBaseUrl: sim.url,
          appId: sim.world.app.id,
        }),
      ],
      store: createMemoryStore(),
      clock,
      logger: silentLogger,
      watch: false,
      credentials: { keys: [{ id: 'test', key: randomBytes(32) }] },
    });
    const session = sim.onboarding.embeddedSignup();
    const { accounts } = await completeEmbeddedSignup({
      ...base(),
      accounts: switchboard.accounts,
      code: session.code,
      pin: '424242',
      tenantId: 'acme',
    });
    const phoneId = session.phoneNumberIds[0] ?? '';
    expect(accounts[0]).toMatchObject({ accountId: phoneId, tenantId: 'acme', status: 'active' });
    expect(switchboard.accounts.hasCredentials('whatsapp', phoneId)).toBe(true);
    expect(JSON.stringify(await switchboard.accounts.get('whatsapp', phoneId))).not.toContain('EAA');
    await switchboard.send({
      to: { channel: 'whatsapp', accountId: phoneId, userId: '33612345678' },
      content: { type: 'text', text: 'Bienvenue' },
    });
    await switchboard.drain();
    expect(sim.businessSends({ accountId: phoneId })).toHaveLength(1);

    sim.accounts.remove(session.wabaId);
    await sim.idle();
    const partner = app.bodies
      .flatMap((b) => parseWhatsAppWebhook(b).events)
      .flatMap((e) => (e.kind === 'account' ? (partnerEventOf(e) ?? []) : []))
      .find((p) => p.event === 'PARTNER_REMOVED');
    if (!partner) throw new Error('PARTNER_REMOVED expected');
    await applyPartnerEvent(partner, { accounts: switchboard.accounts });
    expect((await switchboard.accounts.get('whatsapp', phoneId))?.status).toBe('disconnected');
  });
});

describe('partner events', () => {
  it('account_update PARTNER_REMOVED disconnects every number of the WABA; PARTNER_ADDED connects nothing', async () => {
    const accounts = recordingAccounts();
    const session = sim.onboarding.embeddedSignup({ phoneNumbers: 2 });
    await completeEmbeddedSignup({ ...base(), accounts, code: session.code, pin: '222222' });
    const kept = sim.onboarding.embeddedSignup();
    await completeEmbeddedSignup({ ...base(), accounts, code: kept.code, pin: '222222' });
    sim.accounts.remove(session.wabaId);
    await sim.idle();
    const events = app.bodies
      .flatMap((b) => parseWhatsAppWebhook(b).events)
      .filter((e) => e.kind === 'account');
    const partners = events.flatMap((e) => (e.kind === 'account' ? (partnerEventOf(e) ?? []) : []));
    expect(partners.map((p) => p.event)).toEqual(['PARTNER_ADDED', 'PARTNER_ADDED', 'PARTNER_REMOVED']);
    const added = partners[0];
    const removed = partners[2];
    if (!added || !removed) throw new Error('partner events expected');
    expect(removed).toMatchObject({ wabaId: session.wabaId, disconnection: { initiatedBy: 'USER' } });
    expect(await applyPartnerEvent(added, { accounts })).toEqual([]);
    const off = await applyPartnerEvent(removed, { accounts });
    expect(off.map((r) => r.accountId).sort()).toEqual([...session.phoneNumberIds].sort());
    expect(accounts.records.get(`whatsapp:${kept.phoneNumberIds[0] ?? ''}`)?.status).toBe('active');
    expect(
      partnerEventOf({ accountId: '1', field: 'account_update', data: { event: 'DISABLED_UPDATE' } }),
    ).toBeUndefined();
    expect(() =>
      partnerEventOf({
        accountId: '1',
        field: 'account_update',
        data: { event: 'PARTNER_ADDED', waba_info: 'x' },
      }),
    ).toThrow(SwitchboardError);
  });
});
