// The engine of crash.test.ts in its own process: `node crash-engine.mjs <db path> <dispatch log>`.
// Every dispatched event key is appended to the log with a synchronous write() before the handler
// returns, so the record reaches the kernel before the done mark can commit and survives SIGKILL.
// Reports { port } over IPC; stops cleanly on SIGTERM.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createSqliteStore } from '@switchboard/store-sqlite';

const SECRET = 'crash-secret';
const [dbPath, logPath] = process.argv.slice(2);

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
    const { id, user, ts } = JSON.parse(Buffer.from(raw).toString());
    return {
      events: [
        {
          kind: 'message',
          channel: 'fake',
          key: `fake:msg:${id}`,
          accountId: 'a',
          userId: user,
          conversationId: `fake:a:${user}`,
          timestamp: ts,
          source: 'webhook',
          raw: {},
          messageId: id,
          direction: 'inbound',
          text: id,
          parts: [{ type: 'text', text: id }],
        },
      ],
      problems: [],
    };
  },
  send: async () => ({ messageId: 'm', acceptedAt: 0, raw: {} }),
  probes: () => [],
};

const store = createSqliteStore({ path: dbPath, durability: 'full' });
const switchboard = createSwitchboard({
  adapters: [adapter],
  store,
  logger: silentLogger,
  // Small lease so the restarted instance takes over the dead one's claims quickly; small batches so
  // several rounds are in flight when the kill lands.
  processor: { leaseMs: 400, pollIntervalMs: 50, batchSize: 25 },
});
// The handler logs, then does a little async work, like a real one: this widens the window between
// "handler ran" and "done mark committed", the window a crash turns into a re-dispatch.
switchboard.on('message', async (event) => {
  appendFileSync(logPath, `${event.key}\n`);
  await new Promise((resolve) => setTimeout(resolve, 2));
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
