/**
 * Signature-mismatch benchmark (issue 13, item 1): a forged POST must cost about what a valid one costs.
 * Times `handleWebhook` with the real WhatsApp adapter (two app secrets, as during a rotation) on bodies
 * of 1 KB, 1 MiB and 4 MiB, ASCII and raw non-ASCII (what a re-serializing middleware, or an attacker,
 * sends), once correctly signed and once with `sha256=000…0`. The store discards the bodies, so the
 * comparison is of the engine's own work: read, verify, and either append or reject.
 * Writes bench/results/signature.md.
 *
 * Run: npm run bench:signature -w @switchboard/bench
 */
import { createMemoryStore, createSwitchboard, type Store, silentLogger } from '@switchboard/core';
import { signMetaBody } from '@switchboard/meta-graph';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { fmt, markdownTable, writeResult } from './lib/report.js';

const SECRETS = ['bench-app-secret-0123456789abcdef', 'bench-app-secret-previous-fedcba98'];
/** Time spent per case and path (each path gets this long, at least 5 requests). */
const CASE_MS = Number(process.env.BENCH_SIGNATURE_MS ?? 1500);
const MiB = 1024 * 1024;
const FORGED = `sha256=${'0'.repeat(64)}`;

/** A WhatsApp text message padded with `filler` up to about `bytes` UTF-8 bytes. */
function bodyOf(bytes: number, filler: string): Uint8Array {
  const head = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"1"},"messages":[{"from":"15550001","id":"wamid.1","timestamp":"1700000000","type":"text","text":{"body":"`;
  const tail = '"}}]}}]}]}';
  const fillerBytes = Buffer.byteLength(filler);
  const count = Math.max(1, Math.floor((bytes - head.length - tail.length) / fillerBytes));
  return new TextEncoder().encode(head + filler.repeat(count) + tail);
}

// Appends are acknowledged and dropped: a bench of 4 MiB bodies must not keep gigabytes in memory.
function discardingStore(): Store {
  const store = createMemoryStore();
  return { ...store, inbox: { ...store.inbox, append: async () => ({ id: 0 }) } } as Store;
}

async function msPerRequest(
  handle: (request: Request) => Promise<Response>,
  body: Uint8Array,
  signature: string,
  expected: number,
): Promise<number> {
  const request = () =>
    new Request('http://127.0.0.1/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signature, 'content-type': 'application/json' },
      body,
    });
  for (let i = 0; i < 2; i++) await handle(request()); // warm-up
  const times: number[] = [];
  const until = performance.now() + CASE_MS;
  while (times.length < 5 || performance.now() < until) {
    const start = performance.now();
    const response = await handle(request());
    times.push(performance.now() - start);
    if (response.status !== expected) throw new Error(`expected ${expected}, got ${response.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const switchboard = createSwitchboard({
    adapters: [createWhatsAppAdapter({ appSecrets: SECRETS, verifyToken: 'bench-verify-token' })],
    store: discardingStore(),
    logger: silentLogger,
    maxBodyBytes: 5 * MiB,
  });
  const handle = (request: Request) => switchboard.handleWebhook(request);
  const sizes = [
    { label: '1 KB', bytes: 1000 },
    { label: '1 MiB', bytes: MiB },
    { label: '4 MiB', bytes: 4 * MiB },
  ];
  const fillers = [
    { label: 'ASCII', filler: 'abcdefgh/' },
    { label: 'non-ASCII', filler: 'äöå€😀/' },
  ];
  const rows: (string | number)[][] = [];
  const ratios: number[] = [];
  for (const size of sizes) {
    for (const { label, filler } of fillers) {
      const body = bodyOf(size.bytes, filler);
      const valid = await msPerRequest(handle, body, signMetaBody(body, SECRETS[1] ?? ''), 200);
      const forged = await msPerRequest(handle, body, FORGED, 401);
      ratios.push(forged / valid);
      rows.push([
        size.label,
        label,
        fmt(body.byteLength),
        fmt(valid, 3),
        fmt(forged, 3),
        fmt(forged / valid, 2),
      ]);
    }
  }
  const worst4MiB = Math.max(...ratios.slice(-2));
  writeResult(
    'signature',
    'Signature mismatch vs valid (issue 13, item 1)',
    `${markdownTable(
      [
        'body',
        'characters',
        'bytes',
        'valid: ms/request (median)',
        'forged sha256=0…0: ms/request',
        'forged / valid',
      ],
      rows,
    )}\n\n\`handleWebhook\`, WhatsApp adapter with two app secrets, a store that discards appended bodies; ` +
      `${CASE_MS} ms per case and path. Goal: forged / valid ≤ 1.5 at 4 MiB (worst here: ${fmt(worst4MiB, 2)}).`,
  );
  if (worst4MiB > 1.5) process.exitCode = 1;
}

await main();
