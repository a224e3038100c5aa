import type { ChannelEvent, MessageEvent, Profile, Referral } from '@switchboard/core';
import type { z } from 'zod';
import {
  CHANNEL,
  compact,
  conversationIdOf,
  findContact,
  type ItemContext,
  type ItemResult,
  problemOf,
  secondsToMs,
  userIdOf,
} from './common.js';
import { contentOf } from './content.js';
import { Edit, MessageBase, Reaction, Revoke, System, type WaReferral } from './schemas.js';

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
  userId: string | undefined,
): ItemResult<ChannelEvent> {
  const r = System.safeParse((msg as Record<string, unknown>).system);
  if (!r.success) return { events: [], problems: [problemOf(`${ctx.path}.system`, r.error, item)] };
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

/**
 * Maps one item of `value.messages[]` (or, with `echo`, of `value.message_echoes[]`: messages the
 * business sent from the WhatsApp Business app of a coexistence number).
 */
export function mapMessage(item: unknown, ctx: ItemContext, echo = false): ItemResult<ChannelEvent> {
  const base = MessageBase.safeParse(item);
  if (!base.success) return { events: [], problems: [problemOf(ctx.path, base.error, item)] };
  const msg = base.data;
  const phone = echo ? msg.to : msg.from;
  const bsuid = echo ? msg.to_user_id : msg.from_user_id;
  const contact = findContact(ctx.contacts, phone, bsuid);
  const userId = userIdOf(phone ?? contact?.wa_id, bsuid ?? contact?.user_id);
  if (msg.type === 'system') return mapSystem(msg, item, ctx, userId);
  if (!userId) {
    const message = echo ? 'echo without to or to_user_id' : 'message without from or from_user_id';
    return { events: [], problems: [problemOf(ctx.path, message, item)] };
  }
  const accountId = ctx.phoneNumberId;
  const common = {
    channel: CHANNEL,
    key: `whatsapp:msg:${msg.id}`,
    accountId,
    userId,
    conversationId: conversationIdOf(accountId, userId),
    timestamp: secondsToMs(msg.timestamp),
    source: 'webhook' as const,
    raw: item,
  };
  const record = msg as Record<string, unknown>;
  const sub = <S extends z.ZodType>(schema: S) => schema.safeParse(record[msg.type]);
  const bad = (error: z.ZodError): ItemResult<ChannelEvent> => ({
    events: [],
    problems: [problemOf(`${ctx.path}.${msg.type}`, error, item)],
  });

  switch (msg.type) {
    case 'reaction': {
      const r = sub(Reaction);
      if (!r.success) return bad(r.error);
      // An empty (or absent) emoji removes the reaction.
      const emoji = r.data.emoji && r.data.emoji.length > 0 ? r.data.emoji : undefined;
      const event = compact({
        kind: 'reaction' as const,
        ...common,
        messageId: r.data.message_id,
        action: emoji ? ('react' as const) : ('unreact' as const),
        emoji,
        direction: echo ? ('outbound' as const) : ('inbound' as const),
      });
      return { events: [event], problems: [] };
    }
    case 'edit': {
      const r = sub(Edit);
      if (!r.success) return bad(r.error);
      const event = compact({
        kind: 'edit' as const,
        ...common,
        messageId: r.data.original_message_id,
        text: r.data.message?.text?.body,
      });
      return { events: [event], problems: [] };
    }
    case 'revoke': {
      const r = sub(Revoke);
      if (!r.success) return bad(r.error);
      return { events: [{ kind: 'delete', ...common, messageId: r.data.original_message_id }], problems: [] };
    }
    case 'request_welcome': {
      // The user opened the chat for the first time: the "Get Started" of WhatsApp.
      return {
        events: [{ kind: 'postback', ...common, payload: 'request_welcome', messageId: msg.id }],
        problems: [],
      };
    }
  }

  const content = contentOf(msg);
  if (!content.ok)
    return { events: [], problems: [problemOf(`${ctx.path}${content.at}`, content.error, item)] };
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
  const profile: Profile | undefined = echo
    ? undefined
    : compact({
        name: contact?.profile?.name,
        username: contact?.profile?.username,
        phone: phone ?? contact?.wa_id,
      });
  const event: MessageEvent = compact({
    kind: 'message' as const,
    ...common,
    messageId: msg.id,
    direction: echo ? ('outbound' as const) : ('inbound' as const),
    echo: echo ? true : undefined,
    text: content.content.text,
    parts,
    replyTo: ctxInfo?.id ? { messageId: ctxInfo.id } : undefined,
    forwarded: ctxInfo?.forwarded || ctxInfo?.frequently_forwarded ? true : undefined,
    frequentlyForwarded: ctxInfo?.frequently_forwarded ? true : undefined,
    referral: msg.referral ? referralOf(msg.referral) : undefined,
    profile: profile && Object.keys(profile).length > 0 ? profile : undefined,
  });
  return { events: [event], problems: [] };
}
