import { parseWith } from '@switchboard/core';
import { z } from 'zod';
import { decodeJsonBody } from './body.js';

/**
 * The outer webhook body of the Messenger Platform (Messenger: object `page`; Instagram: object
 * `instagram`). Unknown fields are kept; the items themselves stay `unknown` here and are parsed one by one.
 *
 * @example
 * const body = parseEnvelope(MessengerPlatformEnvelope, rawBody);
 * for (const entry of body.entry) for (const item of entry.messaging ?? []) handle(item);
 */
export const MessengerPlatformEnvelope = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      /** Page id or Instagram account id. */
      id: z.string(),
      /** ms for `messaging`; some Instagram `changes` entries carry seconds. */
      time: z.number(),
      messaging: z.array(z.unknown()).optional(),
      standby: z.array(z.unknown()).optional(),
      changes: z.array(z.unknown()).optional(),
    }),
  ),
});
export type MessengerPlatformEnvelope = z.output<typeof MessengerPlatformEnvelope>;

/**
 * The outer webhook body of the WhatsApp Cloud API (object `whatsapp_business_account`):
 * `entry[].changes[].value`, with `value` kept whole for the WhatsApp parser.
 *
 * @example
 * const body = parseEnvelope(WhatsAppEnvelope, rawBody);
 * for (const entry of body.entry) for (const change of entry.changes) route(change.field, change.value);
 */
export const WhatsAppEnvelope = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      /** WhatsApp Business Account id. */
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.record(z.string(), z.unknown()),
        }),
      ),
    }),
  ),
});
export type WhatsAppEnvelope = z.output<typeof WhatsAppEnvelope>;

/**
 * Decodes raw webhook bytes and validates them against an envelope schema. Throws
 * `SwitchboardError('PAYLOAD_INVALID')` whose `path` names the offending field (`entry[0].time`).
 *
 * @example
 * parseEnvelope(WhatsAppEnvelope, new TextEncoder().encode('{"object":"whatsapp_business_account","entry":[]}'));
 */
export function parseEnvelope<S extends z.ZodType>(schema: S, rawBody: Uint8Array | string): z.output<S> {
  const bytes = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody;
  return parseWith(schema, decodeJsonBody(bytes), 'webhook envelope');
}
