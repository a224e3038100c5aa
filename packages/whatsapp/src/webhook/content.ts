import type { ContactCard, ContentPart } from '@switchboard/core';
import type { z } from 'zod';
import { compact, describeErrors, secondsToMs } from './common.js';
import {
  CallPermissionReply,
  Interactive,
  Location,
  Media,
  type MessageBase,
  Order,
  TemplateButton,
  WaContactCard,
} from './schemas.js';

/** What a message item carries, in the model's terms. */
export interface Content {
  parts: ContentPart[];
  text?: string;
}

type ContentResult = { ok: true; content: Content } | { ok: false; error: z.ZodError; at: string };

const MEDIA_PART: Record<string, 'image' | 'video' | 'audio' | 'file' | 'sticker'> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'file',
  sticker: 'sticker',
};

function unsupported(msg: MessageBase, data: unknown, reason: string): Content {
  const errors = describeErrors(msg.errors);
  const type = msg.type;
  return {
    parts: [
      {
        type: 'unsupported',
        reason: errors ? `${reason} (${errors})` : reason,
        raw: compact({ type, [type]: data, errors: msg.errors }),
      },
    ],
  };
}

function contactCard(card: z.infer<typeof WaContactCard>): ContactCard {
  return compact({
    name: compact({
      formattedName: card.name.formatted_name,
      firstName: card.name.first_name,
      lastName: card.name.last_name,
    }),
    phones: card.phones?.map((p) => compact({ phone: p.phone, type: p.type, waId: p.wa_id })),
    emails: card.emails?.map((e) => compact({ email: e.email, type: e.type })),
    urls: card.urls?.map((u) => compact({ url: u.url, type: u.type })),
    org: card.org
      ? compact({ company: card.org.company, department: card.org.department, title: card.org.title })
      : undefined,
    addresses: card.addresses?.map((a) =>
      Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string')),
    ),
    birthday: card.birthday,
  });
}

/** `item_price` as a decimal string: money never goes through arithmetic on floats. */
function decimal(value: number | string): string {
  return typeof value === 'string' ? value : String(value);
}

function parseJsonString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function interactive(msg: MessageBase, raw: unknown, data: z.infer<typeof Interactive>): Content {
  if (data.type === 'button_reply' && data.button_reply) {
    const { id, title } = data.button_reply;
    return { parts: [compact({ type: 'button_reply' as const, id, title })], text: title };
  }
  if (data.type === 'list_reply' && data.list_reply) {
    const { id, title, description } = data.list_reply;
    return { parts: [compact({ type: 'list_reply' as const, id, title, description })], text: title };
  }
  if (data.type === 'nfm_reply' && data.nfm_reply) {
    // Flow / address answers: response_json is a JSON *string*; the parsed object is the payload.
    const { name, body, response_json } = data.nfm_reply;
    const response = parseJsonString(response_json);
    if (name === 'flow' && response !== null && typeof response === 'object' && !Array.isArray(response)) {
      const { flow_token: flowToken, ...rest } = response as Record<string, unknown>;
      return {
        parts: [
          compact({
            type: 'flow_reply' as const,
            response: rest,
            flowToken: typeof flowToken === 'string' ? flowToken : undefined,
            body,
          }),
        ],
        text: body,
      };
    }
    return {
      parts: [
        compact({
          type: 'share' as const,
          shareType: 'nfm_reply',
          title: name,
          payload: parseJsonString(response_json),
        }),
      ],
      text: body,
    };
  }
  const inner = (data as Record<string, unknown>)[data.type];
  if (data.type === 'call_permission_reply') {
    const reply = CallPermissionReply.safeParse(inner);
    if (reply.success) {
      const r = reply.data;
      const part = compact({
        type: 'call_permission_reply' as const,
        response: r.response,
        permanent: r.is_permanent,
        expiresAt: r.expiration_timestamp === undefined ? undefined : secondsToMs(r.expiration_timestamp),
        source: r.response_source,
      });
      return { parts: [part] };
    }
    if (inner !== null && typeof inner === 'object')
      return { parts: [{ type: 'share', shareType: data.type, payload: inner }] };
  }
  return unsupported(msg, raw, `interactive ${data.type}`);
}

/**
 * Maps the type-specific part of an inbound message. Types the model has no part for become an
 * `unsupported` part that keeps Meta's object; a known type whose object is malformed is an error.
 */
export function contentOf(msg: MessageBase, data: unknown): ContentResult {
  const type = msg.type;
  if (type === 'unsupported' || type === 'unknown') {
    const inner = (data as { type?: unknown } | undefined)?.type;
    const reason = typeof inner === 'string' ? `unsupported ${inner}` : 'unsupported message';
    return ok(unsupported(msg, data, reason));
  }
  // A known type whose object is missing altogether (seen with value.errors 131000) or null: keep it as unsupported.
  if ((data === undefined || data === null) && type !== 'request_welcome')
    return ok(unsupported(msg, data, `${type} without its object`));

  switch (type) {
    case 'text': {
      const body = (data as { body?: unknown }).body;
      if (typeof body !== 'string') return ok(unsupported(msg, data, 'text without body'));
      return ok({ parts: [{ type: 'text', text: body }], text: body });
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const r = Media.safeParse(data);
      if (!r.success) return fail(type, r.error);
      const m = r.data;
      const part = compact({
        type: MEDIA_PART[type]!,
        mediaId: m.id,
        url: m.url,
        mimeType: m.mime_type,
        sha256: m.sha256,
        caption: m.caption,
        filename: m.filename,
        voice: type === 'audio' ? m.voice : undefined,
        animated: type === 'sticker' ? m.animated : undefined,
      }) as ContentPart;
      return ok(compact({ parts: [part], text: m.caption }));
    }
    case 'location': {
      const r = Location.safeParse(data);
      if (!r.success) return fail(type, r.error);
      const { latitude, longitude, name, address, url } = r.data;
      return ok({ parts: [compact({ type: 'location' as const, latitude, longitude, name, address, url })] });
    }
    case 'contacts': {
      const r = ContactCards.safeParse(data);
      if (!r.success) return fail(type, r.error);
      return ok({ parts: [{ type: 'contacts', contacts: r.data.map(contactCard) }] });
    }
    case 'interactive': {
      const r = Interactive.safeParse(data);
      if (!r.success) return fail(type, r.error);
      return ok(interactive(msg, data, r.data));
    }
    case 'button': {
      // Quick-reply button of a template: payload is what the template defined, text what the user saw.
      const r = TemplateButton.safeParse(data);
      if (!r.success) return fail(type, r.error);
      const { payload, text } = r.data;
      return ok(compact({ parts: [compact({ type: 'quick_reply' as const, payload, title: text })], text }));
    }
    case 'order': {
      const r = Order.safeParse(data);
      if (!r.success) return fail(type, r.error);
      const o = r.data;
      return ok(
        compact({
          parts: [
            compact({
              type: 'order' as const,
              catalogId: o.catalog_id,
              text: o.text,
              items: o.product_items.map((i) => ({
                productRetailerId: i.product_retailer_id,
                quantity: Number(i.quantity),
                itemPrice: decimal(i.item_price),
                currency: i.currency,
              })),
            }),
          ],
          text: o.text,
        }),
      );
    }
    default:
      return ok(unsupported(msg, data, `unknown message type ${type}`));
  }
}

const ContactCards = WaContactCard.array();
const ok = (content: Content): ContentResult => ({ ok: true, content });
const fail = (type: string, error: z.ZodError): ContentResult => ({ ok: false, error, at: `.${type}` });
