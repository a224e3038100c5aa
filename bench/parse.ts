/**
 * Parse benchmark: verify + parse + normalize of real webhook bodies (every fixture of the three
 * adapters, plus batched bodies), against the floor (raw HMAC-SHA256 + JSON.parse) on the same bytes,
 * and, for WhatsApp, against whatsapp-api-js (signature check + dispatch to its message/status handlers).
 * Writes bench/results/parse.md.
 *
 * Run: npm run bench:parse -w @switchboard/bench
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChannelAdapter } from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { fmt, markdownTable, writeResult } from './lib/report.js';

const SECRET = 'bench-app-secret-0123456789abcdef';
const ROUNDS = Number(process.env.BENCH_PARSE_ROUNDS ?? 2000);
const require = createRequire(import.meta.url);

interface Body {
  bytes: Uint8Array;
  text: string;
  signature: string;
  headers: Headers;
}

function loadBodies(pkg: string): Body[] {
  const dir = join(dirname(require.resolve(`${pkg}/package.json`)), 'fixtures');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const bytes = new TextEncoder().encode(text);
      const signature = `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`;
      return { bytes, text, signature, headers: new Headers({ 'x-hub-signature-256': signature }) };
    });
}

/** Floor: what any receiver must do at least — HMAC over the bytes, compare, JSON.parse. */
function floor(body: Body): unknown {
  const expected = createHmac('sha256', SECRET).update(body.bytes).digest();
  const given = Buffer.from(body.signature.slice(7), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  return JSON.parse(body.text);
}

function ours(adapter: ChannelAdapter, body: Body): number {
  const check = adapter.verifySignature(body.bytes, body.headers);
  if (!check.ok) throw new Error(`bad signature: ${check.reason}`);
  const parsed = adapter.parseWebhook(body.bytes);
  return parsed.events.length;
}

async function time(bodies: readonly Body[], fn: (b: Body) => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, ROUNDS); i++) for (const b of bodies) await fn(b); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) for (const b of bodies) await fn(b);
  const ns = Number(process.hrtime.bigint() - start);
  return (ROUNDS * bodies.length) / (ns / 1e9);
}

async function main(): Promise<void> {
  const common = { appSecret: SECRET, verifyToken: 'bench-verify-token' };
  const channels: { name: string; adapter: ChannelAdapter; bodies: Body[] }[] = [
    {
      name: 'Messenger',
      adapter: createMessengerAdapter({ ...common }),
      bodies: loadBodies('@switchboard/messenger'),
    },
    {
      name: 'Instagram',
      adapter: createInstagramAdapter({ ...common }),
      bodies: loadBodies('@switchboard/instagram'),
    },
    {
      name: 'WhatsApp',
      adapter: createWhatsAppAdapter({ ...common }),
      bodies: loadBodies('@switchboard/whatsapp'),
    },
  ];

  const rows: (string | number)[][] = [];
  for (const { name, adapter, bodies } of channels) {
    const floorRate = await time(bodies, floor);
    const ourRate = await time(bodies, (b) => ours(adapter, b));
    const bytes = bodies.reduce((n, b) => n + b.bytes.length, 0) / bodies.length;
    rows.push([
      name,
      bodies.length,
      fmt(bytes),
      'HMAC + JSON.parse (floor)',
      fmt(floorRate),
      fmt(1e6 / floorRate, 1),
      '1.00',
    ]);
    rows.push([
      name,
      bodies.length,
      fmt(bytes),
      'Switchboard verify + parse + normalize',
      fmt(ourRate),
      fmt(1e6 / ourRate, 1),
      fmt(ourRate / floorRate, 2),
    ]);
    if (name === 'WhatsApp') {
      // whatsapp-api-js: verifies with WebCrypto and emits to on.message / on.status (it reads only entry[0].changes[0]).
      const api = new WhatsAppAPI({ token: 'bench-token', appSecret: SECRET, v: 'v24.0' });
      let seen = 0;
      api.on.message = () => {
        seen++;
      };
      api.on.status = () => {
        seen++;
      };
      const peerRate = await time(bodies, async (b) => {
        try {
          await api.post(JSON.parse(b.text), b.text, b.signature);
        } catch {
          // the peer rejects some account-level fields it does not model; that is part of its cost
        }
      });
      rows.push([
        name,
        bodies.length,
        fmt(bytes),
        'whatsapp-api-js 5 post() (signature + JSON.parse + emit)',
        fmt(peerRate),
        fmt(1e6 / peerRate, 1),
        fmt(peerRate / floorRate, 2),
      ]);
      if (seen === 0)
        throw new Error('whatsapp-api-js dispatched nothing: the comparison would be meaningless');
    }
  }

  writeResult(
    'parse',
    'Webhook verify + parse throughput (one core, in-process)',
    `Bodies: every fixture of each adapter package (one JSON file per payload kind, incl. batched bodies), signed with HMAC-SHA256; ${ROUNDS} rounds over the set after warm-up. "ratio" is throughput relative to the floor on the same bodies (higher is faster).\n\n` +
      markdownTable(
        ['channel', 'bodies', 'avg bytes', 'implementation', 'bodies/s', 'µs/body', 'ratio to floor'],
        rows,
      ),
  );
}

await main();
