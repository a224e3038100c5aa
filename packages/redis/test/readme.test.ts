import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLimits } from '../examples/shared-limits.js';
import { type PrivateRedis, startRedis } from './redis-server.js';

let server: PrivateRedis;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server.stop());

describe('README: several instances', () => {
  it('is the code the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/shared-limits.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('shares one bucket and one lock between three instances', async () => {
    const instances = [1, 2, 3].map(() => sharedLimits({ redisUrl: server.url, prefix: 'readme:' }));
    try {
      const bucket = { key: 'send:whatsapp:106540352242922', ratePerSecond: 0.01, burst: 5 };
      const waits = await Promise.all(
        Array.from({ length: 15 }, (_, i) => instances[i % 3]!.limiter.take([bucket])),
      );
      expect(waits.filter((w) => w === 0)).toHaveLength(5);

      let release!: () => void;
      const busy = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first = instances[0]!.once('reconcile', () => busy.then(() => 'done'));
      while (!(await instances[0]!.locks.redis.exists('readme:lock:reconcile')))
        await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await instances[1]!.once('reconcile', async () => 'ran')).toEqual({ ran: false });
      release();
      expect(await first).toEqual({ ran: true, value: 'done' });
      expect(await instances[2]!.once('reconcile', async () => 'ran')).toEqual({ ran: true, value: 'ran' });
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });
});
