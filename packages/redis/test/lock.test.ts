import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLock, type RedisLock } from '../src/index.js';
import { type PrivateRedis, startRedis } from './redis-server.js';

let server: PrivateRedis;
let a: RedisLock;
let b: RedisLock;

beforeAll(async () => {
  server = await startRedis();
  const prefix = `lock:${randomUUID()}:`;
  a = createRedisLock({ url: server.url, prefix });
  b = createRedisLock({ url: server.url, prefix });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await server.stop();
});

describe('createRedisLock', () => {
  it('lets one holder in at a time and only the holder release it', async () => {
    const held = await a.acquire('reconcile', 10_000);
    expect(held).not.toBeNull();
    expect(await b.acquire('reconcile', 10_000)).toBeNull();
    expect(await b.withLock('reconcile', 10_000, async () => 'ran')).toEqual({ ran: false });
    expect(await held!.extend(20_000)).toBe(true);
    expect(await held!.release()).toBe(true);
    expect(await held!.release()).toBe(false);
    expect(await b.withLock('reconcile', 10_000, async () => 'ran')).toEqual({ ran: true, value: 'ran' });
    expect(await a.acquire('reconcile', 10_000)).not.toBeNull();
  });

  it('does not release or extend a lock that expired and was taken by someone else', async () => {
    const first = await a.acquire('short', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const second = await b.acquire('short', 10_000);
    expect(second).not.toBeNull();
    expect(await first!.release()).toBe(false);
    expect(await first!.extend(10_000)).toBe(false);
    expect(await a.acquire('short', 10_000)).toBeNull();
  });
});
