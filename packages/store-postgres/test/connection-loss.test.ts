import { type ChannelAdapter, createSwitchboard, type Logger, SwitchboardError } from '@switchboard/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/index.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: await testDatabaseUrl() });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await dropSchemas(schemas);
});

async function open(app: string, logger?: Logger): Promise<PostgresStore> {
  const schema = randomSchema();
  schemas.add(schema);
  return createPostgresStore({
    connectionString: await testDatabaseUrl(),
    schema,
    applicationName: app,
    maxConnections: 2,
    connectionTimeoutMs: 2_000,
    ...(logger ? { logger } : {}),
  });
}

/** Kills every server backend of the store's pool, as a failover or a DBA would. */
async function terminate(app: string): Promise<number> {
  const result = await admin.query(
    'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
    [app],
  );
  return result.rowCount ?? 0;
}

/** Holds an exclusive lock on the inbox so the next append is in flight when its backend dies. */
async function lockInbox(schema: string): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: await testDatabaseUrl() });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE "${schema}".inbox IN ACCESS EXCLUSIVE MODE`);
  return locker;
}

async function waitForWaiter(app: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await admin.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [app],
    );
    if (r.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the append never reached the lock');
}

const body = (text: string) => new TextEncoder().encode(text);

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('lost database connections', () => {
  it('rejects with STORE_UNAVAILABLE when the server cannot be reached at all', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    await expect(
      createPostgresStore({ connectionString: url, connectionTimeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    const store = await createPostgresStore({
      connectionString: url,
      connectionTimeoutMs: 500,
      migrate: false,
    });
    try {
      await expect(
        store.inbox.append({ channel: 'test', body: body('x'), headers: {}, receivedAt: 1 }),
      ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    } finally {
      await store.close();
    }
  });

  it('rejects an append whose connection dies, then recovers by itself without losing a resolved write', async () => {
    const app = `sbtest-loss-${Math.random().toString(36).slice(2)}`;
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    };
    const store = await open(app, logger);
    try {
      await store.inbox.append({ channel: 'test', body: body('before'), headers: {}, receivedAt: 1 });
      const locker = await lockInbox(store.schema);
      // The outcome is observed from the start: the rejection may land before terminate() returns.
      const outcome = store.inbox
        .append({ channel: 'test', body: body('lost'), headers: {}, receivedAt: 2 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await waitForWaiter(app);
      expect(await terminate(app)).toBeGreaterThan(0);
      const error = await outcome;
      await locker.query('ROLLBACK');
      await locker.end();
      expect(error).toBeInstanceOf(SwitchboardError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });

      // The pool replaces the dead connection on its own: the next append works.
      const { id } = await store.inbox.append({
        channel: 'test',
        body: body('after'),
        headers: {},
        receivedAt: 3,
      });
      expect(new TextDecoder().decode((await store.inbox.get(id))?.body)).toBe('after');
      const stored = await store.inbox.listByReceivedAt({ since: 0, until: 10, limit: 10 });
      expect(stored.map((r) => new TextDecoder().decode(r.body))).toEqual(['before', 'after']);
    } finally {
      await store.close();
    }
  });

  it('never resolves an append that was not stored while backends are killed under load', async () => {
    const app = `sbtest-churn-${Math.random().toString(36).slice(2)}`;
    const store = await open(app);
    try {
      const resolved = new Map<number, string>();
      let rejected = 0;
      const writer = async (w: number) => {
        for (let i = 0; i < 60; i++) {
          const text = `w${w}-${i}`;
          try {
            const { id } = await store.inbox.append({
              channel: 'test',
              body: body(text),
              headers: {},
              receivedAt: i,
            });
            resolved.set(id, text);
          } catch (error) {
            expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
            rejected += 1;
          }
        }
      };
      const killer = async () => {
        for (let k = 0; k < 8; k++) {
          await new Promise((resolve) => setTimeout(resolve, 15));
          await terminate(app);
        }
      };
      await Promise.all([writer(1), writer(2), writer(3), killer()]);
      // Every resolved append is stored with its exact bytes.
      for (const [id, text] of resolved) {
        const row = await store.inbox.get(id);
        expect(row && new TextDecoder().decode(row.body)).toBe(text);
      }
      expect(resolved.size + rejected).toBe(180);
      // And the pool works again once the killing stops (the last kill's close events have arrived).
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(
        store.inbox.append({ channel: 'test', body: body('final'), headers: {}, receivedAt: 99 }),
      ).resolves.toMatchObject({ id: expect.any(Number) });
    } finally {
      await store.close();
    }
  });

  it('answers 503 on the ack path while the database is unreachable, 200 once it is back', async () => {
    const app = `sbtest-engine-${Math.random().toString(36).slice(2)}`;
    const store = await open(app);
    const adapter: ChannelAdapter = {
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
      parseWebhook: () => ({ events: [], problems: [] }),
      send: () => Promise.reject(new SwitchboardError('NOT_SUPPORTED', 'no sends in this test')),
      probes: () => [],
    };
    const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
    const switchboard = createSwitchboard({ adapters: [adapter], store, logger: silent });
    const post = (text: string) =>
      switchboard.handleWebhook(
        new Request('http://127.0.0.1/webhooks/test', {
          method: 'POST',
          body: text,
          headers: { 'content-type': 'application/json' },
        }),
      );
    try {
      expect((await post('{"n":1}')).status).toBe(200);
      const locker = await lockInbox(store.schema);
      const pending = post('{"n":2}');
      await waitForWaiter(app);
      await terminate(app);
      expect((await pending).status).toBe(503);
      await locker.query('ROLLBACK');
      await locker.end();
      expect((await post('{"n":3}')).status).toBe(200);
      const rows = await store.inbox.listByReceivedAt({ since: 0, until: Date.now() + 1000, limit: 10 });
      expect(rows.map((r) => new TextDecoder().decode(r.body))).toEqual(['{"n":1}', '{"n":3}']);
    } finally {
      await store.close();
    }
  });
});
