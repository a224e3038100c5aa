import { Redis } from 'ioredis';

/** How to reach Redis: an ioredis client you own, or a URL (the client is created and closed for you). */
export interface RedisConnectionOptions {
  /** Your ioredis client. You close it. */
  redis?: Redis;
  /** `redis://127.0.0.1:6379/0`. Env: `REDIS_URL`. Used when `redis` is not given. */
  url?: string;
  /** Longest wait for one Redis round trip before it counts as unavailable. Default 500 ms. */
  timeoutMs?: number;
}

export interface Connection {
  readonly redis: Redis;
  /** Runs one call with the timeout; rejects fast while the client is known to be disconnected. */
  call<T>(body: (redis: Redis) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** States in which a command would only wait in the offline queue for a Redis that is down. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

export function openConnection(options: RedisConnectionOptions): Connection {
  const timeoutMs = options.timeoutMs ?? 500;
  const owns = options.redis === undefined;
  const redis =
    options.redis ??
    new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: 1,
      connectTimeout: Math.max(1_000, timeoutMs),
      // Keep trying in the background, at most every 2 s, so the limiter recovers by itself.
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    });
  // ioredis emits 'error' on every failed reconnect; without a listener it would print them all.
  const onError = () => {};
  if (owns) redis.on('error', onError);
  return {
    redis,
    async call(body) {
      if (DOWN.has(redis.status)) throw new Error(`redis is ${redis.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([body(redis), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (!owns) return;
      redis.disconnect();
      redis.off('error', onError);
    },
  };
}
