import { randomUUID } from 'node:crypto';
import type { Logger } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisLock, createRedisRateLimiter, type RedisRateLimiter } from '../src/index.js';
import { freePort, type PrivateRedis, startRedis } from './redis-server.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const log =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { lines, logger };
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

const bucket = { key: 'wa:phone', ratePerSecond: 5, burst: 5 };

function open(port: number, options: Partial<Parameters<typeof createRedisRateLimiter>[0]> = {}) {
  const l: RedisRateLimiter = createRedisRateLimiter({
    url: `redis://127.0.0.1:${port}`,
    prefix: `t:${randomUUID()}:`,
    timeoutMs: 300,
    ...options,
  });
  cleanup.push(() => l.close());
  return l;
}

describe('when Redis is unreachable', () => {
  it('denies by default (sends wait in the outbox), logs once, and recovers when Redis comes back', async () => {
    const port = await freePort();
    const { lines, logger } = recordingLogger();
    const l = open(port, { logger, unavailableRetryMs: 750 });
    expect(await l.take([bucket])).toBe(750);
    expect(await l.take([bucket])).toBe(750);
    expect(l.available).toBe(false);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      { level: 'warn', message: 'redis rate limiter unavailable: holding sends, retrying every 750 ms' },
    ]);

    let server: PrivateRedis | undefined = await startRedis(port);
    cleanup.push(() => server?.stop() ?? Promise.resolve());
    await eventually(async () => (await l.take([bucket])) === 0, 'a token from the restarted Redis');
    expect(l.available).toBe(true);
    expect(lines.at(-1)).toEqual({
      level: 'info',
      message: 'redis rate limiter available again: shared limits apply',
    });

    // It goes away again mid-run (killed): denied again, without hanging.
    await server.stop();
    server = undefined;
    await eventually(async () => (await l.take([bucket])) === 750, 'deny after the kill');
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
  });

  it("allows sends with onUnavailable: 'allow' and says so in the log", async () => {
    const port = await freePort();
    const { lines, logger } = recordingLogger();
    const l = open(port, { logger, onUnavailable: 'allow' });
    expect(await l.take([bucket])).toBe(0);
    expect(await l.take([bucket])).toBe(0);
    expect(lines).toEqual([
      { level: 'warn', message: 'redis rate limiter unavailable: sending without shared limits' },
    ]);
  });

  it('makes lock calls reject instead of pretending to hold a lock', async () => {
    const locks = createRedisLock({ url: `redis://127.0.0.1:${await freePort()}`, timeoutMs: 300 });
    cleanup.push(() => locks.close());
    await expect(locks.acquire('chore', 1000)).rejects.toThrow();
  });
});
