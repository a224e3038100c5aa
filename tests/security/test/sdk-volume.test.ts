import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ChannelEvent } from '@switchboard/core';
import { signMetaBody } from '@switchboard/meta-graph';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyFor } from './sdk-arbitraries.js';
import { type Channel, type Harness, SECRETS, startHarness } from './sdk-harness.js';

const BODIES = 10_500;
const SECRET: Record<Channel, string> = {
  messenger: SECRETS.messengerAppSecret,
  instagram: SECRETS.instagramAppSecret,
  whatsapp: SECRETS.whatsappAppSecret,
};

let harness: Harness | undefined;
afterAll(() => harness?.close());

describe('volume: 10,500 generated signed bodies through handleWebhook', () => {
  it('acks every one, never crashes the engine, and keeps RSS and event-loop delay bounded', async () => {
    harness = await startHarness({ store: 'memory' });
    const { switchboard, store } = harness;
    const channels: Channel[] = ['messenger', 'instagram', 'whatsapp'];
    const samples = channels.map((channel) =>
      fc.sample(bodyFor(channel), { numRuns: BODIES / 3, seed: 13 }).map((bytes) => ({ channel, bytes })),
    );
    const bodies =
      samples[0]?.flatMap((_, i) => samples.map((s) => s[i])).filter((b) => b !== undefined) ?? [];
    expect(bodies).toHaveLength(BODIES);

    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await switchboard.start();
    const started = performance.now();
    for (let i = 0; i < bodies.length; i += 50) {
      const statuses = await Promise.all(
        bodies.slice(i, i + 50).map(async ({ channel, bytes }) => {
          const response = await switchboard.handleWebhook(
            new Request(`http://127.0.0.1/webhooks/${channel}`, {
              method: 'POST',
              headers: { 'x-hub-signature-256': signMetaBody(bytes, SECRET[channel]) },
              body: bytes as BodyInit,
            }),
          );
          return response.status;
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      if (i % 1000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    await switchboard.stop(); // lets the running round finish; drain does the rest
    await switchboard.drain();
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const inbox = await store.inbox.count();
    const events = await store.events.list({ limit: 100_000 });
    console.info(
      `security volume: ${BODIES} bodies in ${seconds.toFixed(1)} s; inbox ${JSON.stringify(inbox)}; ` +
        `${events.length} events; RSS ${mib(rssBefore)} → peak ${mib(rssPeak)} MiB; event-loop delay ` +
        `max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`,
    );

    expect(inbox.pending).toBe(0);
    expect(inbox.done + inbox.dead).toBe(BODIES);
    expect(events.length).toBeGreaterThan(500); // generated from a few dozen fixtures: most are duplicates
    for (const record of events) expect(ChannelEvent.safeParse(record.event).success).toBe(true);
    // Generous bounds for a busy 2-core box: the point is "bounded", not a benchmark.
    expect(rssPeak - rssBefore).toBeLessThan(768 * 2 ** 20);
    expect(delay.max / 1e6).toBeLessThan(1500);
  });
});
