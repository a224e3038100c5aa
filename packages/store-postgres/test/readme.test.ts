import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ChannelAdapter, type ChannelEvent, SwitchboardError } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startInstance } from '../examples/several-instances.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
afterAll(() => dropSchemas(schemas));

/** A JSON channel for the example: `{ "id": "...", "user": "..." }` is one message. */
function testAdapter(): ChannelAdapter {
  return {
    channel: 'test',
    limits: {
      textMaxLength: 100,
      textLengthUnit: 'chars',
      buttonsMax: 0,
      quickRepliesMax: 0,
      windowHours: 24,
      sendPerSecond: 10,
      supportedContent: ['text'],
    },
    verifyChallenge: () => null,
    verifySignature: () => ({ ok: true, secretIndex: 0 }),
    parseWebhook(raw) {
      const { id, user } = JSON.parse(new TextDecoder().decode(raw)) as { id: string; user: string };
      const event = {
        kind: 'message',
        channel: 'test',
        key: `test:msg:${id}`,
        accountId: 'acct',
        userId: user,
        conversationId: `test:acct:${user}`,
        timestamp: 1,
        source: 'webhook',
        raw: { id },
        messageId: id,
        direction: 'inbound',
        text: id,
        parts: [{ type: 'text', text: id }],
      } as ChannelEvent;
      return { events: [event], problems: [] };
    },
    send: () => Promise.reject(new SwitchboardError('NOT_SUPPORTED', 'no sends here')),
    probes: () => [],
  };
}

describe('README: several instances', () => {
  it('is the code the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/several-instances.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('runs three instances over one schema: each webhook stored once, each event dispatched once', async () => {
    const schema = randomSchema();
    schemas.add(schema);
    const dispatched: string[] = [];
    const databaseUrl = await testDatabaseUrl();
    const instances = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        startInstance({
          adapters: [testAdapter()],
          databaseUrl,
          schema,
          redisUrl: process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
          redisPrefix: `${schema}:`,
          instanceId: id,
        }),
      ),
    );
    try {
      for (const instance of instances)
        instance.switchboard.on('message', (event) => {
          dispatched.push(event.key);
        });
      // Each message is POSTed to every instance (a platform retrying through a load balancer).
      for (let n = 0; n < 10; n++) {
        for (const instance of instances) {
          const { port } = instance.server.address() as AddressInfo;
          const response = await fetch(`http://127.0.0.1:${port}/webhooks/test`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id: `m${n}`, user: `u${n % 3}` }),
          });
          expect(response.status).toBe(200);
        }
      }
      // Rows are spread over the instances' running workers: wait until none is pending.
      const { store } = instances[0]!.switchboard;
      for (let i = 0; i < 200; i++) {
        await Promise.all(instances.map((instance) => instance.switchboard.drain()));
        const [inbox, events] = await Promise.all([store.inbox.count(), store.events.count()]);
        if (inbox.pending + events.pending === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await store.inbox.count()).toEqual({ pending: 0, done: 30, dead: 0 });
      expect(await store.events.count()).toEqual({ pending: 0, done: 10, dead: 0 });
      expect([...dispatched].sort()).toEqual(Array.from({ length: 10 }, (_, n) => `test:msg:m${n}`).sort());
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
    }
  });
});
