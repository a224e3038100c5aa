import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Alarm, createMemoryStore, type IncidentEvent } from '../src/index.js';
import { ACCOUNT, body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';

const MINUTE = 60_000;

describe('canaries and the alarm notifier, configured on the engine', () => {
  it('sends the canary on schedule and POSTs the delivery_pipeline alarm (and its incident) when its echo never comes', async () => {
    const received: Alarm[] = [];
    const incidents: IncidentEvent[] = [];
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        const posted = JSON.parse(data) as Alarm | IncidentEvent;
        if ('transition' in posted) incidents.push(posted);
        else received.push(posted);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const { clock, switchboard, fake } = setup({
        watch: {
          reconcile: { enabled: false },
          probes: { enabled: false },
          delivery: {
            deadlineMs: 2 * MINUTE,
            canaries: [{ channel: 'fake', accountId: ACCOUNT, userId: 'tester', intervalMs: 10 * MINUTE }],
          },
          notifier: { url },
        },
      });
      await switchboard.start();
      await clock.advance(10 * MINUTE);
      await switchboard.drain();
      expect(fake.sent.map((m) => [m.to.userId, m.content])).toEqual([
        ['tester', { type: 'text', text: 'switchboard canary' }],
      ]);
      await clock.advance(3 * MINUTE);
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([
        expect.objectContaining({
          type: 'delivery_pipeline',
          state: 'raised',
          channel: 'fake',
          accountId: ACCOUNT,
        }),
      ]);
      // The next canary comes back as an echo: the alarm clears.
      await clock.advance(7 * MINUTE);
      await switchboard.drain();
      expect(fake.sent).toHaveLength(2);
      await switchboard.handleWebhook(
        signedRequest(body([{ type: 'echo', id: 'mid.2', user: 'tester', ts: clock.now() }])),
      );
      await switchboard.drain();
      for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received.map((a) => a.state)).toEqual(['raised', 'cleared']);
      // The incident the alarm opened was POSTed too, opened then recovering.
      for (let i = 0; i < 50 && incidents.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(incidents.map((e) => [e.transition, e.alarmTypes])).toEqual([
        ['opened', ['delivery_pipeline']],
        ['recovering', ['delivery_pipeline']],
      ]);
      await switchboard.stop();
    } finally {
      server.close();
    }
  });
});

describe('baselines learned from stored events', () => {
  it('seeds an account without a stored baseline from the events already in the store', async () => {
    const store = createMemoryStore();
    const first = setup({ store, watch: false });
    const start = first.clock.now();
    for (let i = 0; i < 120; i++) {
      await first.switchboard.handleWebhook(
        signedRequest(body([{ type: 'message', id: `m${i}`, user: `u${i % 7}`, ts: start + i * 30_000 }])),
      );
    }
    await first.switchboard.drain();
    const second = setup({ store, watch: { reconcile: { enabled: false }, probes: { enabled: false } } });
    await second.clock.advanceTo(start + 60 * MINUTE);
    await second.switchboard.start();
    await second.clock.advance(MINUTE);
    const account = (await second.switchboard.health()).accounts.find((a) => a.accountId === ACCOUNT);
    const silence = account?.watch?.silence;
    // 120 messages over the hour since the first one, plus the prior (1 per hour, weight 1 h).
    expect(silence?.observedHours).toBeCloseTo(1, 1);
    expect(silence?.ratePerHour).toBeGreaterThan(55);
    expect(silence?.ratePerHour).toBeLessThan(65);
    expect(account?.watch?.lastInboundAt).toBe(start + 119 * 30_000);
    expect(await store.health.get(`watch:baseline:fake:${ACCOUNT}`)).toMatchObject({
      lastInboundAt: start + 119 * 30_000,
    });
    await second.switchboard.stop();
  });
});
