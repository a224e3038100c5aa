import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelEvent } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld } from './sim.js';

/** Receives the simulator's signed webhooks and runs them through the adapter, as the engine would. */
describe('webhooks from the simulator', () => {
  let server: Server;
  let w: Awaited<ReturnType<typeof startWorld>>;
  const events: ChannelEvent[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = new Uint8Array(Buffer.concat(chunks));
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const check = w.adapter.verifySignature(raw, headers);
        if (!check.ok) {
          failures.push(`signature ${check.reason}`);
          res.writeHead(401).end();
          return;
        }
        const parsed = w.adapter.parseWebhook(raw);
        for (const p of parsed.problems) failures.push(`${p.path}: ${p.message}`);
        for (const e of parsed.events) {
          const valid = ChannelEvent.safeParse(e);
          if (!valid.success) failures.push(`invalid event ${e.key}`);
          events.push(e);
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
    w = await startWorld(
      {},
      { webhooks: { whatsapp: url }, statusDelaysMs: { sent: 1, delivered: 2, read: 3 } },
    );
  });
  afterAll(async () => {
    await w.sim.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('every inbound kind the simulator produces parses into the right event', async () => {
    const kinds = [
      'text',
      'image',
      'video',
      'audio',
      'file',
      'sticker',
      'location',
      'contacts',
      'button_reply',
      'list_reply',
      'button',
      'order',
      'unsupported',
    ] as const;
    const first = w.sim.customerSends({ channel: 'whatsapp', kind: 'text', text: 'first' });
    const records = kinds.map((kind) =>
      w.sim.customerSends({ channel: 'whatsapp', kind, text: `k ${kind}`, payload: 'P1' }),
    );
    records.push(
      w.sim.customerSends({ channel: 'whatsapp', kind: 'reaction', replyTo: first.messageId!, emoji: '👍' }),
    );
    records.push(w.sim.customerSends({ channel: 'whatsapp', kind: 'unreact', replyTo: first.messageId! }));
    await w.sim.idle();
    expect(failures).toEqual([]);
    const byKey = new Map(events.map((e) => [e.key, e]));
    const partOf = (id: string) => {
      const e = byKey.get(`whatsapp:msg:${id}`);
      return e?.kind === 'message' ? e.parts[0]?.type : e?.kind;
    };
    expect(records.map((r) => [r.kind, partOf(r.messageId!)])).toEqual([
      ['text', 'text'],
      ['image', 'image'],
      ['video', 'video'],
      ['audio', 'audio'],
      ['file', 'file'],
      ['sticker', 'sticker'],
      ['location', 'location'],
      ['contacts', 'contacts'],
      ['button_reply', 'button_reply'],
      ['list_reply', 'list_reply'],
      ['button', 'quick_reply'],
      ['order', 'order'],
      ['unsupported', 'unsupported'],
      ['reaction', 'reaction'],
      ['unreact', 'reaction'],
    ]);
    const unreact = byKey.get(`whatsapp:msg:${records.at(-1)!.messageId}`);
    expect(unreact).toMatchObject({ kind: 'reaction', action: 'unreact', messageId: first.messageId });
    for (const r of records)
      expect(byKey.get(`whatsapp:msg:${r.messageId}`)).toMatchObject({
        accountId: r.accountId,
        userId: r.userId,
      });
  });

  it('statuses of our sends come back with the correlation id, one event per transition', async () => {
    const receipt = await w.adapter.send({
      to: w.to,
      content: { type: 'text', text: 'shipped' },
      correlationId: 'outbox_77',
    });
    const statusesOf = () => events.filter((e) => e.kind === 'status' && e.messageId === receipt.messageId);
    // The simulator emits the statuses on real timers a few ms apart: wait for them (bounded).
    for (let i = 0; i < 200 && statusesOf().length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await w.sim.idle();
    }
    expect(failures).toEqual([]);
    const statuses = statusesOf();
    expect(statuses.map((s) => (s.kind === 'status' ? [s.status, s.correlationId] : []))).toEqual([
      ['sent', 'outbox_77'],
      ['delivered', 'outbox_77'],
      ['read', 'outbox_77'],
    ]);
  });
});
