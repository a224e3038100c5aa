import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startMetaSimulator } from '@switchboard/simulator';
import { createPostgresStore } from '@switchboard/store-postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstanceConfig } from './instance.js';
import { maxInWindow, type RoundRobinProxy, sha256, startProxy } from './proxy.js';

const PG_CANDIDATES = process.env.SWITCHBOARD_TEST_PG_URL
  ? [process.env.SWITCHBOARD_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
const REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Per-number limit the cluster must respect in any 1 s window. */
const LIMIT_PER_SECOND = 10;
/**
 * The engine's bucket for a rate R has a burst of ceil(R), so it can pass R + R tokens in one second:
 * a rate below half the limit keeps every 1 s window within it, with room for network jitter between
 * the moment a token is taken and the moment the simulator records the send.
 */
const SEND_PER_SECOND = 4;
const MESSAGES = 100;
const KILL_AFTER = 40;

async function databaseUrl(): Promise<string> {
  for (const url of PG_CANDIDATES) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return url;
    } catch {
      // try the next role
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error(`no usable PostgreSQL among ${PG_CANDIDATES.join(', ')}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

interface Instance {
  id: string;
  child: ChildProcess;
  port: number;
}

function startInstance(config: InstanceConfig): Promise<Instance> {
  const child = fork(fileURLToPath(new URL('./instance.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SWITCHBOARD_CLUSTER_INSTANCE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${config.instanceId} did not start`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${config.instanceId} exited with ${code}`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'ready' || !message.port) return;
      clearTimeout(timer);
      resolve({ id: config.instanceId, child, port: message.port });
    });
  });
}

function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    instance.child.removeAllListeners('exit');
    instance.child.once('exit', () => resolve());
    instance.child.send({ type: 'stop' });
  });
}

describe('three engine processes over one PostgreSQL and one Redis', () => {
  it('acknowledges only stored bodies, dispatches each event once and keeps the send rate per number', {
    timeout: 120_000,
  }, async () => {
    const url = await databaseUrl();
    const schema = `sbcluster_${randomBytes(5).toString('hex')}`;
    const redisPrefix = `sbcluster:${randomBytes(5).toString('hex')}:`;
    const admin = new pg.Pool({ connectionString: url, max: 3 });
    cleanup.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const redis = new Redis(REDIS_URL);
    cleanup.push(async () => {
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    // Migrate once here so the test can add its dispatch log; the instances migrate again (no-op, locked).
    const migrator = await createPostgresStore({ connectionString: url, schema });
    await migrator.close();
    await admin.query(
      `CREATE TABLE "${schema}".dispatch_log (
        n bigint GENERATED ALWAYS AS IDENTITY, key text NOT NULL, kind text NOT NULL,
        message_id text, instance text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );

    const sim = await startMetaSimulator({
      seed: 9,
      statusDelaysMs: { sent: 50, delivered: 100, read: 150 },
    });
    cleanup.push(() => sim.stop());
    const world = sim.world;
    const base: Omit<InstanceConfig, 'instanceId'> = {
      databaseUrl: url,
      schema,
      redisUrl: REDIS_URL,
      redisPrefix,
      graphBaseUrl: sim.url,
      appSecret: world.app.secret,
      verifyToken: world.app.verifyToken,
      accessToken: world.systemUserToken,
      phoneNumberIds: world.phoneNumbers.map((p) => p.id),
      wabaIds: world.wabas.map((w) => w.id),
      sendPerSecond: SEND_PER_SECOND,
    };
    const instances = await Promise.all(
      ['node-a', 'node-b', 'node-c'].map((instanceId) => startInstance({ ...base, instanceId })),
    );
    const proxy: RoundRobinProxy = await startProxy(instances.map((i) => i.port));
    cleanup.push(() => proxy.close());
    sim.setWebhook('whatsapp', `${proxy.url}/webhooks/whatsapp`);
    sim.faults.duplicates({ rate: 0.1, channel: 'whatsapp' });

    // Customers of both phone numbers write in, round robin; one instance dies mid-run.
    const customers = world.customers.filter((c) => c.channel === 'whatsapp');
    const victim = instances[1]!;
    let inFlightAtKill: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const customer = customers[i % customers.length]!;
      sim.customerSends({
        channel: 'whatsapp',
        accountId: customer.accountId,
        userId: customer.userId,
        kind: 'text',
        text: `message ${i}`,
      });
      if (i === KILL_AFTER) {
        victim.child.kill('SIGKILL');
        await new Promise((resolve) => victim.child.once('exit', resolve));
        // The victim cannot touch its rows any more and nobody else may take them before the lease
        // expires: these are exactly the events it may have dispatched without completing.
        const rows = await admin.query(
          `SELECT key FROM "${schema}".events WHERE lease_owner = $1 AND state = 'pending'`,
          [victim.id],
        );
        inFlightAtKill = rows.rows.map((r) => r.key as string);
      }
      await sleep(30);
    }

    // Wait until every inbound webhook was acknowledged and all work (events, replies) is done.
    const inbound = () => sim.truth.all({ channel: 'whatsapp', type: 'inbound' });
    const pendingWork = async () => {
      const r = await admin.query(
        `SELECT (SELECT count(*) FROM "${schema}".inbox WHERE state = 'pending')
              + (SELECT count(*) FROM "${schema}".events WHERE state = 'pending')
              + (SELECT count(*) FROM "${schema}".outbox WHERE state = 'pending') AS n`,
      );
      return Number(r.rows[0].n);
    };
    const deadline = Date.now() + 80_000;
    for (;;) {
      if (inbound().every((t) => t.deliveredAt !== undefined) && (await pendingWork()) === 0) {
        await sim.idle();
        await sleep(500);
        if ((await pendingWork()) === 0) break;
      }
      if (Date.now() > deadline)
        throw new Error(`cluster did not drain: ${await pendingWork()} rows pending`);
      await sleep(250);
    }
    const survivors = instances.filter((i) => i !== victim);
    await Promise.all(survivors.map(stopInstance));

    // 1. Every body answered 200 is stored, byte for byte.
    const stored = await admin.query(`SELECT body FROM "${schema}".inbox`);
    const storedHashes = new Set(stored.rows.map((r) => sha256(r.body as Buffer)));
    expect(proxy.acknowledged.length).toBeGreaterThanOrEqual(MESSAGES);
    expect(proxy.acknowledged.filter((hash) => !storedHashes.has(hash))).toEqual([]);
    expect(proxy.perBackend.get(victim.port) ?? 0).toBeGreaterThan(0);
    expect(sim.truth.duplicated({ channel: 'whatsapp' }).length).toBeGreaterThan(0);

    // 2. Every inbound message became one event, dispatched exactly once across the cluster
    //    (an event the victim held at the moment of the kill may have run on it and again elsewhere).
    const messages = await admin.query(
      `SELECT count(*)::int AS n FROM "${schema}".events WHERE kind = 'message'`,
    );
    expect(messages.rows[0].n).toBe(inbound().length);
    const events = await admin.query(`SELECT key, state FROM "${schema}".events`);
    expect(events.rows.filter((r) => r.state !== 'done')).toEqual([]);
    const log = await admin.query(
      `SELECT key, count(*)::int AS n, string_agg(instance || ' ' || to_char(at, 'HH24:MI:SS.MS'), ', ' ORDER BY at) AS runs
        FROM "${schema}".dispatch_log GROUP BY key`,
    );
    const dispatches = new Map(log.rows.map((r) => [r.key as string, r.n as number]));
    const runs = new Map(log.rows.map((r) => [r.key as string, r.runs as string]));
    const inFlight = new Set(inFlightAtKill);
    const wrong = events.rows
      .map((r) => ({ key: r.key as string, n: dispatches.get(r.key) ?? 0, runs: runs.get(r.key) }))
      .filter(({ key, n }) => n < 1 || n > (inFlight.has(key) ? 2 : 1));
    expect(wrong).toEqual([]);
    expect([...dispatches.keys()].filter((key) => !events.rows.some((r) => r.key === key))).toEqual([]);
    const loggedMessages = await admin.query(
      `SELECT DISTINCT message_id FROM "${schema}".dispatch_log WHERE kind = 'message'`,
    );
    const loggedIds = new Set(loggedMessages.rows.map((r) => r.message_id as string));
    expect(inbound().filter((t) => !loggedIds.has(t.messageId ?? ''))).toEqual([]);

    // 3. Every message got its reply, and no phone number ever sent above the limit in any 1 s window.
    for (const phone of world.phoneNumbers) {
      const sends = sim.businessSends({ channel: 'whatsapp', accountId: phone.id });
      const received = inbound().filter((t) => t.accountId === phone.id).length;
      expect(sends.length).toBeGreaterThanOrEqual(received);
      expect(sends.length).toBeGreaterThan(2 * LIMIT_PER_SECOND);
      expect(
        maxInWindow(
          sends.map((s) => s.at),
          1_000,
        ),
      ).toBeLessThanOrEqual(LIMIT_PER_SECOND);
    }
    console.info(
      `cluster: ${proxy.acknowledged.length} webhooks acknowledged (statuses ${JSON.stringify(
        Object.fromEntries(proxy.statuses),
      )}), ${events.rows.length} events, ${inFlight.size} in flight at the kill, max sends/s per number ${world.phoneNumbers
        .map((p) =>
          maxInWindow(
            sim.businessSends({ channel: 'whatsapp', accountId: p.id }).map((s) => s.at),
            1000,
          ),
        )
        .join(', ')}`,
    );
  });
});
