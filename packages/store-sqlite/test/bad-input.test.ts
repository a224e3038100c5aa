import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createSwitchboard, type MessageEvent } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore } from '../src/index.js';
import { createFakeAdapter, messages, SECRET } from './fake-adapter.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sign = (body: Uint8Array | string) =>
  `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

it('over node:http on a real file: bad input gets its status and a logged reason, and nothing stored is lost', async () => {
  const path = join(dir, 'bad-input.db');
  const logs: Array<Record<string, unknown>> = [];
  const store = createSqliteStore({ path });
  const switchboard = createSwitchboard({
    adapters: [createFakeAdapter()],
    store,
    // No `secrets` given to the logger: the engine itself must not put the app secret in a line.
    logger: createLogger({ level: 'warn', sink: (line) => logs.push(line) }),
    processor: { leaseMs: 10_000 },
  });
  const seen: string[] = [];
  switchboard.on('message', (e: MessageEvent) => {
    seen.push(e.messageId);
  });
  const server = createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (
    body: Uint8Array<ArrayBuffer> | string,
    headers: Record<string, string>,
    channel = 'fake',
  ) => {
    const response = await fetch(`${base}/webhooks/${channel}`, { method: 'POST', body, headers });
    await response.text();
    return response.status;
  };
  const signed = (body: Uint8Array<ArrayBuffer> | string) =>
    post(body, { 'x-hub-signature-256': sign(body) });

  try {
    // Stored before the bad input arrives: none of it may be lost.
    for (const id of ['m1', 'm2', 'm3']) expect(await signed(messages({ id, text: id }))).toBe(200);

    const rejectedBefore = logs.length;
    const tenMegabytes = new Uint8Array(10 * 1024 * 1024).fill(0x7b);
    expect(await post(tenMegabytes, { 'x-hub-signature-256': sign(tenMegabytes) })).toBe(413);
    expect(await post(messages({ id: 'unsigned' }), {})).toBe(401);
    expect(await post(messages({ id: 'forged' }), { 'x-hub-signature-256': sign('something else') })).toBe(
      401,
    );
    expect(
      await post(messages({ id: 'lost' }), { 'x-hub-signature-256': sign(messages({ id: 'lost' })) }, 'fax'),
    ).toBe(404);
    const rejections = logs.slice(rejectedBefore).map((l) => [l.level, l.status, l.reason]);
    // 4xx rejections log at warn (the sender's mistake, not ours).
    expect(rejections).toEqual([
      ['warn', 413, 'too_large'],
      ['warn', 401, 'signature'],
      ['warn', 401, 'signature'],
      ['warn', 404, 'unknown_channel'],
    ]);

    // Signed but unparseable: acknowledged (parsing is not on the ack path), kept, dead-lettered.
    const garbage = new Uint8Array([0xff, 0xfe, 0x00, 0x81]);
    const truncated = '{"messages": [{"id": "m4"';
    const wrongShape = JSON.stringify({ object: 'page', entry: 'not an array' });
    for (const body of [garbage, truncated, wrongShape]) expect(await signed(body)).toBe(200);

    await switchboard.drain();
    expect(seen.sort()).toEqual(['m1', 'm2', 'm3']);
    const deadLogs = logs.filter((l) => String(l.msg).startsWith('webhook body dead-lettered'));
    expect(deadLogs).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await switchboard.stop();
    await store.close();
  }

  // Reopened from the file: the six acknowledged bodies byte for byte, nothing that was refused.
  const reopened = createSqliteStore({ path });
  const rows = await reopened.inbox.listByReceivedAt({
    since: 0,
    until: Number.MAX_SAFE_INTEGER,
    limit: 100,
  });
  expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'done', 'dead', 'dead', 'dead']);
  expect(Buffer.from(rows[3]?.body ?? []).equals(Buffer.from([0xff, 0xfe, 0x00, 0x81]))).toBe(true);
  expect(Buffer.from(rows[4]?.body ?? []).toString()).toBe('{"messages": [{"id": "m4"');
  const dead = await reopened.deadLetters.list({ limit: 10 });
  expect(dead.map((d) => d.code)).toEqual(['PAYLOAD_INVALID', 'PAYLOAD_INVALID', 'PAYLOAD_INVALID']);
  expect((await reopened.events.count()).done).toBe(3);
  await reopened.close();
});
