/**
 * One engine instance for bench/pg-ack.ts: createSwitchboard + PostgreSQL store (or, with `sqlitePath`,
 * the SQLite store for the comparison row) + WhatsApp adapter, on a free port. Config: JSON in SWITCHBOARD_BENCH_INSTANCE. Sends `{ type: 'ready', port }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createPostgresStore } from '@switchboard/store-postgres';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { VERIFY_TOKEN } from './lib/webhooks.js';

const config = JSON.parse(process.env.SWITCHBOARD_BENCH_INSTANCE ?? '{}') as {
  instanceId: string;
  databaseUrl: string;
  schema: string;
  appSecret: string;
  phoneNumberId: string;
  poolSize: number;
  /** false: ack path only (nothing parses or dispatches what is stored). */
  processors: boolean;
  /** SQLite file instead of PostgreSQL (durability `full`). */
  sqlitePath?: string;
};

const store = config.sqlitePath
  ? createSqliteStore({ path: config.sqlitePath })
  : await createPostgresStore({
      connectionString: config.databaseUrl,
      schema: config.schema,
      maxConnections: config.poolSize,
    });
const switchboard = createSwitchboard({
  adapters: [
    createWhatsAppAdapter({
      appSecret: config.appSecret,
      verifyToken: VERIFY_TOKEN,
      phoneNumberIds: [config.phoneNumberId],
    }),
  ],
  store,
  logger: silentLogger,
  instanceId: config.instanceId,
});
switchboard.on('*', () => {});
if (config.processors) await switchboard.start();
const server = createServer(toNodeListener(switchboard));
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port }),
);
process.on('message', async (message: { type?: string }) => {
  if (message?.type !== 'stop') return;
  server.close();
  await switchboard.stop();
  await store.close();
  process.exit(0);
});
