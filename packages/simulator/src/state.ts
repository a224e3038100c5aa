import { createPrng, type Prng } from './prng.js';
import type { BusinessSend, SimChannel, SimWorld } from './types.js';

export interface StoredAttachment {
  type: string;
  url: string;
  mimeType?: string;
}

/** A message as the Conversations API shows it. */
export interface StoredMessage {
  id: string;
  createdAt: number;
  fromBusiness: boolean;
  text?: string;
  attachments?: StoredAttachment[];
  replyTo?: string;
  deleted?: boolean;
}

export interface Conversation {
  id: string;
  channel: SimChannel;
  accountId: string;
  userId: string;
  /** Oldest first. */
  messages: StoredMessage[];
  updatedAt: number;
}

/** How long a media download URL works, as on Meta ("valid for 5 minutes"); afterwards it answers 404. */
const MEDIA_URL_TTL_MS = 5 * 60_000;

/** A download URL for stored media, expiring MEDIA_URL_TTL_MS after `now` (`ext`: epoch seconds, as Meta's CDN URLs carry). */
export function mediaDownloadUrl(baseUrl: string, mediaId: string, now: number): string {
  return `${baseUrl}/_media/${mediaId}?ext=${Math.floor((now + MEDIA_URL_TTL_MS) / 1000)}`;
}

/** Whether a download URL's `ext` is still in the future. */
export function mediaUrlValid(query: URLSearchParams, now: number): boolean {
  const ext = Number(query.get('ext'));
  return Number.isFinite(ext) && ext * 1000 > now;
}

export interface StoredMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  sha256: string;
  bytes: Uint8Array;
  deleted?: boolean;
}

export interface PhoneHealth {
  qualityRating: 'GREEN' | 'YELLOW' | 'RED';
  canSendMessage: 'AVAILABLE' | 'LIMITED' | 'BLOCKED';
  status: string;
  messagingLimit: string;
  throughput: 'STANDARD' | 'HIGH';
}

export const DEFAULT_FIELDS: Record<'page' | 'instagram' | 'waba', string[]> = {
  page: [
    'messages',
    'messaging_postbacks',
    'message_echoes',
    'message_deliveries',
    'message_reads',
    'message_reactions',
    'message_edits',
    'messaging_referrals',
    'messaging_optins',
    'messaging_handovers',
    'standby',
  ],
  instagram: [
    'messages',
    'messaging_postbacks',
    'messaging_seen',
    'message_reactions',
    'messaging_referrals',
    'message_edit',
    'messaging_handovers',
    'standby',
  ],
  waba: ['messages'],
};

/** A Page's starting field list: with a linked Instagram account, the Instagram fields too (one list per app). */
export function pageFields(linkedInstagram: boolean): string[] {
  return linkedInstagram
    ? [...new Set([...DEFAULT_FIELDS.page, ...DEFAULT_FIELDS.instagram])]
    : [...DEFAULT_FIELDS.page];
}

const HOUR = 3_600_000;

/** The simulated platform's mutable state: conversations, windows, subscriptions, sends, media. */
export class SimState {
  readonly conversations = new Map<string, Conversation>();
  readonly conversationsById = new Map<string, Conversation>();
  readonly messages = new Map<string, { conversation: Conversation; message: StoredMessage }>();
  /** Latest customer interaction per `${channel}:${accountId}:${userId}`. */
  readonly lastInbound = new Map<string, number>();
  /** Our app's subscribed fields per Page / IG Login account / WABA id (see `subscriptionId`); absent = unsubscribed. */
  readonly subscriptions = new Map<string, string[]>();
  readonly sends: BusinessSend[] = [];
  readonly media = new Map<string, StoredMedia>();
  readonly attachments = new Map<string, StoredAttachment>();
  readonly phoneHealth = new Map<string, PhoneHealth>();
  /** WhatsApp inbound wamids (valid targets for reactions, replies and mark-as-read). */
  readonly waInbound = new Map<string, { phoneNumberId: string; userId: string }>();
  private readonly ids: Prng;

  constructor(
    readonly world: SimWorld,
    seed: number,
    start: number,
    windowsOpen: boolean,
  ) {
    this.ids = createPrng(seed * 7919 + 3);
    for (const page of world.pages) this.subscriptions.set(page.id, pageFields(Boolean(page.instagramId)));
    for (const ig of world.instagram)
      if (!ig.pageId) this.subscriptions.set(ig.id, [...DEFAULT_FIELDS.instagram]);
    for (const waba of world.wabas) this.subscriptions.set(waba.id, [...DEFAULT_FIELDS.waba]);
    for (const phone of world.phoneNumbers) {
      this.phoneHealth.set(phone.id, {
        qualityRating: 'GREEN',
        canSendMessage: 'AVAILABLE',
        status: 'CONNECTED',
        messagingLimit: 'TIER_2K',
        throughput: 'STANDARD',
      });
    }
    if (windowsOpen) {
      for (const c of world.customers) this.lastInbound.set(`${c.channel}:${c.accountId}:${c.userId}`, start);
    }
  }

  newMessageId(channel: SimChannel, accountId: string): string {
    if (channel === 'messenger') return `m_${this.ids.alnum(64)}`;
    if (channel === 'instagram') {
      return Buffer.from(`ig_message_item:1:IGMessageID:${accountId}:${this.ids.digits(20)}`).toString(
        'base64url',
      );
    }
    const raw = Buffer.from(`HBgL${this.ids.digits(11)}FQIAERgS${this.ids.alnum(20).toUpperCase()}AA==`);
    return `wamid.${raw.toString('base64')}`;
  }

  newMediaId(): string {
    return this.ids.digits(16);
  }

  windowKey(channel: SimChannel, accountId: string, userId: string): string {
    return `${channel}:${accountId}:${userId}`;
  }

  /** Ms since the customer's last interaction, or Infinity. */
  sinceInbound(channel: SimChannel, accountId: string, userId: string, now: number): number {
    const last = this.lastInbound.get(this.windowKey(channel, accountId, userId));
    return last === undefined ? Number.POSITIVE_INFINITY : now - last;
  }

  withinHours(channel: SimChannel, accountId: string, userId: string, now: number, hours: number): boolean {
    return this.sinceInbound(channel, accountId, userId, now) <= hours * HOUR;
  }

  conversation(channel: SimChannel, accountId: string, userId: string, now: number): Conversation {
    const key = this.windowKey(channel, accountId, userId);
    let conv = this.conversations.get(key);
    if (!conv) {
      const id =
        channel === 'instagram'
          ? Buffer.from(`ig_thread:1:IGMessageThread:${accountId}:${this.ids.digits(20)}`).toString(
              'base64url',
            )
          : `t_${this.ids.digits(16)}`;
      conv = { id, channel, accountId, userId, messages: [], updatedAt: now };
      this.conversations.set(key, conv);
      this.conversationsById.set(id, conv);
    }
    return conv;
  }

  addMessage(channel: SimChannel, accountId: string, userId: string, message: StoredMessage): void {
    const conv = this.conversation(channel, accountId, userId, message.createdAt);
    conv.messages.push(message);
    conv.updatedAt = Math.max(conv.updatedAt, message.createdAt);
    this.messages.set(message.id, { conversation: conv, message });
  }

  /** The newest `n` messages of a conversation are the only ones with details. */
  isDetailed(messageId: string, n = 20): boolean {
    const found = this.messages.get(messageId);
    if (!found || found.message.deleted) return false;
    const visible = found.conversation.messages.filter((m) => !m.deleted);
    return visible.slice(-n).includes(found.message);
  }
}
