import { describe, expect, it } from 'vitest';
import { type ChannelAdapter, type ChannelEvent, createMemoryStore } from '../src/index.js';
import { body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';

const post = (sb: ReturnType<typeof setup>['switchboard'], payload: string | Uint8Array) =>
  sb.handleWebhook(signedRequest(payload));

describe('processor: parse → dedup → persist → dispatch', () => {
  it('dispatches to kind and * handlers and persists the conversation and message', async () => {
    const { switchboard, store } = setup();
    const kinds: string[] = [];
    const all: string[] = [];
    switchboard.on('message', (e) => {
      kinds.push(e.text ?? '');
    });
    switchboard.on('*', (e) => {
      all.push(e.key);
    });
    await post(switchboard, body([{ type: 'message', id: 'm1', text: 'hello', ts: 1_000 }]));
    await switchboard.drain();
    expect(kinds).toEqual(['hello']);
    expect(all).toEqual(['fake:msg:m1']);
    expect(await store.conversations.get('fake:acct1:user1')).toMatchObject({ lastInboundAt: 1_000 });
    expect(await store.messages.get('fake', 'm1')).toMatchObject({ text: 'hello', direction: 'inbound' });
    expect(await store.inbox.count()).toEqual({ pending: 0, done: 1, dead: 0 });
    expect(await store.events.count()).toEqual({ pending: 0, done: 1, dead: 0 });
  });

  it('processes concurrent duplicate deliveries exactly once', async () => {
    const { switchboard, store } = setup();
    let calls = 0;
    switchboard.on('message', () => {
      calls += 1;
    });
    const payload = body([{ type: 'message', id: 'dup', text: 'x', ts: 1 }]);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(switchboard, payload)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await Promise.all([switchboard.drain(), switchboard.drain()]);
    expect(calls).toBe(1);
    expect(await store.counters.get('events.deduplicated')).toBe(9);
    expect(await switchboard.metrics()).toContain(
      'switchboard_events_deduplicated_total{channel="fake",source="webhook"} 9',
    );
  });

  it('dead-letters bodies that cannot be parsed (garbage, truncated, wrong shape) with PAYLOAD_INVALID and keeps them', async () => {
    const { switchboard, store, lines } = setup();
    const seen: string[] = [];
    switchboard.on('message', (e) => {
      seen.push(e.messageId);
    });
    await post(switchboard, new Uint8Array([0xff, 0x00, 0x81]));
    await post(switchboard, body([{ type: 'message', id: 'ok1', ts: 1 }]).slice(0, 15));
    await post(switchboard, JSON.stringify({ entry: [] }));
    await post(switchboard, body([{ type: 'message', id: 'ok2', ts: 2 }]));
    await switchboard.drain();
    expect(seen).toEqual(['ok2']);
    const letters = await store.deadLetters.list({ source: 'inbox', limit: 10 });
    expect(letters).toHaveLength(3);
    expect(letters.every((l) => l.code === 'PAYLOAD_INVALID')).toBe(true);
    expect(await store.inbox.count()).toEqual({ pending: 0, done: 1, dead: 3 });
    const kept = await store.inbox.listByReceivedAt({ since: 0, until: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(Array.from(kept[0]?.body ?? [])).toEqual([0xff, 0x00, 0x81]);
    expect(lines.filter((l) => l.level === 'error' && l.msg.includes('dead-lettered'))).toHaveLength(3);
  });

  it('dead-letters a malformed item and still dispatches the rest of the batch', async () => {
    const { switchboard, store } = setup();
    const seen: string[] = [];
    switchboard.on('message', (e) => {
      seen.push(e.messageId);
    });
    await post(
      switchboard,
      JSON.stringify({
        items: [
          { type: 'message', id: 'a', ts: 1 },
          { type: 'message' },
          { type: 'message', id: 'b', ts: 2 },
        ],
      }),
    );
    await switchboard.drain();
    expect(seen).toEqual(['a', 'b']);
    const [letter] = await store.deadLetters.list({ limit: 10 });
    expect(letter).toMatchObject({ source: 'inbox', code: 'PAYLOAD_INVALID', ref: '1:items[1]' });
  });

  it('never lets a status go backwards: read is not overwritten by a late delivered', async () => {
    const { switchboard, store } = setup();
    await post(switchboard, body([{ type: 'echo', id: 'out1', text: 'ours', ts: 1 }]));
    await post(switchboard, body([{ type: 'status', id: 'out1', status: 'read', ts: 3 }]));
    await post(switchboard, body([{ type: 'status', id: 'out1', status: 'delivered', ts: 2 }]));
    await switchboard.drain();
    expect(await store.messages.get('fake', 'out1')).toMatchObject({ status: 'read', direction: 'outbound' });
  });

  it('puts messages before statuses of the same batch and one conversation in timestamp order', async () => {
    const { switchboard } = setup();
    const order: string[] = [];
    switchboard.on('*', (e) => {
      order.push(`${e.kind}:${'messageId' in e ? e.messageId : ''}`);
    });
    await post(
      switchboard,
      body([
        { type: 'status', id: 'm2', status: 'delivered', ts: 5 },
        { type: 'message', id: 'm3', ts: 30 },
        { type: 'message', id: 'm1', ts: 10 },
        { type: 'message', id: 'm2', ts: 20 },
      ]),
    );
    await switchboard.drain();
    expect(order).toEqual(['message:m1', 'message:m2', 'message:m3', 'status:m2']);
  });

  it('retries a failing handler with exponential backoff on the clock, then succeeds', async () => {
    const { switchboard, clock, store } = setup({ processor: { baseDelayMs: 1_000, maxAttempts: 5 } });
    const attempts: number[] = [];
    switchboard.on('message', (_e, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 3) throw new Error('database down');
    });
    await post(switchboard, body([{ type: 'message', id: 'r1', ts: 1 }]));
    await switchboard.drain();
    expect(attempts).toEqual([1]);
    await clock.advance(999);
    await switchboard.drain();
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    await switchboard.drain();
    expect(attempts).toEqual([1, 2]);
    await clock.advance(1_999);
    await switchboard.drain();
    expect(attempts).toEqual([1, 2]);
    await clock.advance(1);
    await switchboard.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await store.events.count()).toEqual({ pending: 0, done: 1, dead: 0 });
  });

  it('dead-letters an event whose handler keeps failing, with the reason', async () => {
    const { switchboard, clock, store, lines } = setup({ processor: { baseDelayMs: 100, maxAttempts: 3 } });
    switchboard.on('message', () => {
      throw new Error('handler exploded');
    });
    await post(switchboard, body([{ type: 'message', id: 'd1', ts: 1 }]));
    for (let i = 0; i < 5; i++) {
      await switchboard.drain();
      await clock.advance(10_000);
    }
    const [letter] = await store.deadLetters.list({ source: 'event', limit: 10 });
    expect(letter).toMatchObject({
      ref: 'fake:msg:d1',
      code: 'HANDLER_FAILED',
      reason: 'handler exploded',
      attempts: 3,
    });
    expect(await store.events.getByKey('fake:msg:d1')).toMatchObject({ state: 'dead' });
    expect(lines.some((l) => l.level === 'error' && l.msg.includes('dead-lettered'))).toBe(true);
    expect(await switchboard.metrics()).toContain(
      'switchboard_dead_letters_total{source="event",code="HANDLER_FAILED"} 1',
    );
  });

  it('replays stored raw bodies after a parser fix: new events dispatched, known ones deduplicated', async () => {
    const { switchboard, store, fake, clock } = setup();
    const seen: string[] = [];
    switchboard.on('message', (e) => {
      seen.push(e.messageId);
    });
    const original = fake.adapter.parseWebhook;
    let broken = true;
    fake.adapter.parseWebhook = (raw) => {
      const parsed = original(raw);
      return broken
        ? { events: parsed.events.filter((e) => e.key !== 'fake:msg:hidden'), problems: [] }
        : parsed;
    };
    const start = clock.now();
    await post(
      switchboard,
      body([
        { type: 'message', id: 'seen', ts: 1 },
        { type: 'message', id: 'hidden', ts: 2 },
      ]),
    );
    await switchboard.drain();
    expect(seen).toEqual(['seen']);
    broken = false;
    const result = await switchboard.replay({ since: start });
    expect(result).toEqual({ bodies: 1, failed: 0, events: 2, inserted: 1, duplicates: 1 });
    expect(seen).toEqual(['seen', 'hidden']);
    expect(await store.events.count()).toEqual({ pending: 0, done: 2, dead: 0 });
    expect(await switchboard.replay({ since: start + 1 })).toMatchObject({ bodies: 0 });
  });

  it('replays a dead-lettered body once the parser accepts it', async () => {
    const { switchboard, store, fake, clock } = setup();
    const original = fake.adapter.parseWebhook;
    fake.adapter.parseWebhook = () => {
      throw new Error('parser bug');
    };
    await post(switchboard, body([{ type: 'message', id: 'x', ts: 1 }]));
    await switchboard.drain();
    expect(await store.inbox.count()).toMatchObject({ dead: 1 });
    fake.adapter.parseWebhook = original;
    expect(await switchboard.replay({ since: clock.now() - 1 })).toMatchObject({ inserted: 1, failed: 0 });
    expect(await store.inbox.count()).toMatchObject({ dead: 0, done: 1 });
  });

  it('resumes work a crashed instance left leased once its lease expires', async () => {
    const store = createMemoryStore();
    const first = setup({ store, instanceId: 'crashed', processor: { leaseMs: 5_000 } });
    await post(first.switchboard, body([{ type: 'message', id: 'c1', ts: 1 }]));
    const claimed = await store.inbox.claim({
      owner: 'crashed',
      limit: 10,
      leaseMs: 5_000,
      now: first.clock.now(),
    });
    expect(claimed).toHaveLength(1);
    const second = setup({ store, instanceId: 'fresh', processor: { leaseMs: 5_000 } });
    await second.clock.advanceTo(first.clock.now());
    const seen: string[] = [];
    second.switchboard.on('message', (e) => {
      seen.push(e.messageId);
    });
    await second.switchboard.drain();
    expect(seen).toEqual([]);
    await second.clock.advance(5_000);
    await second.switchboard.drain();
    expect(seen).toEqual(['c1']);
  });

  it('ingests backfilled events through the same dedup and dispatch', async () => {
    const { switchboard, fake } = setup();
    const seen: Array<[string, string]> = [];
    switchboard.on('message', (e) => {
      seen.push([e.messageId, e.source]);
    });
    await post(switchboard, body([{ type: 'message', id: 'live', ts: 1 }]));
    await switchboard.drain();
    const events = fake.adapter.parseWebhook(
      new TextEncoder().encode(
        body([
          { type: 'message', id: 'live', ts: 1 },
          { type: 'message', id: 'missed', ts: 2 },
        ]),
      ),
    ).events;
    const result = await switchboard.ingest(events as ChannelEvent[], { source: 'backfill' });
    expect(result).toEqual({ inserted: 1, duplicates: 1 });
    expect(seen).toEqual([
      ['live', 'webhook'],
      ['missed', 'backfill'],
    ]);
    const text = await switchboard.metrics();
    expect(text).toContain('switchboard_events_backfilled_total{channel="fake"} 1');
    expect(text).toContain('switchboard_events_deduplicated_total{channel="fake",source="backfill"} 1');
  });

  it('processes in the background once started, and stops', async () => {
    const { switchboard } = setup();
    const seen: string[] = [];
    switchboard.on('message', (e) => {
      seen.push(e.messageId);
    });
    await switchboard.start();
    await post(switchboard, body([{ type: 'message', id: 'bg', ts: 1 }]));
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await switchboard.stop();
    expect(seen).toEqual(['bg']);
  });

  it('hands the event loop back while a huge body is parsed, stored and dispatched', async () => {
    const { fake } = setup();
    const sliced: ChannelAdapter = {
      ...fake.adapter,
      *parseWebhookSlices(raw) {
        const all = fake.adapter.parseWebhook(raw);
        for (let i = 0; i < all.events.length; i += 500) {
          yield { events: all.events.slice(i, i + 500), problems: [] };
        }
      },
    };
    const { switchboard: engine, store } = setup({ adapters: [sliced] });
    const items = Array.from({ length: 3000 }, (_, i) => ({
      type: 'message' as const,
      id: `m${i}`,
      text: 'x',
      ts: i,
    }));
    await post(engine, body(items));
    let turns = 0;
    let running = true;
    const tick = () => {
      turns += 1;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await engine.drain();
    running = false;
    expect((await store.events.count()).done).toBe(3000);
    // Parse slices, insert chunks and dispatch chunks each give the loop a turn; all at once gave it none.
    expect(turns).toBeGreaterThanOrEqual(6);
  });
});
