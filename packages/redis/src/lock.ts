import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openConnection, type RedisConnectionOptions } from './connection.js';
import { EXTEND_SCRIPT, RELEASE_SCRIPT } from './scripts.js';

export interface RedisLockOptions extends RedisConnectionOptions {
  /** Prefix of lock keys. Default `switchboard:lock:`. */
  prefix?: string;
}

/** A held lock. Its TTL bounds how long a crashed holder blocks others. */
export interface LockHandle {
  readonly name: string;
  readonly token: string;
  /** Pushes the expiry to `ttlMs` from now; `false` if the lock expired and was taken by someone else. */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases it; `false` if it had already expired (and maybe been taken by someone else). */
  release(): Promise<boolean>;
}

export interface RedisLock {
  readonly redis: Redis;
  /** Takes the lock if it is free, else resolves `null`. Rejects when Redis is unreachable. */
  acquire(name: string, ttlMs: number): Promise<LockHandle | null>;
  /** Runs `body` under the lock; resolves `{ ran: false }` without running it when the lock is held. */
  withLock<T>(
    name: string,
    ttlMs: number,
    body: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

/**
 * A small single-Redis lock (`SET NX PX` + compare-and-delete): for "one instance at a time" chores such as
 * reconciliation or health probes. Not a fencing lock: keep the work shorter than the TTL or `extend` it.
 *
 * @example
 * const locks = createRedisLock({ url: process.env.REDIS_URL });
 * await locks.withLock('reconcile:whatsapp', 30_000, () => reconcile());
 */
export function createRedisLock(options: RedisLockOptions = {}): RedisLock {
  const connection = openConnection(options);
  const prefix = options.prefix ?? 'switchboard:lock:';
  const acquire = async (name: string, ttlMs: number): Promise<LockHandle | null> => {
    const key = `${prefix}${name}`;
    const token = randomUUID();
    const ok = await connection.call((redis) => redis.set(key, token, 'PX', ttlMs, 'NX'));
    if (ok !== 'OK') return null;
    return {
      name,
      token,
      async extend(ms) {
        return Number(await connection.call((redis) => EXTEND_SCRIPT.run(redis, [key], [token, ms]))) === 1;
      },
      async release() {
        return Number(await connection.call((redis) => RELEASE_SCRIPT.run(redis, [key], [token]))) === 1;
      },
    };
  };
  return {
    redis: connection.redis,
    acquire,
    async withLock(name, ttlMs, body) {
      const handle = await acquire(name, ttlMs);
      if (!handle) return { ran: false };
      try {
        return { ran: true, value: await body() };
      } finally {
        await handle.release().catch(() => false);
      }
    },
    close: () => connection.close(),
  };
}
