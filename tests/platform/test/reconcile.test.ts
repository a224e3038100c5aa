import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, createSwitchboard, ManualClock, silentLogger } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createMessengerAdapter } from '@switchboard/messenger';
import { startMetaSimulator } from '@switchboard/simulator';
import { expect, it } from 'vitest';

it('an account connected at runtime is reconciled: messages lost in an outage come back through backfill', async () => {
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
  const sim = await startMetaSimulator({ clock, seed: 8, world: { customersPerAccount: 1 } });
  const common = { appSecrets: [], verifyToken: sim.world.app.verifyToken, graphBaseUrl: sim.url, clock };
  // No Page in the adapter's configuration: the Page arrives through switchboard.accounts only.
  const switchboard = createSwitchboard({
    adapters: [createMessengerAdapter(common)],
    store: createMemoryStore(),
    clock,
    logger: silentLogger,
    credentials: { keys: [{ id: 't', key: randomBytes(32) }] },
    tokens: false,
  });
  const server = http.createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.setWebhook(
    'messenger',
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/messenger`,
  );
  try {
    await switchboard.apps.put(sim.world.app.id, [sim.world.app.secret]);
    const { page, token } = sim.accounts.addPage({ customers: 1 });
    await switchboard.accounts.connect({
      channel: 'messenger',
      accountId: page.id,
      tenantId: 'acme',
      appId: sim.world.app.id,
      credentials: { accessToken: token },
    });
    const seen: string[] = [];
    switchboard.on('message', (e) => {
      if (e.direction === 'inbound') seen.push(e.text ?? '');
    });
    await switchboard.watch!.start();
    const customer = sim.world.customers.find((c) => c.accountId === page.id)!;
    sim.customerSends({ channel: 'messenger', userId: customer.userId, text: 'before' });
    await sim.idle();
    await switchboard.drain();

    // Meta stops delivering; two messages are lost in transit.
    sim.faults.webhookOutage({ channel: 'messenger', mode: 'drop', durationMs: 10 * 60_000 });
    await clock.advance(60_000);
    sim.customerSends({ channel: 'messenger', userId: customer.userId, text: 'lost one' });
    await clock.advance(60_000);
    sim.customerSends({ channel: 'messenger', userId: customer.userId, text: 'lost two' });
    await sim.idle();
    await switchboard.drain();
    expect(seen).toEqual(['before']);

    await clock.advance(5 * 60_000);
    const results = await switchboard.watch!.reconcile();
    await switchboard.drain();
    expect(results.map((r) => r.accountId)).toContain(page.id);
    expect(seen.sort()).toEqual(['before', 'lost one', 'lost two']);
  } finally {
    await switchboard.watch?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sim.stop();
  }
});
