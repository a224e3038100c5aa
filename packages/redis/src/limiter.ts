import { type BucketSpec, type Clock, type Logger, type RateLimiter, silentLogger } from '@switchboard/core';
import type { Redis } from 'ioredis';
import { openConnection, type RedisConnectionOptions } from './connection.js';
import { TAKE_SCRIPT } from './scripts.js';

/**
 * What `take` answers while Redis cannot be reached:
 * - `deny` (default): "wait `unavailableRetryMs`" — sends stay queued in the durable outbox and go out
 *   once Redis is back. Nothing is lost, and N instances never exceed the platform's limits together.
 * - `allow`: take nothing and send anyway — keeps sending during a Redis outage, at the risk of
 *   exceeding the shared limits (each instance sends as fast as the platform lets it).
 */
export type UnavailableBehaviour = 'allow' | 'deny';

export interface RedisRateLimiterOptions extends RedisConnectionOptions {
  /** Prefix of every bucket key. Default `switchboard:rl:`. In Redis Cluster include a hash tag: `sb:{rl}:`. */
  prefix?: string;
  /** Default `deny` (see `UnavailableBehaviour`). Env: `SWITCHBOARD_REDIS_UNAVAILABLE`. */
  onUnavailable?: UnavailableBehaviour;
  /** Wait returned by `deny` while Redis is unavailable. Default 1000 ms. */
  unavailableRetryMs?: number;
  /**
   * Where "now" comes from. Default: Redis `TIME`, read inside the script, so instances whose clocks
   * disagree still share one timeline. Pass a Clock (e.g. a ManualClock in tests) to use the caller's time.
   */
  clock?: Clock;
  /** One `warn` when Redis becomes unavailable and one `info` when it is back. Default: silent. */
  logger?: Logger;
}

export interface RedisRateLimiter extends RateLimiter {
  readonly redis: Redis;
  /** Whether the last call reached Redis. */
  readonly available: boolean;
  /** Closes the client if the limiter created it. */
  close(): Promise<void>;
}

/**
 * Token buckets shared by every instance: one Lua script checks and takes all the buckets of a `take`
 * atomically (EVALSHA, EVAL on NOSCRIPT), so concurrent instances never take the same token twice.
 *
 * @example
 * const limiter = createRedisRateLimiter({ url: process.env.REDIS_URL, onUnavailable: 'deny' });
 * const switchboard = createSwitchboard({ adapters, store, limiter });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions = {}): RedisRateLimiter {
  const connection = openConnection(options);
  const prefix = options.prefix ?? 'switchboard:rl:';
  const envBehaviour = process.env.SWITCHBOARD_REDIS_UNAVAILABLE;
  const behaviour: UnavailableBehaviour =
    options.onUnavailable ?? (envBehaviour === 'allow' || envBehaviour === 'deny' ? envBehaviour : 'deny');
  const retryMs = options.unavailableRetryMs ?? 1_000;
  const logger = options.logger ?? silentLogger;
  let available = true;

  const unavailable = (error: unknown): number => {
    if (available) {
      available = false;
      logger.warn(
        behaviour === 'deny'
          ? `redis rate limiter unavailable: holding sends, retrying every ${retryMs} ms`
          : 'redis rate limiter unavailable: sending without shared limits',
        { error: error instanceof Error ? error.message : String(error), onUnavailable: behaviour },
      );
    }
    return behaviour === 'deny' ? retryMs : 0;
  };

  return {
    redis: connection.redis,
    get available() {
      return available;
    },
    async take(buckets: readonly BucketSpec[]) {
      if (buckets.length === 0) return 0;
      for (const b of buckets)
        if (!(b.ratePerSecond > 0) || !(b.burst >= 1))
          throw new RangeError(`bucket ${b.key}: ratePerSecond must be > 0 and burst >= 1`);
      const keys = buckets.map((b) => `${prefix}${b.key}`);
      const args: (string | number)[] = [options.clock ? options.clock.now() : -1];
      for (const b of buckets) args.push(b.ratePerSecond, b.burst);
      let wait: number;
      try {
        wait = Number(await connection.call((redis) => TAKE_SCRIPT.run(redis, keys, args)));
      } catch (error) {
        return unavailable(error);
      }
      if (!available) {
        available = true;
        logger.info('redis rate limiter available again: shared limits apply');
      }
      return wait;
    },
    close: () => connection.close(),
  };
}
