import { createHash } from 'node:crypto';
import { EMOJIS, TEXTS } from './content.js';
import type { Prng } from './prng.js';
import { mediaDownloadUrl, type SimState, type StoredAttachment, type StoredMessage } from './state.js';
import type { InboundKind, SimCustomer } from './types.js';
import { indexOf } from './world-index.js';

export interface InboundContext {
  state: SimState;
  rng: Prng;
  baseUrl: string;
  now: number;
}

export interface InboundBuild {
  item: Record<string, unknown>;
  messageId?: string;
  /** A new message for the Conversations API. */
  stored?: StoredMessage;
  /** Opens / refreshes the 24 h window. */
  opensWindow: boolean;
}

interface Req {
  kind: InboundKind;
  text?: string;
  target?: string;
  emoji?: string;
  payload?: string;
}

const MEDIA: Record<string, { ext: string; mime: string }> = {
  image: { ext: 'jpg', mime: 'image/jpeg' },
  video: { ext: 'mp4', mime: 'video/mp4' },
  audio: { ext: 'mp4', mime: 'audio/mp4' },
  file: { ext: 'pdf', mime: 'application/pdf' },
  sticker: { ext: 'webp', mime: 'image/webp' },
};

function cdnUrl(rng: Prng, ext: string): string {
  return `https://scontent.xx.fbcdn.net/v/t1.15752-9/${rng.digits(9)}_${rng.digits(15)}_n.${ext}?_nc_cat=1&ccb=1-7&oh=${rng.alnum(12)}`;
}

/** Messenger / Instagram `messaging[]` item for a customer action. */
export function buildMessagingInbound(ctx: InboundContext, c: SimCustomer, req: Req): InboundBuild {
  const { rng, now, state } = ctx;
  const ig = c.channel === 'instagram';
  const base = { sender: { id: c.userId }, recipient: { id: c.accountId }, timestamp: now };
  const text = req.text ?? rng.pick(TEXTS);
  const target = req.target ?? '';
  const mid = state.newMessageId(c.channel, c.accountId);
  const message = (fields: Record<string, unknown>, stored: Partial<StoredMessage>): InboundBuild => ({
    item: { ...base, message: { mid, ...fields } },
    messageId: mid,
    stored: { id: mid, createdAt: now, fromBusiness: false, ...stored },
    opensWindow: true,
  });
  const attach = (type: string, url: string, extra: Record<string, unknown> = {}) => {
    const stored: StoredAttachment = { type, url, ...(MEDIA[type] ? { mimeType: MEDIA[type].mime } : {}) };
    return message({ attachments: [{ type, payload: { url, ...extra } }] }, { attachments: [stored] });
  };
  switch (req.kind) {
    case 'text':
      return message(req.target ? { text, reply_to: { mid: target } } : { text }, {
        text,
        ...(req.target ? { replyTo: target } : {}),
      });
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      return attach(req.kind, cdnUrl(rng, MEDIA[req.kind]?.ext ?? 'bin'));
    case 'sticker': {
      const url = cdnUrl(rng, 'png');
      if (ig) return attach('image', url);
      const sticker_id = 369239263222822;
      return message(
        {
          sticker_id,
          attachments: [
            { type: 'image', payload: { url, sticker_id } },
            { type: 'sticker', payload: { url, sticker_id } },
          ],
        },
        { attachments: [{ type: 'sticker', url }] },
      );
    }
    case 'quick_reply':
      return message({ text, quick_reply: { payload: req.payload ?? 'QR_YES' } }, { text });
    case 'share':
      return ig
        ? attach('ig_post', cdnUrl(rng, 'jpg'), { title: text, ig_post_media_id: rng.digits(17) })
        : attach('fallback', `https://example.com/products/${rng.digits(4)}`, { title: 'Shared link' });
    case 'story_mention':
      return attach('story_mention', cdnUrl(rng, 'mp4'));
    case 'story_reply':
      return message(
        { text, reply_to: { story: { url: cdnUrl(rng, 'jpg'), id: rng.digits(17) } } },
        { text },
      );
    case 'reaction': {
      const emoji = req.emoji ?? (ig ? '❤️' : rng.pick(EMOJIS));
      const reaction = ig ? 'love' : emoji === '❤️' ? 'love' : emoji === '👍' ? 'like' : 'other';
      return {
        item: { ...base, reaction: { mid: target, action: 'react', reaction, emoji } },
        opensWindow: false,
      };
    }
    case 'unreact':
      return { item: { ...base, reaction: { mid: target, action: 'unreact' } }, opensWindow: false };
    case 'postback':
      return {
        item: { ...base, postback: { mid, title: 'Get Started', payload: req.payload ?? 'GET_STARTED' } },
        messageId: mid,
        opensWindow: true,
      };
    case 'referral':
      return {
        item: {
          ...base,
          referral: { ref: req.payload ?? 'spring-campaign', source: 'SHORTLINK', type: 'OPEN_THREAD' },
        },
        opensWindow: true,
      };
    case 'read':
      return { item: { ...base, read: ig ? { mid: target } : { watermark: now } }, opensWindow: false };
    case 'edit':
      return { item: { ...base, message_edit: { mid: target, text, num_edit: 1 } }, opensWindow: false };
    case 'delete':
      return { item: { ...base, message: { mid: target, is_deleted: true } }, opensWindow: false };
    default:
      throw new Error(`kind ${req.kind} is not available on ${c.channel}`);
  }
}

/** Registers generated media so `GET /{media-id}` and the download URL work. */
function waMedia(
  ctx: InboundContext,
  phoneNumberId: string,
  mimeType: string,
): { id: string; mime_type: string; sha256: string; url: string } {
  const id = ctx.state.newMediaId();
  const bytes = new TextEncoder().encode(`simulated media ${id} (${mimeType})`);
  const sha256 = createHash('sha256').update(bytes).digest('base64');
  ctx.state.media.set(id, { id, phoneNumberId, mimeType, sha256, bytes });
  return { id, mime_type: mimeType, sha256, url: mediaDownloadUrl(ctx.baseUrl, id, ctx.now) };
}

/** WhatsApp `value.messages[]` item for a customer action. */
export function buildWhatsAppInbound(ctx: InboundContext, c: SimCustomer, req: Req): InboundBuild {
  const { rng, now, state } = ctx;
  const id = state.newMessageId('whatsapp', c.accountId);
  const text = req.text ?? rng.pick(TEXTS);
  const phone = indexOf(state.world).phones.get(c.accountId);
  const context = req.target ? { context: { from: phone?.displayPhoneNumber ?? '', id: req.target } } : {};
  const base = {
    from: c.userId,
    ...(c.bsuid ? { from_user_id: c.bsuid } : {}),
    id,
    timestamp: String(Math.floor(now / 1000)),
  };
  const msg = (
    type: string,
    body: Record<string, unknown>,
    stored: Partial<StoredMessage> = {},
    opensWindow = true,
  ): InboundBuild => ({
    item: { ...base, ...context, type, ...body },
    messageId: id,
    stored: { id, createdAt: now, fromBusiness: false, ...stored },
    opensWindow,
  });
  switch (req.kind) {
    case 'text':
      return msg('text', { text: { body: text } }, { text });
    case 'image':
    case 'video':
      return msg(req.kind, {
        [req.kind]: {
          ...waMedia(ctx, c.accountId, MEDIA[req.kind]?.mime ?? ''),
          ...(req.text ? { caption: req.text } : {}),
        },
      });
    case 'audio':
      return msg('audio', { audio: { ...waMedia(ctx, c.accountId, 'audio/ogg; codecs=opus'), voice: true } });
    case 'file':
      return msg('document', {
        document: { ...waMedia(ctx, c.accountId, 'application/pdf'), filename: 'facture-4512.pdf' },
      });
    case 'sticker':
      return msg('sticker', { sticker: { ...waMedia(ctx, c.accountId, 'image/webp'), animated: false } });
    case 'location':
      return msg('location', {
        location: {
          latitude: 48.8584,
          longitude: 2.2945,
          name: 'Tour Eiffel',
          address: 'Champ de Mars, 5 Av. Anatole France, Paris',
        },
      });
    case 'contacts':
      return msg('contacts', {
        contacts: [
          {
            name: { formatted_name: 'Zoë Müller', first_name: 'Zoë', last_name: 'Müller' },
            phones: [{ phone: '+49 30 1234567', wa_id: '49301234567', type: 'CELL' }],
          },
        ],
      });
    case 'button_reply':
      return msg('interactive', {
        interactive: {
          type: 'button_reply',
          button_reply: { id: req.payload ?? 'btn_yes', title: 'Yes ✅' },
        },
      });
    case 'list_reply':
      return msg('interactive', {
        interactive: {
          type: 'list_reply',
          list_reply: { id: req.payload ?? 'row_2', title: 'Express', description: '24 h' },
        },
      });
    case 'button':
      return msg('button', { button: { payload: req.payload ?? 'STOP', text: 'Stop promotions' } });
    case 'order':
      return msg('order', {
        order: {
          catalog_id: rng.digits(15),
          text: 'Pour samedi',
          product_items: [{ product_retailer_id: 'SKU-42', quantity: 2, item_price: 12.5, currency: 'EUR' }],
        },
      });
    case 'unsupported':
      return msg('unsupported', {
        unsupported: { type: 'poll' },
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
      });
    case 'reaction':
    case 'unreact': {
      const emoji = req.kind === 'unreact' ? '' : (req.emoji ?? rng.pick(EMOJIS));
      return {
        item: { ...base, type: 'reaction', reaction: { message_id: req.target ?? '', emoji } },
        messageId: id,
        opensWindow: true,
      };
    }
    default:
      throw new Error(`kind ${req.kind} is not available on whatsapp`);
  }
}
