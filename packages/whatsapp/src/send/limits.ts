import type { ChannelLimits } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';

/** Field limits of the Cloud API send endpoint, checked before any call. */
export const WHATSAPP_FIELD_LIMITS = {
  textBody: 4096,
  caption: 1024,
  interactiveBody: 1024,
  interactiveHeader: 60,
  interactiveFooter: 60,
  replyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  listButton: 20,
  listRowsTotal: 10,
  listSections: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
  /** Flow button text: Meta advises at most 30 characters. */
  flowCta: 30,
  /** `biz_opaque_callback_data`, in bytes. */
  callbackData: 512,
} as const;

/**
 * What the WhatsApp Cloud API allows, as data for the engine's limiter and checks.
 * `perRecipient` models the pair rate limit (error 131056): one message per 6 s to one user with a
 * burst of 45 borrowed against later quota — exactly a token bucket of 45 refilling every 6 s.
 */
export const WHATSAPP_LIMITS: ChannelLimits = {
  textMaxLength: WHATSAPP_FIELD_LIMITS.textBody,
  textLengthUnit: 'chars',
  buttonsMax: WHATSAPP_FIELD_LIMITS.replyButtons,
  quickRepliesMax: WHATSAPP_FIELD_LIMITS.replyButtons,
  windowHours: 24,
  sendPerSecond: 80,
  perRecipient: { intervalMs: 6000, burst: 45 },
  supportedContent: [
    'text',
    'image',
    'video',
    'audio',
    'file',
    'sticker',
    'quick_replies',
    'buttons',
    'list',
    'template',
    'reaction',
    'location',
    'contacts',
    'flow',
    'call_permission_request',
    'raw',
    'sender_action',
  ],
};

/** Length in characters (code points), the unit Meta counts. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function invalid(message: string, path?: string): SwitchboardError {
  return new SwitchboardError('INVALID_REQUEST', message, path === undefined ? {} : { path });
}

export function notSupported(message: string): SwitchboardError {
  return new SwitchboardError('NOT_SUPPORTED', message);
}

/** Throws INVALID_REQUEST when `text` is longer than `max` characters. */
export function checkLength(text: string | undefined, max: number, path: string): void {
  if (text === undefined) return;
  const length = charLength(text);
  if (length > max) throw invalid(`${path} is ${length} characters, WhatsApp allows ${max}`, path);
}
