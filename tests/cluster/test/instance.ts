/**
 * One engine instance of the cluster test, run in its own process (child_process.fork with tsx):
 * createSwitchboard + the PostgreSQL store + the Redis limiter + the WhatsApp adapter, on a free port.
 * Every dispatched event is appended to `dispatch_log` (no unique constraint, so a double dispatch shows).
 * Config comes as JSON in SWITCHBOARD_CLUSTER_INSTANCE; the parent gets `{ type: 'ready', port }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChannelAdapter, createLogger, createSwitchboard } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createRedisRateLimiter } from '@switchboard/redis';
import { createPostgresStore } from '@switchboard/store-postgres';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';

export interface InstanceConfig {
  instanceId: string;
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  redisPrefix: string;
  graphBaseUrl: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  phoneNumberIds: string[];
  wabaIds: string[];
  /** Account bucket rate given to the engine (its burst is ceil(rate)). */
  sendPerSecond: number;
}

const config = JSON.parse(process.env.SWITCHBOARD_CLUSTER_INSTANCE ?? '{}') as InstanceConfig;
const logger = createLogger({
  level: 'warn',
  secrets: [config.appSecret, config.verifyToken, config.accessToken],
  bindings: { instance: config.instanceId },
});

const whatsapp = createWhatsAppAdapter({
  appSecret: config.appSecret,
  verifyToken: config.verifyToken,
  accessToken: config.accessToken,
  phoneNumberIds: config.phoneNumberIds,
  wabaIds: config.wabaIds,
  graphBaseUrl: config.graphBaseUrl,
  logger,
});
// Same adapter, with the per-number send rate of this test (the real number's limit is 80/s).
const adapter: ChannelAdapter = Object.create(whatsapp, {
  limits: { value: { ...whatsapp.limits, sendPerSecond: config.sendPerSecond }, enumerable: true },
});

const store = await createPostgresStore({
  connectionString: config.databaseUrl,
  schema: config.schema,
  maxConnections: 5,
  applicationName: `sb-cluster-${config.instanceId}`,
  logger,
});
const limiter = createRedisRateLimiter({ url: config.redisUrl, prefix: config.redisPrefix, logger });

const switchboard = createSwitchboard({
  adapters: [adapter],
  store,
  limiter,
  logger,
  instanceId: config.instanceId,
  // Leases must outlast the slowest dispatch on a loaded CI box (else a slow instance's event is taken
  // over and runs twice); short enough that the killed instance's rows come back within the test.
  processor: { leaseMs: 10_000, pollIntervalMs: 100, baseDelayMs: 200 },
  outbox: { leaseMs: 10_000, pollIntervalMs: 100, baseDelayMs: 200, batchSize: 5 },
});

switchboard.on('*', async (event) => {
  if (event.kind === 'message' && event.direction === 'inbound') {
    await switchboard.send({
      to: { channel: event.channel, accountId: event.accountId, userId: event.userId },
      content: { type: 'text', text: `got ${event.messageId}` },
      idempotencyKey: `reply:${event.key}`,
    });
  }
  await store.pool.query(
    `INSERT INTO "${config.schema}".dispatch_log (key, kind, message_id, instance) VALUES ($1, $2, $3, $4)`,
    [event.key, event.kind, 'messageId' in event ? event.messageId : null, config.instanceId],
  );
});

await switchboard.start();
const server = createServer(toNodeListener(switchboard));
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});

process.on('message', async (message: { type?: string }) => {
  if (message?.type !== 'stop') return;
  server.close();
  await switchboard.stop();
  await limiter.close();
  await store.close();
  process.exit(0);
});
