import { z } from 'zod';

const media = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    /** Platform media URL (often short-lived CDN links) when given. */
    url: z.string().optional(),
    /** Platform media id (WhatsApp media id, Messenger attachment id). */
    mediaId: z.string().optional(),
    mimeType: z.string().optional(),
    sha256: z.string().optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
  });

export const ContactCard = z.object({
  name: z.object({
    formattedName: z.string(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
  }),
  phones: z
    .array(z.object({ phone: z.string(), type: z.string().optional(), waId: z.string().optional() }))
    .optional(),
  emails: z.array(z.object({ email: z.string(), type: z.string().optional() })).optional(),
  urls: z.array(z.object({ url: z.string(), type: z.string().optional() })).optional(),
  org: z
    .object({
      company: z.string().optional(),
      department: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
  addresses: z.array(z.record(z.string(), z.string())).optional(),
  birthday: z.string().optional(),
});
export type ContactCard = z.infer<typeof ContactCard>;

/** One piece of message content, normalized across channels. */
export const ContentPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  media('image'),
  media('video'),
  media('audio').extend({ voice: z.boolean().optional() }),
  media('file'),
  media('sticker').extend({ stickerId: z.string().optional(), animated: z.boolean().optional() }),
  z.object({
    type: z.literal('location'),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  z.object({ type: z.literal('contacts'), contacts: z.array(ContactCard) }),
  /** A shared post, reel, link or template (Instagram `share`/`ig_post`/`reel`, Messenger `fallback`/`template`). */
  z.object({
    type: z.literal('share'),
    shareType: z.string(),
    url: z.string().optional(),
    title: z.string().optional(),
    mediaId: z.string().optional(),
    payload: z.unknown().optional(),
  }),
  z.object({ type: z.literal('story_mention'), url: z.string().optional(), storyId: z.string().optional() }),
  z.object({ type: z.literal('story_reply'), url: z.string().optional(), storyId: z.string().optional() }),
  z.object({ type: z.literal('quick_reply'), payload: z.string(), title: z.string().optional() }),
  z.object({ type: z.literal('button_reply'), id: z.string(), title: z.string().optional() }),
  z.object({
    type: z.literal('list_reply'),
    id: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
  z.object({
    type: z.literal('order'),
    catalogId: z.string().optional(),
    text: z.string().optional(),
    items: z.array(
      z.object({
        productRetailerId: z.string(),
        quantity: z.number(),
        /** Decimal string: money never goes through a float. */
        itemPrice: z.string(),
        currency: z.string(),
      }),
    ),
  }),
  /**
   * A completed WhatsApp Flow: `response` is what the Flow returned (its `response_json`, parsed);
   * `flowToken` links it to the send (the outbox id unless you set one); `replyTo` of the event is the
   * Flow message's id.
   */
  z.object({
    type: z.literal('flow_reply'),
    flowToken: z.string().optional(),
    response: z.record(z.string(), z.unknown()),
    /** The text the customer saw on the completion bubble ("Sent"). */
    body: z.string().optional(),
  }),
  /** The customer's answer to a `call_permission_request`: while granted, the business may call them. */
  z.object({
    type: z.literal('call_permission_reply'),
    response: z.enum(['accept', 'reject']),
    /** Granted without expiry. */
    permanent: z.boolean().optional(),
    /** Epoch ms when a temporary permission ends. */
    expiresAt: z.number().optional(),
    /** How the answer was given (e.g. `user_action`, `automatic`). */
    source: z.string().optional(),
  }),
  /** Content the channel sent that we cannot represent (`raw` keeps the platform's own item). */
  z.object({ type: z.literal('unsupported'), reason: z.string(), raw: z.unknown().optional() }),
]);
export type ContentPart = z.infer<typeof ContentPart>;
export type ContentPartType = ContentPart['type'];
