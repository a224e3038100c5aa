import { randomUUID } from 'node:crypto';
import { ManualClock } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter, type RedisRateLimiter } from '../src/index.js';
import { type PrivateRedis, startRedis } from './redis-server.js';

let server: PrivateRedis;
const opened: RedisRateLimiter[] = [];
const limiter = (options: Parameters<typeof createRedisRateLimiter>[0] = {}) => {
  const l = createRedisRateLimiter({ url: server.url, prefix: `t:${randomUUID()}:`, ...options });
  opened.push(l);
  return l;
};

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
  await server.stop();
});

describe('createRedisRateLimiter', () => {
  it('takes from every bucket or from none, and refills with the clock', async () => {
    const clock = new ManualClock(1_000_000);
    const l = limiter({ clock });
    const account = { key: 'acct', ratePerSecond: 10, burst: 5 };
    const user = { key: 'user', ratePerSecond: 1, burst: 1 };
    expect(await l.take([account, user])).toBe(0);
    // The user bucket is empty: nothing is taken from the account bucket either.
    expect(await l.take([account, user])).toBe(1000);
    expect(await l.take([account, user])).toBe(1000);
    for (let i = 0; i < 4; i++) expect(await l.take([account])).toBe(0);
    expect(await l.take([account])).toBe(100);
    await clock.advance(100);
    expect(await l.take([account])).toBe(0);
    await clock.advance(1000);
    expect(await l.take([account, user])).toBe(0);
  });

  it('never hands out more tokens than the burst to concurrent instances', async () => {
    const prefix = `t:${randomUUID()}:`;
    const instances = [0, 1, 2].map(() => limiter({ prefix }));
    const bucket = { key: 'shared', ratePerSecond: 0.001, burst: 12 };
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) => instances[i % 3]!.take([bucket])));
    expect(results.filter((w) => w === 0)).toHaveLength(12);
    expect(results.filter((w) => w > 0)).toHaveLength(78);
  });

  it('uses Redis TIME by default, so every instance shares one timeline', async () => {
    const prefix = `t:${randomUUID()}:`;
    const l = limiter({ prefix });
    const bucket = { key: 'slow', ratePerSecond: 0.5, burst: 1 };
    expect(await l.take([bucket])).toBe(0);
    const wait = await l.take([bucket]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2000);
    const [seconds] = await l.redis.time();
    const updatedAt = Number(await l.redis.hget(`${prefix}slow`, 'u'));
    expect(Math.abs(updatedAt - Number(seconds) * 1000)).toBeLessThan(5_000);
  });

  it('falls back to EVAL when the script cache was flushed', async () => {
    const clock = new ManualClock(5_000);
    const l = limiter({ clock });
    const bucket = { key: 'k', ratePerSecond: 1, burst: 2 };
    expect(await l.take([bucket])).toBe(0);
    await l.redis.script('FLUSH');
    expect(await l.take([bucket])).toBe(0);
    expect(await l.take([bucket])).toBe(1000);
  });

  it('lets idle buckets expire once they would be full again', async () => {
    const prefix = `t:${randomUUID()}:`;
    const l = limiter({ prefix, clock: new ManualClock(0) });
    expect(await l.take([{ key: 'idle', ratePerSecond: 2, burst: 4 }])).toBe(0);
    const ttl = await l.redis.pttl(`${prefix}idle`);
    expect(ttl).toBeGreaterThan(2_000);
    expect(ttl).toBeLessThanOrEqual(3_000);
  });

  it('rejects bucket specs that could never refill', async () => {
    await expect(limiter().take([{ key: 'bad', ratePerSecond: 0, burst: 1 }])).rejects.toThrow(RangeError);
  });
});
