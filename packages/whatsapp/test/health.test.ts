import type { HealthProbeResult } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../src/index.js';
import { startWorld } from './sim.js';

let world: Awaited<ReturnType<typeof startWorld>> | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

async function runAll(w: Awaited<ReturnType<typeof startWorld>>): Promise<HealthProbeResult[]> {
  return Promise.all(w.adapter.probes().map((p) => p.run()));
}
const byName = (results: HealthProbeResult[], probe: string, accountId?: string) =>
  results.find((r) => r.probe === probe && (accountId === undefined || r.accountId === accountId))!;

describe('health probes against the simulator', () => {
  it('a healthy number: token, numbers and subscription are ok', async () => {
    world = await startWorld();
    const w = world;
    w.sim.customerSends({ channel: 'whatsapp', kind: 'text' }); // nothing required, but a live world
    const results = await runAll(w);
    expect(results.map((r) => r.probe).sort()).toEqual([
      'whatsapp.phone_number',
      'whatsapp.phone_number',
      'whatsapp.subscription',
      'whatsapp.token',
    ]);
    for (const r of results)
      expect(r, r.reason).toMatchObject({ status: 'ok', checkedAt: expect.any(Number) });
    expect(byName(results, 'whatsapp.phone_number', w.phone.id).data).toMatchObject({
      qualityRating: 'GREEN',
      canSendMessage: 'AVAILABLE',
      status: 'CONNECTED',
    });
    expect(byName(results, 'whatsapp.token').data).toMatchObject({ type: 'SYSTEM_USER' });
  });

  it('a flagged number that cannot send is down, with the entity errors as the reason', async () => {
    world = await startWorld();
    world.sim.faults.whatsappQuality({
      phoneNumberId: world.phone.id,
      qualityRating: 'RED',
      canSendMessage: 'BLOCKED',
    });
    const results = await runAll(world);
    const phone = byName(results, 'whatsapp.phone_number', world.phone.id);
    expect(phone.status).toBe('down');
    expect(phone.reason).toContain('cannot send');
    expect(phone.reason).toContain('131048');
    expect(phone.reason).toContain('RED');
    const other = results.find(
      (r) => r.probe === 'whatsapp.phone_number' && r.accountId !== world!.phone.id,
    )!;
    expect(other.status).toBe('ok');
  });

  it('a RED or LIMITED number is degraded', async () => {
    world = await startWorld();
    world.sim.faults.whatsappQuality({
      phoneNumberId: world.phone.id,
      qualityRating: 'RED',
      canSendMessage: 'LIMITED',
    });
    const phone = byName(await runAll(world), 'whatsapp.phone_number', world.phone.id);
    expect(phone.status).toBe('degraded');
    expect(phone.reason).toMatch(/LIMITED.*RED|RED.*LIMITED/s);
  });

  it('an expired token: the token probe and every Graph probe are down, none throws', async () => {
    world = await startWorld();
    world.sim.faults.expireToken(world.sim.world.systemUserToken);
    const results = await runAll(world);
    const token = byName(results, 'whatsapp.token');
    expect(token.status).toBe('down');
    expect(token.reason).toMatch(/invalid/i);
    expect(token.reason).toMatch(/expired/i);
    expect(byName(results, 'whatsapp.phone_number', world.phone.id)).toMatchObject({
      status: 'down',
      reason: expect.stringContaining('AUTH_FAILED'),
    });
  });

  it('a missing subscription is down, and resubscribe() repairs it', async () => {
    world = await startWorld();
    world.sim.faults.unsubscribeApp(world.waba.id);
    const sub = byName(await runAll(world), 'whatsapp.subscription', world.waba.id);
    expect(sub.status).toBe('down');
    expect(sub.reason).toContain('not subscribed');
    await world.adapter.resubscribe(world.phone.id);
    expect(byName(await runAll(world), 'whatsapp.subscription', world.waba.id).status).toBe('ok');
  });

  it('callback drift: the number delivers webhooks elsewhere than expected', async () => {
    world = await startWorld({ expectedCallbackUrl: 'https://hooks.example.com/webhooks/whatsapp' });
    world.sim.setWebhook('whatsapp', 'https://old-host.example.com/whatsapp');
    const phone = byName(await runAll(world), 'whatsapp.phone_number', world.phone.id);
    expect(phone.status).toBe('degraded');
    expect(phone.reason).toContain('old-host.example.com');
  });

  it('a token without access to the WABA is down', async () => {
    world = await startWorld({ wabaIds: ['999999999999999'] });
    const token = byName(await runAll(world), 'whatsapp.token');
    expect(token.status).toBe('down');
    expect(token.reason).toContain('999999999999999');
  });

  it('a token expiring soon without the WhatsApp scopes is down, naming both', async () => {
    world = await startWorld();
    const expiring = world.sim.world.testTokens.expiring;
    const other = await startWorld({ accessToken: expiring });
    try {
      const token = byName(await runAll(other), 'whatsapp.token');
      expect(token.status).toBe('down');
      expect(token.reason).toContain('expires at');
      expect(token.reason).toContain('lacks whatsapp_business_messaging');
    } finally {
      await other.sim.stop();
    }
  });

  it('a phone number the token cannot access is down', async () => {
    world = await startWorld({ phoneNumberIds: ['123456789012345'] });
    const phone = byName(await runAll(world), 'whatsapp.phone_number', '123456789012345');
    expect(phone.status).toBe('down');
    expect(phone.data).toMatchObject({ platform: { code: 100, subcode: 33 } });
  });
});

describe('resubscribe with several WABAs', () => {
  it('finds the WABA of a phone number through wabaIdByPhoneNumberId', async () => {
    const w = await startWorld({ wabaIds: ['999999999999999'] });
    try {
      const other = createWhatsAppAdapter({
        appSecrets: [w.sim.world.app.secret],
        verifyToken: w.sim.world.app.verifyToken,
        accessToken: w.sim.world.systemUserToken,
        wabaIds: ['999999999999999'],
        wabaIdByPhoneNumberId: { [w.phone.id]: w.waba.id },
        appId: w.sim.world.app.id,
        graphBaseUrl: w.sim.url,
      });
      w.sim.faults.unsubscribeApp(w.waba.id);
      await other.resubscribe(w.phone.id);
      const results = await Promise.all(other.probes().map((p) => p.run()));
      expect(
        results.find((r) => r.probe === 'whatsapp.subscription' && r.accountId === w.waba.id)?.status,
      ).toBe('ok');
    } finally {
      await w.sim.stop();
    }
  });
});
