import type { AdapterCapabilities } from '@switchboard/core';

/** Meta expects this body in the 200 that acknowledges a webhook. */
export const META_ACK_BODY = 'EVENT_RECEIVED';

/** Meta's signature headers, kept with each stored body so it can be verified again later. */
export const META_SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-hub-signature'] as const;

/**
 * What the engine must know about a Meta channel: Meta's ack body, its signature headers, and how sends
 * are confirmed (Messenger/Instagram echo them; WhatsApp sends status webhooks).
 *
 * @example
 * const adapter = { channel: 'messenger', capabilities: metaCapabilities('echo'), ... };
 */
export function metaCapabilities(sendConfirmation: 'echo' | 'status'): AdapterCapabilities {
  return { sendConfirmation, ackBody: META_ACK_BODY, keptHeaders: META_SIGNATURE_HEADERS };
}
