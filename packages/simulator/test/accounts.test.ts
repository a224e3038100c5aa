import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { graph, startReceiver, waValues } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({
    clock,
    seed: 5,
    webhooks: { messenger: receiver.url, instagram: receiver.url, whatsapp: receiver.url },
  });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

const sendText = (accountId: string, token: string, to: string) =>
  graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
    token,
    body: { recipient: { id: to }, message: { text: 'hi' } },
  });
const waText = (phoneId: string, token: string, to: string) =>
  graph(sim.url, 'POST', `/v24.0/${phoneId}/messages`, {
    token,
    body: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } },
  });

describe('accounts at runtime', () => {
  it('creates Pages, Instagram accounts of both flavours and WABAs that receive and send with their own tokens only', async () => {
    const a = sim.accounts.addPage({ instagram: true });
    const b = sim.accounts.addPage();
    const igLogin = sim.accounts.addInstagram();
    const w1 = sim.accounts.addWaba({ phoneNumbers: 2 });
    const w2 = sim.accounts.addWaba();
    expect(a.instagram?.pageId).toBe(a.page.id);
    expect(sim.accounts.count()).toMatchObject({ pages: 4, instagram: 4, wabas: 3, phoneNumbers: 5 });

    const customerA = sim.world.customers.find((c) => c.accountId === a.page.id);
    const customerB = sim.world.customers.find((c) => c.accountId === b.page.id);
    if (!customerA || !customerB) throw new Error('customers expected');
    expect((await sendText(a.page.id, a.token, customerA.userId)).status).toBe(200);
    // Page A's token on Page B: Meta's 100/33.
    const cross = await sendText(b.page.id, a.token, customerB.userId);
    expect(cross.body.error).toMatchObject({ code: 100, error_subcode: 33 });

    const igCustomer = sim.world.customers.find((c) => c.accountId === igLogin.instagram.id);
    if (!igCustomer) throw new Error('customer expected');
    expect((await sendText(igLogin.instagram.id, igLogin.token, igCustomer.userId)).status).toBe(200);

    const [phone1] = w1.phoneNumbers;
    const [phone2] = w2.phoneNumbers;
    if (!phone1 || !phone2) throw new Error('numbers expected');
    const waCustomer = sim.world.customers.find((c) => c.accountId === phone1.id);
    if (!waCustomer) throw new Error('customer expected');
    expect((await waText(phone1.id, w1.token, waCustomer.userId)).status).toBe(200);
    // WABA 1's business token on WABA 2's number: WhatsApp's permission error 200.
    const waCross = await waText(phone2.id, w1.token, waCustomer.userId);
    expect(waCross.status).toBe(403);
    expect(waCross.body.error.code).toBe(200);

    const inbound = sim.customerSends({ channel: 'whatsapp', accountId: phone1.id, text: 'bonjour' });
    const igInbound = sim.customerSends({ channel: 'instagram', accountId: a.instagram?.id, text: 'salut' });
    await sim.idle();
    expect(inbound.deliveredCount).toBe(1);
    expect(igInbound.deliveredCount).toBe(1);
    expect(
      waValues(receiver.received.filter((r) => r.json.object === 'whatsapp_business_account'))[0],
    ).toMatchObject({
      metadata: { phone_number_id: phone1.id },
    });
  });

  it('removes accounts: the objects vanish, their tokens fail 190/458, a WABA says PARTNER_REMOVED', async () => {
    const page = sim.accounts.addPage({ instagram: true });
    const waba = sim.accounts.addWaba();
    expect(sim.accounts.remove(page.page.id)).toEqual([page.page.id, page.instagram?.id]);
    const gone = await graph(sim.url, 'GET', `/v24.0/${page.page.id}`, { token: sim.world.app.appToken });
    expect(gone.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const dead = await graph(sim.url, 'GET', '/v24.0/me', { token: page.token });
    expect(dead.body.error).toMatchObject({ code: 190, error_subcode: 458 });
    expect(() => sim.customerSends({ channel: 'messenger', accountId: page.page.id })).toThrow();

    sim.accounts.remove(waba.waba.id);
    await sim.idle();
    const partner = waValues(receiver.received).find((v) => v.event === 'PARTNER_REMOVED');
    expect(partner).toMatchObject({
      waba_info: { waba_id: waba.waba.id },
      disconnection_info: { initiated_by: 'USER' },
    });
    const debug = await graph(sim.url, 'GET', '/v24.0/debug_token', {
      token: sim.world.app.appToken,
      query: { input_token: waba.token },
    });
    expect(debug.body.data.is_valid).toBe(false);
    expect(() => sim.accounts.remove('404')).toThrow(/no Page/);
  });

  it('/_sim/accounts creates (one or many), counts and removes; bodies are validated; guarded like every control route', async () => {
    const control = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${sim.url}/_sim/${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const one = (await (await control('POST', 'accounts', { type: 'waba', phoneNumbers: 2 })).json()) as {
      waba: { id: string };
      phoneNumbers: Array<{ id: string }>;
      token: string;
    };
    expect(one.phoneNumbers).toHaveLength(2);
    const many = (await (
      await control('POST', 'accounts', { type: 'page', count: 3, instagram: true })
    ).json()) as {
      data: Array<{ page: { id: string } }>;
    };
    expect(many.data).toHaveLength(3);
    expect(await (await control('GET', 'accounts')).json()).toMatchObject({
      pages: 5,
      wabas: 2,
      phoneNumbers: 4,
    });
    const removed = (await (await control('DELETE', `accounts/${one.waba.id}`)).json()) as {
      removed: string[];
    };
    expect(removed.removed).toEqual([...one.phoneNumbers.map((p) => p.id), one.waba.id]);
    const bad = await control('POST', 'accounts', { type: 'waba', phoneNumbers: 0 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/phoneNumbers/);
    expect((await control('DELETE', 'accounts/123')).status).toBe(400);
    const foreign = await control('POST', 'accounts', { type: 'page' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(sim.accounts.count().pages).toBe(5);
  });
});

describe('large worlds', () => {
  it('10,000 accounts created at runtime: no timer per account, every lookup still works', async () => {
    const pending = clock.pending;
    const started = performance.now();
    const last: Array<ReturnType<MetaSimulator['accounts']['addPage']>> = [];
    for (let i = 0; i < 5_000; i++) last[0] = sim.accounts.addPage({ customers: 1 });
    for (let i = 0; i < 2_500; i++) sim.accounts.addInstagram({ customers: 1 });
    let waba = sim.accounts.addWaba({ customers: 1 });
    for (let i = 1; i < 2_500; i++) waba = sim.accounts.addWaba({ customers: 1 });
    const ms = performance.now() - started;
    expect(clock.pending).toBe(pending);
    // A generous bound on a shared CI machine; the README has the measured figure.
    expect(ms).toBeLessThan(20_000);
    const page = last[0];
    if (!page) throw new Error('page expected');
    const customer = sim.world.customers.find((c) => c.accountId === page.page.id);
    const phone = waba.phoneNumbers[0];
    const waCustomer = sim.world.customers.find((c) => c.accountId === phone?.id);
    if (!customer || !phone || !waCustomer) throw new Error('expected');
    expect((await sendText(page.page.id, page.token, customer.userId)).status).toBe(200);
    expect((await waText(phone.id, waba.token, waCustomer.userId)).status).toBe(200);
    const record = sim.customerSends({ channel: 'whatsapp', accountId: phone.id, text: 'x' });
    await sim.idle();
    expect(record.deliveredCount).toBe(1);
  });
});
