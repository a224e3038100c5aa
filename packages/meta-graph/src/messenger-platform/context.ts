import type { ChannelEvent, Referral, WebhookProblem } from '@switchboard/core';
import type { MessengerPlatformChannel } from './keys.js';
import type { MessagingItemBase, ReferralPayload } from './schemas.js';

/** Everything a mapper needs about the item it maps. */
export interface ItemContext {
  channel: MessengerPlatformChannel;
  /** `entry.id`: the Page id / Instagram account id the webhook is about. */
  accountId: string;
  /** `entry.time` in ms, the fallback when an item has no timestamp of its own. */
  entryTime: number;
  /** JSON path of the item, e.g. `entry[0].messaging[2]`. */
  path: string;
  standby: boolean;
  raw: unknown;
  base: MessagingItemBase;
}

export interface ItemResult {
  events: ChannelEvent[];
  problems: WebhookProblem[];
}

/** The customer's id: whichever side of the item is not the business account. */
export function userIdOf(ctx: ItemContext, echo = false): string | undefined {
  const sender = ctx.base.sender?.id ?? ctx.base.sender?.user_ref;
  const recipient = ctx.base.recipient?.id ?? ctx.base.recipient?.user_ref;
  if (echo) return recipient ?? undefined;
  if (sender !== undefined && sender === ctx.accountId && recipient !== undefined) return recipient;
  return sender ?? undefined;
}

export function conversational(ctx: ItemContext, userId: string, timestamp: number) {
  return {
    channel: ctx.channel,
    accountId: ctx.accountId,
    userId,
    conversationId: `${ctx.channel}:${ctx.accountId}:${userId}`,
    timestamp,
    source: 'webhook' as const,
    raw: ctx.raw,
  };
}

export function mapReferral(r: ReferralPayload): Referral {
  const referral: Referral = {};
  if (r.source !== undefined) referral.source = r.source;
  if (r.type !== undefined) referral.type = r.type;
  if (r.ref !== undefined) referral.ref = r.ref;
  if (r.ad_id !== undefined) referral.adId = r.ad_id;
  if (r.referer_uri !== undefined) referral.url = r.referer_uri;
  if (r.ads_context_data?.ad_title !== undefined) referral.headline = r.ads_context_data.ad_title;
  referral.raw = r;
  return referral;
}

export function problem(ctx: ItemContext, message: string, subPath = ''): WebhookProblem {
  return { path: `${ctx.path}${subPath}`, message, raw: ctx.raw };
}
