import { ManualClock } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { graph } from './helpers.js';

let sim: MetaSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const usageOf = (headers: Headers, name: string) => JSON.parse(headers.get(name) ?? 'null');

describe('Graph rate limits per app and per business object', () => {
  it('usage headers climb with the calls; over the app limit Meta answers 4, the window frees it again', async () => {
    const clock = new ManualClock(Date.parse('2024-07-11T15:56:00Z'));
    sim = await startMetaSimulator({
      clock,
      rateLimits: { appCallsPerHour: 10 },
      conversationsRateLimit: false,
    });
    const { accountId, token } = sim.account('messenger');
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token });
      expect(r.status).toBe(200);
      seen.push(usageOf(r.headers, 'x-app-usage').call_count);
      await clock.advance(60_000);
    }
    expect(seen).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const over = await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token });
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: 4, message: '(#4) Application request limit reached' });
    expect(usageOf(over.headers, 'x-app-usage').call_count).toBe(100);
    expect(sim.graphUsage()).toMatchObject({ calls: 11, throttledCalls: 1, throttled: { '4': 1 } });
    // An hour after the first calls, they have left the window.
    await clock.advance(60 * 60_000);
    expect((await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token })).status).toBe(200);
  });

  it('an Instagram account over its BUC limit: 80002 with estimated_time_to_regain_access; other accounts unaffected', async () => {
    const clock = new ManualClock(Date.parse('2024-07-11T15:56:00Z'));
    sim = await startMetaSimulator({
      clock,
      rateLimits: { objectCallsPerHour: 4 },
      conversationsRateLimit: false,
      world: { pages: 2, linkedInstagram: 2 },
    });
    const ig = sim.account('instagram', 0);
    for (let i = 0; i < 4; i++) {
      const r = await graph(sim.url, 'GET', `/v24.0/${ig.accountId}`, { token: ig.token });
      expect(r.status).toBe(200);
      const buc = usageOf(r.headers, 'x-business-use-case-usage')[ig.accountId][0];
      expect(buc).toMatchObject({
        type: 'instagram',
        call_count: (i + 1) * 25,
        estimated_time_to_regain_access: 0,
      });
      await clock.advance(10 * 60_000);
    }
    const over = await graph(sim.url, 'GET', `/v24.0/${ig.accountId}`, { token: ig.token });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe(80002);
    const buc = usageOf(over.headers, 'x-business-use-case-usage')[ig.accountId][0];
    // Five calls in the hour, limit 4: access comes back when the first two (made 40 and 30 min ago) leave it.
    expect(buc).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 30 });
    const other = sim.account('instagram', 1);
    expect((await graph(sim.url, 'GET', `/v24.0/${other.accountId}`, { token: other.token })).status).toBe(
      200,
    );
    expect(sim.graphUsage().throttled).toEqual({ '80002': 1 });
  });
});
