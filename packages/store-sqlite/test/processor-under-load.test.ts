import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, type MessageEvent, silentLogger } from '@switchboard/core';
import { createWebhookRequest } from '@switchboard/testkit';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore } from '../src/index.js';
import { createFakeAdapter, messages, SECRET } from './fake-adapter.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// While webhooks keep arriving the processor gives way to the acks (it pauses between rounds); this
// checks that it still makes progress during the flood, finishes the backlog after it, and stops
// promptly even while pausing.
it('keeps processing while a flood of webhooks is being acknowledged, and drains after it', async () => {
  const store = createSqliteStore({ path: join(dir, `${randomUUID()}.db`) });
  const switchboard = createSwitchboard({
    adapters: [createFakeAdapter()],
    store,
    logger: silentLogger,
    processor: { batchSize: 20, pollIntervalMs: 20 },
  });
  const seen = new Set<string>();
  switchboard.on('message', (e: MessageEvent) => {
    seen.add(e.messageId);
  });
  await switchboard.start();
  let next = 0;
  let dispatchedDuringFlood = 0;
  const worker = async () => {
    while (next < 600) {
      const id = `m${next++}`;
      const res = await switchboard.handleWebhook(
        createWebhookRequest({
          channel: 'fake',
          body: messages({ id, user: `u${next % 9}` }),
          appSecret: SECRET,
        }),
      );
      expect(res.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  dispatchedDuringFlood = seen.size;
  for (let i = 0; i < 400 && seen.size < 600; i++) await new Promise((r) => setTimeout(r, 25));
  await switchboard.stop();
  expect(dispatchedDuringFlood).toBeGreaterThan(0);
  expect(seen.size).toBe(600);
  expect(await store.inbox.count()).toEqual({ pending: 0, done: 600, dead: 0 });
  await store.close();
}, 30_000);
