import { createServer, type Server } from 'node:http';
import { type ChannelAdapter, createSwitchboard, type Switchboard } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createRedisRateLimiter } from '@switchboard/redis';
import { createPostgresStore } from '@switchboard/store-postgres';

export interface InstanceOptions {
  adapters: ChannelAdapter[];
  /** Same database and schema for every instance. */
  databaseUrl: string;
  schema?: string;
  /** Same Redis (and prefix) for every instance: the send buckets are shared. */
  redisUrl: string;
  redisPrefix?: string;
  /** Unique per instance: it owns the leases it takes. */
  instanceId: string;
  port?: number;
}

/** One stateless Switchboard instance. Start as many as you like, on as many machines as you like. */
export async function startInstance(options: InstanceOptions) {
  const store = await createPostgresStore({
    connectionString: options.databaseUrl,
    schema: options.schema ?? 'switchboard',
  });
  const limiter = createRedisRateLimiter({
    url: options.redisUrl,
    prefix: options.redisPrefix ?? 'switchboard:rl:',
    onUnavailable: 'deny',
  });
  const switchboard: Switchboard = createSwitchboard({
    adapters: options.adapters,
    store,
    limiter,
    instanceId: options.instanceId,
  });
  await switchboard.start();
  const server: Server = createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    switchboard,
    server,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await switchboard.stop();
      await limiter.close();
      await store.close();
    },
  };
}
