/**
 * One adapter's verify + parse in a loop on one of the parse bench's bodies, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/parse-profile.ts whatsapp batch
 *
 * Channel: whatsapp | messenger | instagram. Body: single | batch | fixtures. `BENCH_PROFILE_S` (3)
 * sets how long it loops; it prints µs per body. With `warm` as third argument every fixture runs
 * first (as in parse.ts, where the fixtures are measured before the single body and the batch).
 */
import { createHmac } from 'node:crypto';
import type { ChannelAdapter } from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { type ChannelBodies, messengerPlatformBodies, whatsappBodies } from './lib/parse-bodies.js';

const SECRET = 'bench-app-secret-0123456789abcdef';
const SECONDS = Number(process.env.BENCH_PROFILE_S ?? 3);
const [channel = 'whatsapp', kind = 'batch', warm] = process.argv.slice(2);
const encoder = new TextEncoder();

const keepOne = (adapter: ChannelAdapter, body: (item: object) => object) => (item: object) => {
  const parsed = adapter.parseWebhook(encoder.encode(JSON.stringify(body(item))));
  return parsed.events.length === 1 && parsed.problems.length === 0;
};

function setup(): { adapter: ChannelAdapter; bodies: ChannelBodies } {
  const common = { appSecret: SECRET, verifyToken: 'bench-verify-token' };
  if (channel === 'whatsapp') {
    const adapter = createWhatsAppAdapter(common);
    const bodies = whatsappBodies((item, list) =>
      keepOne(adapter, (i) => ({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [{ field: 'messages', value: { metadata: { phone_number_id: '2' }, [list]: [i] } }],
          },
        ],
      }))(item),
    );
    return { adapter, bodies };
  }
  const adapter = channel === 'messenger' ? createMessengerAdapter(common) : createInstagramAdapter(common);
  const object = channel === 'messenger' ? 'page' : 'instagram';
  const keep = keepOne(adapter, (i) => ({
    object,
    entry: [{ id: '105927095402516', time: 1, messaging: [i] }],
  }));
  return { adapter, bodies: messengerPlatformBodies(`@switchboard/${channel}`, keep) };
}

const { adapter, bodies } = setup();
const signed = (
  kind === 'single' ? [bodies.single] : kind === 'batch' ? [bodies.batch] : bodies.fixtures
).map((text) => {
  const bytes = encoder.encode(text);
  return { bytes, signature: `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}` };
});

function run(list: readonly { bytes: Uint8Array; signature: string }[]): number {
  let events = 0;
  for (const b of list) {
    if (!adapter.verifySignature(b.bytes, { get: () => b.signature }).ok) throw new Error('bad signature');
    events += adapter.parseWebhook(b.bytes).events.length;
  }
  return events;
}

if (warm === 'warm') {
  const all = bodies.fixtures.map((text) => {
    const bytes = encoder.encode(text);
    return { bytes, signature: `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}` };
  });
  for (let i = 0; i < 2000; i++) run(all);
}
let calls = 0;
const start = process.hrtime.bigint();
const until = start + BigInt(SECONDS * 1e9);
while (process.hrtime.bigint() < until) {
  run(signed);
  calls += signed.length;
}
const us = Number(process.hrtime.bigint() - start) / calls / 1000;
console.log(`${channel} ${kind}${warm ? ' (warm)' : ''}: ${us.toFixed(2)} µs per body, ${calls} bodies`);
