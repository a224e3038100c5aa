import {
  type ChannelAdapter,
  type ChannelEvent,
  createSwitchboard,
  ManualClock,
  type OutboundMessage,
  type Switchboard,
  silentLogger,
} from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/index.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
afterAll(() => dropSchemas(schemas));

/** A channel whose body is `{ "account": "...", "id": "..." }`: one inbound message for that account. */
function channel(sent: OutboundMessage[]): ChannelAdapter {
  return {
    channel: 'test',
    accountIds: ['configured'],
    limits: {
      textMaxLength: 100,
      textLengthUnit: 'chars',
      buttonsMax: 0,
      quickRepliesMax: 0,
      windowHours: 24,
      sendPerSecond: 100,
      supportedContent: ['text'],
    },
    verifyChallenge: () => null,
    verifySignature: () => ({ ok: true, secretIndex: 0 }),
    parseWebhook(rawBody) {
      const { account, id } = JSON.parse(new TextDecoder().decode(rawBody)) as {
        account: string;
        id: string;
      };
      const event: ChannelEvent = {
        kind: 'message',
        channel: 'test',
        key: `test:msg:${id}`,
        accountId: account,
        userId: 'u1',
        conversationId: `test:${account}:u1`,
        timestamp: 1,
        source: 'webhook',
        raw: {},
        messageId: id,
        direction: 'inbound',
        text: id,
        parts: [{ type: 'text', text: id }],
      };
      return { events: [event], problems: [] };
    },
    async send(message) {
      sent.push(message);
      return { messageId: `mid.${sent.length}`, acceptedAt: 0, raw: {} };
    },
    probes: () => [],
  };
}

async function instance(name: string, store: PostgresStore, clock: ManualClock) {
  const sent: OutboundMessage[] = [];
  const seen: ChannelEvent[] = [];
  const switchboard: Switchboard = createSwitchboard({
    adapters: [channel(sent)],
    store,
    clock,
    instanceId: name,
    logger: silentLogger,
    watch: false,
  });
  switchboard.on('*', (e) => void seen.push(e));
  const post = async (account: string, id: string) => {
    const response = await switchboard.handleWebhook(
      new Request('http://127.0.0.1/webhooks/test', {
        method: 'POST',
        body: JSON.stringify({ account, id }),
      }),
    );
    expect(response.status).toBe(200);
    await switchboard.drain();
  };
  return { switchboard, sent, seen, post };
}

describe('accounts shared by two instances on one PostgreSQL schema', () => {
  it('connect, tenant change and disconnect on one instance apply on the other within refreshMs', async () => {
    const schema = randomSchema();
    schemas.add(schema);
    const url = await testDatabaseUrl();
    const stores = await Promise.all(
      [1, 2].map(() => createPostgresStore({ connectionString: url, schema })),
    );
    const clock = new ManualClock();
    const a = await instance('a', stores[0]!, clock);
    const b = await instance('b', stores[1]!, clock);
    try {
      // Not started: drain() does the processing, so the test controls when it runs.
      await a.switchboard.accounts.connect({ channel: 'test', accountId: 'shop', tenantId: 'acme' });
      await clock.advance(2_000);
      await b.post('shop', 'm1');
      expect(b.seen.map((e) => [e.key, e.tenantId])).toEqual([['test:msg:m1', 'acme']]);

      await a.switchboard.accounts.update('test', 'shop', { tenantId: 'globex' });
      await a.switchboard.accounts.disconnect('test', 'configured');
      await clock.advance(2_000);
      await b.post('shop', 'm2');
      expect(b.seen.at(-1)).toMatchObject({ key: 'test:msg:m2', tenantId: 'globex' });

      // Disconnected on a: b holds its webhooks and refuses its sends.
      await b.post('configured', 'm3');
      expect(b.seen.map((e) => e.key)).not.toContain('test:msg:m3');
      expect(await stores[1]!.events.getByKey('test:msg:m3')).toMatchObject({ state: 'pending' });
      await expect(
        b.switchboard.send({
          to: { channel: 'test', accountId: 'configured', userId: 'u1' },
          content: { type: 'text', text: 'hi' },
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_CONNECTED' });

      const page = await b.switchboard.accounts.list({ channel: 'test' });
      expect(page.accounts.map((x) => `${x.accountId}:${x.status}:${x.tenantId}`)).toEqual([
        'configured:disconnected:null',
        'shop:active:globex',
      ]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
