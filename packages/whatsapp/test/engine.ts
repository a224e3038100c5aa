import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChannelEvent,
  createMemoryStore,
  createSwitchboard,
  type EventKind,
  type EventOfKind,
  type Switchboard,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { startWorld } from './sim.js';

/**
 * The simulator's signed webhooks into a real engine (memory store, outbox, limiter) over HTTP, with
 * every dispatched event recorded. Statuses and group webhooks follow within a few milliseconds.
 */
export async function startEngineWorld() {
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  const world = await startWorld(
    {},
    { webhooks: { whatsapp: url }, statusDelaysMs: { sent: 1, delivered: 2, read: 3 } },
  );
  const switchboard: Switchboard = createSwitchboard({
    adapters: [world.adapter],
    store: createMemoryStore(),
    watch: false,
  });
  listener = toNodeListener(switchboard);
  const events: ChannelEvent[] = [];
  switchboard.on('*', (event) => {
    events.push(event);
  });

  /** Lets webhooks arrive and the engine process them until `check` holds (or 5 s pass). */
  async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await world.sim.idle();
      await switchboard.drain();
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting for the engine');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const ofKind = <K extends EventKind>(kind: K) => events.filter((e): e is EventOfKind<K> => e.kind === kind);

  async function stop() {
    await switchboard.stop();
    await world.sim.stop();
    await new Promise((resolve) => server.close(resolve));
  }

  return { ...world, switchboard, events, ofKind, until, stop };
}
