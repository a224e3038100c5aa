/**
 * Bodies for the parse bench, built from each adapter's recorded fixtures and serialized as Meta sends
 * them (compact, non-ASCII as `\uXXXX`, `\/`): every fixture, one 1 KB text message, and one body
 * carrying a 100-event batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { metaJsonStringify } from '@switchboard/meta-graph';

const require = createRequire(import.meta.url);
export const BATCH_EVENTS = 100;
const SINGLE_BYTES = 1024;

// biome-ignore lint/suspicious/noExplicitAny: fixtures are walked loosely to build bodies; the adapters validate them
type Json = Record<string, any>;

/** Every fixture of an adapter package, by file name. */
export function fixtures(pkg: string): Map<string, Json> {
  const dir = join(dirname(require.resolve(`${pkg}/package.json`)), 'fixtures');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json]));
}

/** Pads the text of a one-message body until the compact body is `SINGLE_BYTES` long. */
function padTo(body: Json, setText: (body: Json, text: string) => void, base: string): string {
  setText(body, base);
  const missing = SINGLE_BYTES - metaJsonStringify(body).length;
  setText(body, base + ' '.repeat(Math.max(0, missing)));
  return metaJsonStringify(body);
}

/** `items` repeated in order until there are `n` of them. */
const cycle = <T>(items: readonly T[], n: number): T[] =>
  Array.from({ length: n }, (_, i) => items[i % items.length]!);

export interface ChannelBodies {
  fixtures: string[];
  single: string;
  batch: string;
}

/**
 * WhatsApp: the batch is one entry with two changes, as Meta groups them: one `value` whose
 * `messages[]` cycle through every inbound message of the fixtures, one whose `statuses[]` cycle
 * through every status (`keep` filters the items that map to exactly one event).
 */
export function whatsappBodies(keep: (item: Json, list: 'messages' | 'statuses') => boolean): ChannelBodies {
  const all = fixtures('@switchboard/whatsapp');
  const text = all.get('text.json')!;
  const single = padTo(
    structuredClone(text),
    (b, t) => {
      b.entry[0].changes[0].value.messages[0].text.body = t;
    },
    'Hi, is my order 1234 on its way?',
  );
  const values = [...all.values()].flatMap((b) =>
    b.entry.flatMap((e: Json) => e.changes.map((c: Json) => c.value)),
  );
  const items = values.flatMap((v: Json) => [
    ...(v.messages ?? []).filter((m: Json) => keep(m, 'messages')).map((m: Json) => ['messages', m] as const),
    ...(v.statuses ?? []).filter((s: Json) => keep(s, 'statuses')).map((s: Json) => ['statuses', s] as const),
  ]);
  const contacts = new Map<string, Json>();
  for (const v of values) for (const c of v.contacts ?? []) contacts.set(c.wa_id ?? c.user_id, c);
  const batchItems = cycle(items, BATCH_EVENTS);
  const { messaging_product, metadata } = text.entry[0].changes[0].value;
  const change = (value: Json) => ({ value: { messaging_product, metadata, ...value }, field: 'messages' });
  const changes = [
    change({
      contacts: [...contacts.values()],
      messages: batchItems.filter(([list]) => list === 'messages').map(([, m]) => m),
    }),
    change({ statuses: batchItems.filter(([list]) => list === 'statuses').map(([, s]) => s) }),
  ];
  const batch = { object: text.object, entry: [{ id: text.entry[0].id, changes }] };
  return {
    fixtures: [...all.values()].map((b) => metaJsonStringify(b)),
    single,
    batch: metaJsonStringify(batch),
  };
}

/** Messenger / Instagram: the batch is one entry whose `messaging[]` cycles through every fixture's messaging items. */
export function messengerPlatformBodies(pkg: string, keep: (item: Json) => boolean): ChannelBodies {
  const all = fixtures(pkg);
  const text = all.get('message-text.json')!;
  const single = padTo(
    structuredClone(text),
    (b, t) => {
      b.entry[0].messaging[0].message.text = t;
    },
    'Hello, is my order on its way?',
  );
  const accountId = text.entry[0].id;
  // Only the items of this account: each still maps as recorded (echoes, self messages).
  const items = [...all.values()]
    .flatMap((b) => b.entry.filter((e: Json) => e.id === accountId).flatMap((e: Json) => e.messaging ?? []))
    .filter(keep);
  const batch = { object: text.object, entry: [{ ...text.entry[0], messaging: cycle(items, BATCH_EVENTS) }] };
  return {
    fixtures: [...all.values()].map((b) => metaJsonStringify(b)),
    single,
    batch: metaJsonStringify(batch),
  };
}
