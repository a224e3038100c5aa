import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  type Switchboard,
  toNodeListener,
} from '@switchboard/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorld } from './sim.js';

// Through the engine: the simulator refuses a send outside the 24-hour window with a failed status
// (131047); the adapter classifies it with meta-graph's table and the outbox entry fails with that code.
let server: Server;
let world: Awaited<ReturnType<typeof startWorld>>;
let switchboard: Switchboard;
// The simulator's clock: moved past the customer's 24-hour window before the send.
const simClock = new ManualClock(Date.parse('2026-01-05T12:00:00Z'));

beforeAll(async () => {
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  server = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  world = await startWorld(
    {},
    { clock: simClock, webhooks: { whatsapp: url }, statusDelaysMs: { sent: 1, delivered: 2, read: 3 } },
  );
  switchboard = createSwitchboard({ adapters: [world.adapter], store: createMemoryStore(), watch: false });
  listener = toNodeListener(switchboard);
  await switchboard.start();
});

afterAll(async () => {
  await switchboard.stop();
  await world.sim.stop();
  await new Promise((resolve) => server.close(resolve));
});

it('a failed status fails the outbox entry with the code Meta’s error table gives it (131047 → OUTSIDE_WINDOW)', async () => {
  await simClock.advance(25 * 60 * 60_000);
  const entry = await switchboard.send({ to: world.to, content: { type: 'text', text: 'are you there?' } });
  const deadline = Date.now() + 4_000;
  let state = await switchboard.store.outbox.get(entry.id);
  while (state?.state !== 'failed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await simClock.advance(1); // the simulator's status timer
    await switchboard.drain();
    state = await switchboard.store.outbox.get(entry.id);
  }
  expect(state).toMatchObject({
    state: 'failed',
    error: { code: 'OUTSIDE_WINDOW', platform: { code: 131047 } },
  });
});
