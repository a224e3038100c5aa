/**
 * Parse benchmark: verify + parse + normalize against the floor (HMAC-SHA256 + JSON.parse of the same
 * bytes) for the three adapters, on every fixture, on a ~1 KB message and on a body carrying a
 * 100-event batch; for WhatsApp also the peers (whatsapp-api-js, Kapso, Chat SDK) on the same bodies,
 * with how many of the body's events each delivered. Implementations are timed in alternating samples,
 * and each ratio is the median over the samples of (implementation time ÷ floor time) in that sample.
 * Writes bench/results/parse.md and ends with the summary line of issue 15.
 *
 * Run: npm run bench:parse -w @switchboard/bench
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadavg } from 'node:os';
import type { ChannelAdapter } from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import {
  BATCH_EVENTS,
  type ChannelBodies,
  messengerPlatformBodies,
  whatsappBodies,
} from './lib/parse-bodies.js';
import { chatSdk, kapso, type Peer, type SignedBody, whatsappApiJs } from './lib/parse-peers.js';
import { fmt, markdownTable, writeResult } from './lib/report.js';

const SECRET = 'bench-app-secret-0123456789abcdef';
const SAMPLES = Number(process.env.BENCH_PARSE_SAMPLES ?? 9);
const SAMPLE_MS = Number(process.env.BENCH_PARSE_SAMPLE_MS ?? 150);
const WARMUP = Number(process.env.BENCH_PARSE_WARMUP ?? 8);
const encoder = new TextEncoder();

const sign = (text: string): SignedBody => {
  const bytes = encoder.encode(text);
  return { bytes, text, signature: `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}` };
};

/** What any receiver must do at least: HMAC over the bytes, compare, JSON.parse. */
function floor(b: SignedBody): number {
  const expected = createHmac('sha256', SECRET).update(b.bytes).digest();
  const given = Buffer.from(b.signature.slice(7), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  JSON.parse(Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength).toString('utf8'));
  return 0;
}

function ours(adapter: ChannelAdapter): Peer {
  return (b) => {
    const check = adapter.verifySignature(b.bytes, { get: () => b.signature });
    if (!check.ok) throw new Error(`bad signature: ${check.reason}`);
    const parsed = adapter.parseWebhook(b.bytes);
    if (parsed.problems.length > 0) throw new Error(`problems: ${JSON.stringify(parsed.problems[0])}`);
    return parsed.events.length;
  };
}

/**
 * CPU nanoseconds of the process (GC threads included), not wall time: on a shared machine a sample
 * descheduled for a while would count the wait, and the ratios swung by 2× from one sample to the next.
 */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** CPU nanoseconds per body of one sample: `run` over the bodies, round after round, for SAMPLE_MS of CPU. */
async function sample(run: Peer, bodies: readonly SignedBody[]): Promise<number> {
  const async = run(bodies[0]!) instanceof Promise;
  let calls = 0;
  let rounds = 1;
  const start = cpuNs();
  const until = start + SAMPLE_MS * 1e6;
  let now = start;
  do {
    for (let r = 0; r < rounds; r++) {
      if (async) for (const b of bodies) await run(b);
      else for (const b of bodies) run(b);
    }
    calls += bodies.length * rounds;
    const t = cpuNs();
    // The clock is read about once a millisecond: a read costs ~1 µs, a tenth of a 1 KB body's floor.
    rounds = Math.max(1, Math.floor((rounds * 1e6) / Math.max(1, t - now)));
    now = t;
  } while (now < until);
  return (now - start) / calls;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measured {
  name: string;
  ns: number;
  ratio: number;
  delivered: number;
}

/** Times the floor and every implementation in alternating samples; ratios are taken per sample. */
async function compare(
  impls: { name: string; run: Peer }[],
  bodies: readonly SignedBody[],
): Promise<Measured[]> {
  const all = [{ name: 'HMAC + JSON.parse (floor)', run: floor as Peer }, ...impls];
  const delivered = await Promise.all(
    all.map(async (i) => {
      let n = 0;
      for (const b of bodies) n += await i.run(b);
      return n / bodies.length;
    }),
  );
  // One warm-up sample left whichever body set ran first 20-75 % slower (V8 still tiering up).
  for (let w = 0; w < WARMUP; w++) for (const i of all) await sample(i.run, bodies);
  const times = all.map(() => [] as number[]);
  for (let s = 0; s < SAMPLES; s++) {
    const order = s % 2 === 0 ? all.map((_, k) => k) : all.map((_, k) => all.length - 1 - k);
    for (const k of order) times[k]!.push(await sample(all[k]!.run, bodies));
  }
  return all.map((i, k) => ({
    name: i.name,
    ns: median(times[k]!),
    ratio: median(times[k]!.map((t, s) => t / times[0]![s]!)),
    delivered: delivered[k]!,
  }));
}

interface Channel {
  name: string;
  adapter: ChannelAdapter;
  bodies: ChannelBodies;
  peers: { name: string; run: Peer }[];
}

/** True when the item, alone in a body, maps to exactly one event and no problem. */
function mapsToOneEvent(adapter: ChannelAdapter, body: object): boolean {
  const parsed = adapter.parseWebhook(encoder.encode(JSON.stringify(body)));
  return parsed.events.length === 1 && parsed.problems.length === 0;
}

async function main(): Promise<void> {
  const common = { appSecret: SECRET, verifyToken: 'bench-verify-token' };
  const whatsapp = createWhatsAppAdapter({ ...common });
  const messenger = createMessengerAdapter({ ...common });
  const instagram = createInstagramAdapter({ ...common });
  const waBodies = whatsappBodies((item, list) =>
    mapsToOneEvent(whatsapp, {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [{ field: 'messages', value: { metadata: { phone_number_id: '2' }, [list]: [item] } }],
        },
      ],
    }),
  );
  const mpKeep = (adapter: ChannelAdapter, object: string) => (item: object) =>
    mapsToOneEvent(adapter, { object, entry: [{ id: '105927095402516', time: 1, messaging: [item] }] });
  const channels: Channel[] = [
    {
      name: 'Messenger',
      adapter: messenger,
      bodies: messengerPlatformBodies('@switchboard/messenger', mpKeep(messenger, 'page')),
      peers: [],
    },
    {
      name: 'Instagram',
      adapter: instagram,
      bodies: messengerPlatformBodies('@switchboard/instagram', mpKeep(instagram, 'instagram')),
      peers: [],
    },
    {
      name: 'WhatsApp',
      adapter: whatsapp,
      bodies: waBodies,
      peers: [
        { name: 'Kapso 0.3 verifySignature + JSON.parse + normalizeWebhook', run: kapso(SECRET) },
        { name: 'Chat SDK 4.41 handleWebhook(Request)', run: await chatSdk(SECRET, '106540352242922') },
        { name: 'whatsapp-api-js 5 post()', run: whatsappApiJs(SECRET) },
      ],
    },
  ];

  const rows: (string | number)[][] = [];
  const ratio = new Map<string, number>();
  const load = loadavg()[0]!.toFixed(2);
  for (const { name, adapter, bodies, peers } of channels) {
    const sets = [
      { set: 'every fixture', texts: bodies.fixtures, impls: [{ name: 'Switchboard', run: ours(adapter) }] },
      {
        set: '1 KB message',
        texts: [bodies.single],
        impls: [{ name: 'Switchboard', run: ours(adapter) }, ...peers],
      },
      {
        set: `${BATCH_EVENTS}-event batch`,
        texts: [bodies.batch],
        impls: [{ name: 'Switchboard', run: ours(adapter) }, ...peers],
      },
    ];
    for (const { set, texts, impls } of sets) {
      const signed = texts.map(sign);
      const bytes = signed.reduce((n, b) => n + b.bytes.length, 0) / signed.length;
      const events = set.endsWith('batch') ? BATCH_EVENTS : 1;
      for (const m of await compare(impls, signed)) {
        ratio.set(`${name}/${set}/${m.name}`, m.ratio);
        rows.push([
          name,
          set,
          signed.length,
          fmt(bytes),
          m.name,
          fmt(m.ns / 1000, 1),
          fmt(m.ns / 1000 / events, 2),
          `${fmt(m.ratio, 2)}×`,
          set === 'every fixture' ? '—' : `${fmt(m.delivered, 0)} of ${events}`,
        ]);
      }
    }
  }

  const single = (channel: string, impl = 'Switchboard') =>
    fmt(ratio.get(`${channel}/1 KB message/${impl}`)!, 2);
  const peer = (prefix: string) => {
    const key = [...ratio.keys()].find((k) => k.startsWith(`WhatsApp/1 KB message/${prefix}`))!;
    return fmt(ratio.get(key)!, 2);
  };
  const summary =
    `parse: messenger ${single('Messenger')}x, instagram ${single('Instagram')}x, whatsapp ${single('WhatsApp')}x, ` +
    `whatsapp batch ${fmt(ratio.get(`WhatsApp/${BATCH_EVENTS}-event batch/Switchboard`)!, 2)}x of the floor; ` +
    `kapso ${peer('Kapso')}x, chat-sdk ${peer('Chat SDK')}x`;

  writeResult(
    'parse',
    'Webhook verify + parse + normalize vs the floor (one core, in-process)',
    `Bodies, serialized compact as Meta sends them and signed with HMAC-SHA256: every fixture of the adapter package; one text message padded to 1 KB; one body whose ${BATCH_EVENTS} items cycle through every fixture item that maps to one event (WhatsApp: messages and statuses of one \`value\`; Messenger and Instagram: \`messaging[]\` of one entry). The floor is HMAC-SHA256 + compare + \`JSON.parse\` of the same bytes. ${SAMPLES} alternating samples of ${SAMPLE_MS} ms of CPU time (the process's, not wall time: the machine may be shared) per implementation after ${WARMUP} warm-up samples each; "× floor" is the median over samples of (its time ÷ the floor's time in the same sample), lower is better, 1.3× is the issue's goal. "delivered" is how many of the body's events the implementation hands to its handlers. Load average (1 min) at the start: ${load}.\n\n` +
      markdownTable(
        [
          'channel',
          'bodies',
          'count',
          'avg bytes',
          'implementation',
          'µs/body',
          'µs/event',
          '× floor',
          'delivered',
        ],
        rows,
      ) +
      `\n\nPeers: Kapso's \`normalizeWebhook\` returns messages and statuses but checks no field; Chat SDK's adapter delivers inbound messages only (no statuses) and resolves each sender's identity through its state (here in memory); its cost includes building the web \`Request\` it takes. whatsapp-api-js reads only \`entry[0].changes[0]\` and its \`post()\` is async.\n\n${summary}`,
  );
  console.log(summary);
}

await main();
