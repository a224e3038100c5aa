import type { SimContext } from './context.js';
import { subscriptionId } from './envelope.js';
import type { FaultRegistry, FaultSpec } from './faults.js';
import type { PhoneHealth } from './state.js';
import type { SimChannel } from './types.js';
import { indexOf } from './world-index.js';

type Scope = { channel?: SimChannel; accountId?: string; durationMs?: number };

/** The fault controls of a running simulator (`sim.faults`). Window faults return an id for `clear(id)`. */
export interface SimFaults {
  /** Meta stops delivering: `drop` loses the events (2024-07-11), `hold` delivers them when the window ends. */
  webhookOutage(options: Scope & { mode: 'drop' | 'hold' }): string;
  /** Delivered batches are POSTed again with probability `rate`. */
  duplicates(options: Scope & { rate: number }): string;
  /** Each event is delayed by a random time in [0, windowMs], so deliveries arrive out of order. */
  reorder(options: Scope & { windowMs: number }): string;
  /** Every webhook is delayed by `ms` (clock time). */
  latency(options: Scope & { ms: number }): string;
  /** Send API calls fail with this Graph error (`rate` probability, `count` times, for `durationMs`). */
  sendFailures(
    options: Scope & {
      code: number;
      subcode?: number;
      message?: string;
      httpStatus?: number;
      rate?: number;
      count?: number;
    },
  ): string;
  /** Every Graph call for the scope fails with 613 (WhatsApp 130429) and usage headers at 100 %. */
  rateLimitStorm(options?: Scope & { code?: number; subcode?: number; httpStatus?: number }): string;
  /** The token expires now (190/463). */
  expireToken(token: string): void;
  /** The token is revoked (190 with `subcode`, default 467). */
  revokeToken(token: string, subcode?: number): void;
  /** Unsubscribes the app from a Page / IG account / WABA (a phone number maps to its WABA, a Page-linked IG account to its Page). */
  unsubscribeApp(accountId: string): void;
  /** Changes a phone number's quality and sending ability, and sends `phone_number_quality_update`. */
  whatsappQuality(options: {
    phoneNumberId: string;
    qualityRating?: PhoneHealth['qualityRating'];
    canSendMessage?: PhoneHealth['canSendMessage'];
    messagingLimit?: string;
  }): void;
  add(spec: FaultSpec): string;
  clear(id?: string): void;
  list(): ReturnType<FaultRegistry['list']>;
}

export function createFaultsApi(ctx: SimContext): SimFaults {
  const { faults, state, clock } = ctx;
  const token = (value: string) => {
    const t = indexOf(state.world).tokens.get(value);
    if (!t) throw new Error('unknown token');
    return t;
  };
  return {
    webhookOutage: (o) => faults.add({ type: 'webhook-outage', ...o }),
    duplicates: (o) => faults.add({ type: 'duplicates', ...o }),
    reorder: (o) => faults.add({ type: 'reorder', ...o }),
    latency: (o) => faults.add({ type: 'latency', ...o }),
    sendFailures: (o) => faults.add({ type: 'send-failures', ...o }),
    rateLimitStorm: (o = {}) => faults.add({ type: 'rate-limit-storm', ...o }),
    expireToken(value) {
      token(value).expiresAt = clock.now() - 1;
    },
    revokeToken(value, subcode = 467) {
      token(value).revokedSubcode = subcode;
    },
    unsubscribeApp(accountId) {
      const channel: SimChannel = indexOf(state.world).channelOf(accountId) ?? 'instagram';
      ctx.sender.unsubscribe(channel, subscriptionId(state.world, channel, accountId), 'unsubscribed');
    },
    whatsappQuality(o) {
      const health = state.phoneHealth.get(o.phoneNumberId);
      const phone = indexOf(state.world).phones.get(o.phoneNumberId);
      if (!health || !phone) throw new Error(`unknown phone number ${o.phoneNumberId}`);
      const before = health.qualityRating;
      if (o.qualityRating) health.qualityRating = o.qualityRating;
      if (o.canSendMessage) health.canSendMessage = o.canSendMessage;
      if (o.messagingLimit) health.messagingLimit = o.messagingLimit;
      const event =
        health.qualityRating === 'GREEN' ? (before === 'GREEN' ? 'UPGRADE' : 'UNFLAGGED') : 'FLAGGED';
      ctx.publish({
        channel: 'whatsapp',
        accountId: phone.id,
        userId: '',
        type: 'account',
        kind: 'phone_number_quality_update',
        item: {
          display_phone_number: phone.displayPhoneNumber,
          event,
          current_limit: health.messagingLimit,
          max_daily_conversations_per_business: 2000,
        },
      });
    },
    add: (spec) => faults.add(spec),
    clear: (id) => faults.clear(id),
    list: () => faults.list(),
  };
}
