import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { IG, PAGE, PHONE } from './sdk-harness.js';

const require = createRequire(import.meta.url);

/** Field names Meta uses, so generated objects reach deep into the parsers instead of failing at the top. */
const KEYS = [
  'id',
  'mid',
  'text',
  'body',
  'timestamp',
  'type',
  'from',
  'to',
  'sender',
  'recipient',
  'message',
  'messages',
  'statuses',
  'status',
  'attachments',
  'payload',
  'url',
  'title',
  'field',
  'value',
  'metadata',
  'phone_number_id',
  'is_echo',
  'is_deleted',
  'reaction',
  'emoji',
  'action',
  'read',
  'delivery',
  'watermark',
  'mids',
  'postback',
  'referral',
  'optin',
  'contacts',
  'wa_id',
  'user_id',
  'profile',
  'name',
  'errors',
  'code',
  'context',
  'interactive',
  'button_reply',
  'list_reply',
  'image',
  'sha256',
  'mime_type',
  'caption',
  'location',
  'latitude',
  'longitude',
  'order',
  'product_items',
  'quantity',
  'item_price',
  'sticker_id',
  'app_id',
  'reply_to',
  'story',
  'quick_reply',
  'message_edit',
  'num_edit',
  'pass_thread_control',
  'new_owner_app_id',
  'recipient_id',
  'conversation',
  'pricing',
  'biz_opaque_callback_data',
  'event',
  'changes',
  'entry',
  'object',
  'time',
  'user_ref',
] as const;

const leaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '1733480000',
    '99999999999999999999',
    '-1',
    'm_AbC',
    'wamid.HBg',
    PAGE,
    IG,
    PHONE,
    'text',
    'image',
    'interactive',
    'button_reply',
    'read',
    'delivered',
    'failed',
    'https://lookaside.fbsbx.com/x',
    '\u0000',
    '😀',
  ),
  fc.constantFrom(1733480000000, 1733480000, 2 ** 53 + 2, -5, 1e300, Number.MAX_SAFE_INTEGER),
);

/** JSON values built from Meta's field names and edge-case leaves. */
export const metaJson: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 6 }),
  ),
})).node;

const now = () => Date.now();

/** A `page` / `instagram` envelope whose items are generated (sometimes well-formed, often not). */
const messagingItem = fc.oneof(
  metaJson,
  fc.record(
    {
      sender: fc.record({ id: fc.oneof(fc.constant('u1'), leaf) }),
      recipient: fc.record({ id: fc.constantFrom(PAGE, IG) }),
      timestamp: fc.oneof(fc.constant(now()), leaf),
      message: metaJson,
      reaction: metaJson,
      read: metaJson,
      delivery: metaJson,
      postback: metaJson,
    },
    { requiredKeys: ['sender', 'recipient'] },
  ),
);

export const messengerPlatformBody = (object: 'page' | 'instagram') =>
  fc.record({
    object: fc.oneof(fc.constant(object), leaf),
    entry: fc.array(
      fc.record(
        {
          id: fc.oneof(fc.constant(object === 'page' ? PAGE : IG), leaf),
          time: fc.oneof(fc.constant(now()), leaf),
          messaging: fc.array(messagingItem, { maxLength: 5 }),
          standby: fc.array(messagingItem, { maxLength: 2 }),
          changes: fc.array(metaJson, { maxLength: 2 }),
        },
        { requiredKeys: ['id'] },
      ),
      { maxLength: 3 },
    ),
  });

const waMessage = fc.oneof(
  metaJson,
  fc.record(
    {
      from: fc.oneof(fc.constant('15551234567'), leaf),
      id: fc.oneof(
        fc.string({ minLength: 1, maxLength: 10 }).map((s) => `wamid.${s}`),
        leaf,
      ),
      timestamp: fc.oneof(fc.constant(String(Math.floor(now() / 1000))), leaf),
      type: fc.oneof(
        fc.constantFrom('text', 'image', 'interactive', 'reaction', 'location', 'order', 'unsupported'),
        leaf,
      ),
      text: metaJson,
      image: metaJson,
      interactive: metaJson,
      reaction: metaJson,
      location: metaJson,
      order: metaJson,
      context: metaJson,
      status: leaf,
      recipient_id: leaf,
    },
    { requiredKeys: ['id', 'timestamp'] },
  ),
);

export const whatsappBody = fc.record({
  object: fc.oneof(fc.constant('whatsapp_business_account'), leaf),
  entry: fc.array(
    fc.record({
      id: fc.oneof(fc.constant('102290129340398'), leaf),
      changes: fc.array(
        fc.record({
          field: fc.oneof(
            fc.constantFrom('messages', 'account_update', 'message_template_status_update'),
            leaf,
          ),
          value: fc.record(
            {
              messaging_product: fc.constant('whatsapp'),
              metadata: fc.oneof(fc.constant({ phone_number_id: PHONE }), metaJson),
              contacts: fc.array(metaJson, { maxLength: 2 }),
              messages: fc.array(waMessage, { maxLength: 4 }),
              statuses: fc.array(waMessage, { maxLength: 3 }),
              errors: fc.array(metaJson, { maxLength: 2 }),
            },
            { requiredKeys: ['metadata'] },
          ),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
});

/** The adapter package's recorded payloads (one JSON file per payload kind). */
function fixtures(channel: 'messenger' | 'instagram' | 'whatsapp'): unknown[] {
  const dir = join(dirname(require.resolve(`@switchboard/${channel}/package.json`)), 'fixtures');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
}

const DELETE = Symbol('delete');

/** Every [parent, key] of a JSON value, so a mutation can land anywhere in it. */
function slots(value: unknown, out: Array<[Record<string, unknown>, string]> = []) {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      slots((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** A real payload with up to three values replaced by generated ones (or removed). */
const mutatedFixture = (channel: 'messenger' | 'instagram' | 'whatsapp') =>
  fc
    .tuple(
      fc.constantFrom(...fixtures(channel)),
      fc.array(fc.tuple(fc.nat(), fc.oneof(metaJson, fc.constant(DELETE))), { maxLength: 3 }),
    )
    .map(([fixture, mutations]) => {
      const copy = structuredClone(fixture);
      for (const [at, value] of mutations) {
        const all = slots(copy);
        const slot = all[at % Math.max(1, all.length)];
        if (!slot) continue;
        if (value === DELETE) delete slot[0][slot[1]];
        else slot[0][slot[1]] = value;
      }
      return copy;
    });

/** Raw bytes to POST: mutated real payloads, Meta-shaped JSON, arbitrary JSON, or arbitrary bytes. */
export const bodyFor = (channel: 'messenger' | 'instagram' | 'whatsapp'): fc.Arbitrary<Uint8Array> => {
  const shaped =
    channel === 'whatsapp'
      ? whatsappBody
      : messengerPlatformBody(channel === 'messenger' ? 'page' : 'instagram');
  return fc.oneof(
    { weight: 8, arbitrary: mutatedFixture(channel).map((v) => new TextEncoder().encode(JSON.stringify(v))) },
    { weight: 4, arbitrary: shaped.map((v) => new TextEncoder().encode(JSON.stringify(v))) },
    {
      weight: 2,
      arbitrary: fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'null')),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
};
