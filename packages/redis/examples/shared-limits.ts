import type { Logger } from '@switchboard/core';
import { createRedisLock, createRedisRateLimiter } from '@switchboard/redis';

/**
 * What every instance of a cluster creates: the same Redis URL and prefix means the same buckets and
 * locks, so N instances together send at most what one account may send.
 */
export function sharedLimits(options: { redisUrl: string; prefix?: string; logger?: Logger }) {
  const prefix = options.prefix ?? 'switchboard:';
  const limiter = createRedisRateLimiter({
    url: options.redisUrl,
    prefix: `${prefix}rl:`,
    onUnavailable: 'deny',
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const locks = createRedisLock({ url: options.redisUrl, prefix: `${prefix}lock:` });
  return {
    limiter,
    locks,
    /** Run a periodic chore on one instance at a time (the others skip this round). */
    once: <T>(name: string, body: () => Promise<T>) => locks.withLock(name, 60_000, body),
    async close() {
      await limiter.close();
      await locks.close();
    },
  };
}
