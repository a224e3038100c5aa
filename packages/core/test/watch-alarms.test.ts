import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { type Alarm, createAlarmCenter } from '../src/watch/alarms.js';
import { createAlarmNotifier } from '../src/watch/notifier.js';
import { captureLogger } from './helpers.js';

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function receiver(status = 200) {
  const received: Array<{ headers: IncomingMessage['headers']; body: unknown }> = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alarms`, received };
}

describe('alarm center', () => {
  it('emits a raise once, repeats only when asked, and a clear with the same id', async () => {
    const clock = new ManualClock();
    const { logger } = captureLogger();
    const center = createAlarmCenter({ clock, logger });
    const seen: Alarm[] = [];
    center.on((a) => {
      seen.push(a);
    });
    const input = {
      type: 'silence' as const,
      channel: 'instagram',
      accountId: 'ig1',
      severity: 'critical' as const,
      message: 'quiet',
    };
    center.raise(input);
    center.raise(input);
    await clock.advance(1000);
    center.raise({ ...input, message: 'still quiet', repeat: true });
    expect(center.isRaised('silence', 'instagram', 'ig1')).toBe(true);
    center.clear('silence', 'instagram', 'ig1', 'traffic again');
    expect(center.clear('silence', 'instagram', 'ig1', 'again')).toBeUndefined();
    await clock.advance(0);
    expect(seen.map((a) => [a.state, a.message, a.repeats])).toEqual([
      ['raised', 'quiet', 0],
      ['raised', 'still quiet', 2],
      ['cleared', 'traffic again', 2],
    ]);
    expect(seen[2]?.id).toBe('silence:instagram:ig1');
    expect(seen[2]?.raisedAt).toBe(seen[0]?.at);
    expect(center.active()).toEqual([]);
    expect(center.history()).toHaveLength(3);
  });

  it('a failing handler is logged and does not stop the others', async () => {
    const clock = new ManualClock();
    const { logger, lines } = captureLogger();
    const center = createAlarmCenter({ clock, logger });
    let other = 0;
    center.on(() => {
      throw new Error('boom');
    });
    center.on(() => {
      other++;
    });
    center.raise({ type: 'token', channel: 'whatsapp', accountId: '*', severity: 'warning', message: 'x' });
    await clock.advance(0);
    expect(other).toBe(1);
    expect(lines.some((l) => l.msg === 'alarm handler failed')).toBe(true);
  });
});

describe('alarm notifier', () => {
  it('POSTs each alarm as JSON with the configured headers', async () => {
    const { url, received } = await receiver();
    const clock = new ManualClock();
    const { logger } = captureLogger();
    const center = createAlarmCenter({ clock, logger });
    const notifier = createAlarmNotifier({ url, headers: { authorization: 'Bearer hook-secret' } });
    center.on(notifier);
    center.raise({
      type: 'webhook_gap',
      channel: 'instagram',
      accountId: 'ig1',
      severity: 'critical',
      message: '3 conversations moved without a webhook',
      data: { gaps: 3, backfilled: 7 },
    });
    center.clear('webhook_gap', 'instagram', 'ig1', 'fine again');
    await clock.advance(0);
    await notifier.flush();
    expect(received).toHaveLength(2);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers.authorization).toBe('Bearer hook-secret');
    expect(received[0]?.body).toMatchObject({
      id: 'webhook_gap:instagram:ig1',
      type: 'webhook_gap',
      state: 'raised',
      data: { gaps: 3, backfilled: 7 },
    });
    expect(received[1]?.body).toMatchObject({ state: 'cleared', message: 'fine again' });
  });

  it('retries a 5xx answer and logs a final failure without throwing', async () => {
    const { url, received } = await receiver(503);
    const { logger, lines } = captureLogger();
    const notifier = createAlarmNotifier({ url, attempts: 2, logger });
    const alarm: Alarm = {
      id: 'silence:messenger:p1',
      type: 'silence',
      state: 'raised',
      severity: 'critical',
      channel: 'messenger',
      accountId: 'p1',
      message: 'quiet',
      data: {},
      raisedAt: 1,
      at: 1,
      repeats: 0,
    };
    await notifier(alarm);
    expect(received).toHaveLength(2);
    const failure = lines.find((l) => l.msg === 'could not POST an alarm to the notifier URL');
    expect(failure).toMatchObject({ error: 'HTTP 503' });
    expect(JSON.stringify(failure)).not.toContain(url);
  });
});
