import type { ChannelEvent, MessageEvent, Profile, Referral } from '@switchboard/core';
import type { z } from 'zod';
import {
  CHANNEL,
  compact,
  conversationIdOf,
  findContact,
  groupConversationIdOf,
  type ItemContext,
  type ItemResult,
  problemOf,
  secondsToMs,
  userIdOf,
} from './common.js';
import { contentOf } from './content.js';
import {
  type Contact,
  Edit,
  type MessageBase,
  parseMessageBase,
  Reaction,
  Revoke,
  System,
  type WaReferral,
} from './schemas.js';

function referralOf(r: z.infer<typeof WaReferral>): Referral {
  return compact({
    source: r.source_type ? `ctwa_${r.source_type}` : 'ctwa',
    type: r.media_type,
    adId: r.source_type === 'ad' ? r.source_id : undefined,
    ref: r.source_type === 'ad' ? undefined : r.source_id,
    url: r.source_url,
    headline: r.headline,
    body: r.body,
    ctwaClid: r.ctwa_clid,
    raw: r,
  });
}

/** Identity notices (user changed number / BSUID): not something the user said, so an account event of the number. */
function mapSystem(
  msg: MessageBase,
  item: unknown,
  ctx: ItemContext,
  path: string,
  userId: string | undefined,
): ItemResult<ChannelEvent> {
  const r = System.safeParse((item as Record<string, unknown>).system);
  if (!r.success) return { events: [], problems: [problemOf(`${path}.system`, r.error, item)] };
  const s = r.data;
  const event = compact({
    kind: 'account' as const,
    channel: CHANNEL,
    key: `whatsapp:msg:${msg.id}`,
    accountId: ctx.phoneNumberId,
    timestamp: secondsToMs(msg.timestamp),
    source: 'webhook' as const,
    raw: item,
    field: 'messages.system',
    event: s.type,
    data: compact({
      userId,
      body: s.body,
      newWaId: s.new_wa_id ?? s.wa_id,
      newUserId: s.user_id,
      parentUserId: s.parent_user_id,
    }),
  });
  return { events: [event], problems: [] };
}

interface Common {
  channel: typeof CHANNEL;
  key: string;
  accountId: string;
  userId: string;
  conversationId: string;
  groupId?: string;
  timestamp: number;
  source: 'webhook';
  raw: unknown;
}

const one = (event: ChannelEvent): ItemResult<ChannelEvent> => ({ events: [event], problems: [] });
const bad = (path: string, error: z.ZodError | string, item: unknown): ItemResult<ChannelEvent> => ({
  events: [],
  problems: [problemOf(path, error, item)],
});

/** Reactions, edits, unsends and request_welcome: the message types that are not content. */
function mapNonContent(msg: MessageBase, data: unknown, common: Common, path: string, echo: boolean) {
  const at = `${path}.${msg.type}`;
  switch (msg.type) {
    case 'reaction': {
      const r = Reaction.safeParse(data);
      if (!r.success) return bad(at, r.error, common.raw);
      // An empty (or absent) emoji removes the reaction.
      const emoji = r.data.emoji && r.data.emoji.length > 0 ? r.data.emoji : undefined;
      return one(
        compact({
          kind: 'reaction' as const,
          ...common,
          messageId: r.data.message_id,
          action: emoji ? ('react' as const) : ('unreact' as const),
          emoji,
          direction: echo ? ('outbound' as const) : ('inbound' as const),
        }),
      );
    }
    case 'edit': {
      const r = Edit.safeParse(data);
      if (!r.success) return bad(at, r.error, common.raw);
      return one(
        compact({
          kind: 'edit' as const,
          ...common,
          messageId: r.data.original_message_id,
          text: r.data.message?.text?.body,
        }),
      );
    }
    case 'revoke': {
      const r = Revoke.safeParse(data);
      if (!r.success) return bad(at, r.error, common.raw);
      return one({ kind: 'delete', ...common, messageId: r.data.original_message_id });
    }
    case 'request_welcome':
      // The user opened the chat for the first time: the "Get Started" of WhatsApp.
      return one({ kind: 'postback', ...common, payload: 'request_welcome', messageId: msg.id });
  }
  return undefined;
}

/**
 * Maps one item of `value.messages[]` (or, with `echo`, of `value.message_echoes[]`: messages the
 * business sent from the WhatsApp Business app of a coexistence number). `path` locates it for problems.
 */
export function mapMessage(
  item: unknown,
  ctx: ItemContext,
  path: string,
  echo: boolean,
): ItemResult<ChannelEvent> {
  const base = parseMessageBase(item);
  if (!base.success) return bad(path, base.error, item);
  const msg = base.data;
  const phone = echo ? msg.to : msg.from;
  const bsuid = echo ? msg.to_user_id : msg.from_user_id;
  const contact = findContact(ctx.contacts, phone, bsuid);
  const userId = userIdOf(phone ?? contact?.wa_id, bsuid ?? contact?.user_id);
  if (msg.type === 'system') return mapSystem(msg, item, ctx, path, userId);
  if (!userId)
    return bad(path, echo ? 'echo without to or to_user_id' : 'message without from or from_user_id', item);
  const accountId = ctx.phoneNumberId;
  const groupId = msg.group_id;
  const common: Common = {
    channel: CHANNEL,
    key: `whatsapp:msg:${msg.id}`,
    accountId,
    userId,
    conversationId: groupId ? groupConversationIdOf(accountId, groupId) : conversationIdOf(accountId, userId),
    timestamp: secondsToMs(msg.timestamp),
    source: 'webhook',
    raw: item,
  };
  if (groupId) common.groupId = groupId;
  // The type's own object is read from the item: MessageBase validates only the fields every type has.
  const data = (item as Record<string, unknown>)[msg.type];
  const other = mapNonContent(msg, data, common, path, echo);
  if (other) return other;

  const content = contentOf(msg, data);
  if (!content.ok) return bad(`${path}${content.at}`, content.error, item);
  const parts = content.content.parts;
  const ctxInfo = msg.context;
  if (ctxInfo?.referred_product) {
    parts.push({
      type: 'share',
      shareType: 'referred_product',
      payload: compact({
        catalogId: ctxInfo.referred_product.catalog_id,
        productRetailerId: ctxInfo.referred_product.product_retailer_id,
      }),
    });
  }
  // Built field by field (no spread, no compact): this is the hot path of every inbound message.
  const event: MessageEvent = {
    kind: 'message',
    channel: CHANNEL,
    key: common.key,
    accountId,
    userId,
    conversationId: common.conversationId,
    timestamp: common.timestamp,
    source: 'webhook',
    raw: item,
    messageId: msg.id,
    direction: echo ? 'outbound' : 'inbound',
    parts,
  };
  if (echo) event.echo = true;
  if (groupId) event.groupId = groupId;
  if (content.content.text !== undefined) event.text = content.content.text;
  if (ctxInfo?.id) event.replyTo = { messageId: ctxInfo.id };
  if (ctxInfo?.forwarded || ctxInfo?.frequently_forwarded) event.forwarded = true;
  if (ctxInfo?.frequently_forwarded) event.frequentlyForwarded = true;
  if (msg.referral) event.referral = referralOf(msg.referral);
  if (!echo) {
    const profile = profileOf(contact, phone);
    if (profile) event.profile = profile;
  }
  return one(event);
}

function profileOf(contact: Contact | undefined, phone: string | undefined): Profile | undefined {
  const name = contact?.profile?.name;
  const username = contact?.profile?.username;
  const number = phone ?? contact?.wa_id;
  if (name === undefined && username === undefined && number === undefined) return undefined;
  const profile: Profile = {};
  if (name !== undefined) profile.name = name;
  if (username !== undefined) profile.username = username;
  if (number !== undefined) profile.phone = number;
  return profile;
}
