// A Switchboard engine in its own process: `node engine.mjs <db path>`; reports { port } over IPC,
// each dispatched event key as { dispatched }, and shuts down cleanly on SIGTERM.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createSqliteStore } from '@switchboard/store-sqlite';

const SECRET = 'child-secret';
const adapter = {
  channel: 'fake',
  limits: {
    textMaxLength: 1000,
    textLengthUnit: 'chars',
    buttonsMax: 3,
    quickRepliesMax: 13,
    windowHours: 24,
    sendPerSecond: 10,
    supportedContent: ['text'],
  },
  verifyChallenge: () => null,
  verifySignature(raw, headers) {
    const given = Buffer.from(headers.get('x-hub-signature-256') ?? '');
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? { ok: true, secretIndex: 0 }
      : { ok: false, reason: 'mismatch' };
  },
  parseWebhook(raw) {
    const { id } = JSON.parse(Buffer.from(raw).toString());
    const base = {
      channel: 'fake',
      accountId: 'a',
      userId: 'u',
      conversationId: 'fake:a:u',
      timestamp: 1,
      source: 'webhook',
      raw: {},
    };
    return {
      events: [
        { ...base, kind: 'message', key: `fake:msg:${id}`, messageId: id, direction: 'inbound', parts: [] },
      ],
      problems: [],
    };
  },
  send: async () => ({ messageId: 'm', acceptedAt: 0, raw: {} }),
  probes: () => [],
};

const store = createSqliteStore({ path: process.argv[2] });
const switchboard = createSwitchboard({
  adapters: [adapter],
  store,
  logger: silentLogger,
  processor: { leaseMs: 1_000 },
});
switchboard.on('message', (event) => {
  process.send?.({ dispatched: event.key });
});
await switchboard.start();
const server = createServer(toNodeListener(switchboard)).listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('SIGTERM', async () => {
  server.close();
  await switchboard.stop();
  await store.close();
  process.exit(0);
});
