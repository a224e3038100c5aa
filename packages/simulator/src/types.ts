import type { Clock, Logger } from '@switchboard/core';
import type { GraphRateLimits } from './usage.js';

/** The three Meta channels the simulator plays. */
export type SimChannel = 'messenger' | 'instagram' | 'whatsapp';
export const SIM_CHANNELS: readonly SimChannel[] = ['messenger', 'instagram', 'whatsapp'];

export type TokenType = 'PAGE' | 'SYSTEM_USER' | 'APP' | 'USER';

/** An access token the simulated Graph API knows. */
export interface SimToken {
  token: string;
  type: TokenType;
  /** Human label, e.g. `page:0`, `page:0:expired`. */
  label: string;
  /** Page / IG account / WABA / app id the token acts as (`/me`). */
  profileId: string;
  scopes: string[];
  /** Objects the token may act on (Page, IG account, WABA, phone numbers). */
  targetIds: string[];
  issuedAt: number;
  /** Epoch ms; 0 = never expires. */
  expiresAt: number;
  /** Set when revoked; the 190 subcode to answer with (467 by default, 460 password changed...). */
  revokedSubcode?: number;
  /**
   * What an OAuth exchange may do with the token: a short-lived Facebook user token can become a
   * long-lived one, a short-lived Instagram Login token a 60-day one, a 60-day one can be refreshed.
   */
  grant?: 'fb-user-short' | 'fb-user-long' | 'ig-short' | 'ig-long' | 'business';
}

export interface SimApp {
  id: string;
  name: string;
  secret: string;
  verifyToken: string;
  /** `${id}|${secret}` */
  appToken: string;
}

export interface SimPage {
  id: string;
  name: string;
  accessToken: string;
  instagramId?: string;
}

export interface SimInstagramAccount {
  id: string;
  username: string;
  /** The linked Facebook Page, when there is one. */
  pageId?: string;
  /** Token to use for sending: the linked Page's token, or the Instagram Login token when unlinked. */
  accessToken: string;
  /** Instagram Login (graph.instagram.com flavour) token for this account. */
  loginToken: string;
}

export interface SimPhoneNumber {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
}

export interface SimWaba {
  id: string;
  name: string;
  phoneNumberIds: string[];
  /** The customer's business portfolio (Embedded Signup's `business_id`). */
  businessId?: string;
}

/** A Facebook user who manages Pages (Facebook Login hands out their user token). */
export interface SimUser {
  /** App-scoped user id. */
  id: string;
  name: string;
  pageIds: string[];
}

export interface SimCustomer {
  channel: SimChannel;
  /** Page id / IG account id / phone_number_id. */
  accountId: string;
  /** PSID / IGSID / wa_id. */
  userId: string;
  name: string;
  username?: string;
  /** WhatsApp business-scoped user id (`US.…`). */
  bsuid?: string;
}

/** Everything the simulated platform knows about: ids, secrets and tokens. */
export interface SimWorld {
  app: SimApp;
  pages: SimPage[];
  instagram: SimInstagramAccount[];
  wabas: SimWaba[];
  phoneNumbers: SimPhoneNumber[];
  systemUserToken: string;
  /** Facebook users created by `sim.onboarding.facebookLogin` (none in the default world). */
  users: SimUser[];
  customers: SimCustomer[];
  tokens: SimToken[];
  /** Extra Page 0 tokens for probe tests: expires in 1 h, already expired, revoked, no scopes. */
  testTokens: { expiring: string; expired: string; revoked: string; noScopes: string };
  /** WhatsApp templates that exist (name + language code). */
  templates: Array<{ name: string; language: string; category: string }>;
}

/** Shape of the default world; every count has a default. */
export interface WorldSpec {
  /** Facebook Pages (default 2). The first `linkedInstagram` Pages get a linked IG account. */
  pages?: number;
  /** Instagram accounts linked to Pages (default 1). */
  linkedInstagram?: number;
  /** Instagram accounts without a Page, using Instagram Login (default 1). */
  unlinkedInstagram?: number;
  /** WhatsApp phone numbers on the single WABA (default 2). */
  phoneNumbers?: number;
  /** Customers per account (default 3). */
  customersPerAccount?: number;
  /** Customers start with an open 24 h window (default true) so sends work without a first message. */
  windowsOpen?: boolean;
  /** Fixed app secret instead of the generated (or seeded) one, so a receiver can be configured up front. */
  appSecret?: string;
  /** Fixed webhook verify token instead of the generated (or seeded) one. */
  verifyToken?: string;
}

/** Customer message kinds the simulator can generate. */
export type InboundKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'file'
  | 'sticker'
  | 'reaction'
  | 'unreact'
  | 'postback'
  | 'quick_reply'
  | 'referral'
  | 'read'
  | 'edit'
  | 'delete'
  | 'share'
  | 'story_mention'
  | 'story_reply'
  | 'location'
  | 'contacts'
  | 'button_reply'
  | 'list_reply'
  | 'button'
  | 'order'
  | 'unsupported';

/** Input of `sim.customerSends`. */
export interface CustomerSendInput {
  channel: SimChannel;
  accountId?: string;
  userId?: string;
  kind?: InboundKind;
  text?: string;
  /** Message replied to (or reacted to / edited / deleted / read). */
  replyTo?: string;
  emoji?: string;
  payload?: string;
  /** Event time in ms; defaults to the clock's now. */
  at?: number;
}

export type TruthType = 'inbound' | 'echo' | 'status' | 'receipt' | 'account';

export interface DeliveryAttempt {
  at: number;
  status: number | 'timeout' | 'error';
}

/** One event the platform generated, and what became of it. */
export interface TruthRecord {
  id: string;
  channel: SimChannel;
  accountId: string;
  userId: string;
  type: TruthType;
  kind: string;
  messageId?: string;
  createdAt: number;
  /** The exact Meta item placed in the webhook. */
  item: Record<string, unknown>;
  /** Set for a `changes[]` item (comments): its webhook field. */
  field?: string;
  /** Delivered in `standby[]`: another app owns the conversation (Messenger / Instagram). */
  standby?: boolean;
  dropped?: 'outage' | 'unsubscribed' | 'no-target' | 'abandoned';
  attempts: DeliveryAttempt[];
  deliveredAt?: number;
  deliveredCount: number;
}

export interface TruthFilter {
  channel?: SimChannel;
  accountId?: string;
  type?: TruthType;
  since?: number;
  until?: number;
}

export interface TruthSummary {
  generated: number;
  delivered: number;
  lost: number;
  duplicated: number;
  dropped: number;
  byType: Record<string, number>;
  byKind: Record<string, number>;
}

export interface WebhookAlert {
  at: number;
  channel: SimChannel;
  accountId: string;
  kind: 'failing-15min' | 'unsubscribed' | 'resubscribed';
}

/** A message the business sent through the simulated Graph API. */
export interface BusinessSend {
  channel: SimChannel;
  accountId: string;
  userId: string;
  messageId: string;
  at: number;
  kind: string;
  body: Record<string, unknown>;
  metadata?: string;
  bizOpaqueCallbackData?: string;
  /** Async failure reported by a `failed` status (WhatsApp). */
  failed?: { code: number; title: string };
}

export interface TrafficOptions {
  /** Mean customer messages per minute per account (at the peak of `dayShape`). */
  perMinute: number;
  channels?: SimChannel[];
  accounts?: string[];
  /**
   * `poisson` (default): independent messages of every kind from any customer. `sessions`: a customer
   * writes a burst of messages with pauses, the business often answers, the customer sometimes follows up.
   */
  model?: 'poisson' | 'sessions';
  /** Rate of some accounts (messages per minute at the peak), overriding `perMinute`; 0 = none. */
  perMinuteByAccount?: Record<string, number>;
  /** 24 shares (0–1) of the rate by UTC hour, for a day-shaped rate; default flat. */
  dayShape?: readonly number[];
  /** The shape of a session (`sessions` model). */
  session?: Partial<SessionShape>;
}

/** How a customer session unfolds (`sessions` traffic); every draw comes from the seed. */
export interface SessionShape {
  /** Customer messages in the first burst, `[min, max]`. Default `[1, 6]`. */
  messages: [number, number];
  /** Mean pause between two customer messages (ms, exponential, at least 2 s). Default 25 000. */
  pauseMs: number;
  /** Chance the business answers after the burst. Default 0.7. */
  replyChance: number;
  /** Mean wait before the answer (ms, at least 5 s). Default 90 000. */
  replyAfterMs: number;
  /** Chance the customer writes 1–3 more messages after the answer. Default 0.5. */
  followUpChance: number;
}

export interface StatusDelays {
  sent: number;
  delivered: number | null;
  read: number | null;
}

/**
 * Options of `startMetaSimulator`.
 *
 * @example
 * const sim = await startMetaSimulator({ clock: new ManualClock(), seed: 7,
 *   webhooks: { whatsapp: 'http://127.0.0.1:3000/webhooks/whatsapp' } });
 */
export interface MetaSimulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Bearer token the control API (`/_sim/*`) requires. Default: none on a loopback host (the control
   * API then answers only requests addressed to a loopback name); on any other host one is generated
   * per run (`sim.controlToken`), since that API hands out the app secret and every token.
   */
  controlToken?: string;
  /** Default `systemClock`. Every simulator timer goes through it. */
  clock?: Clock;
  /**
   * Makes the world, its secrets and the traffic reproducible. Default: the layout (ids, names) of
   * seed 1 with the app secret, verify token and access tokens generated per run.
   */
  seed?: number;
  world?: WorldSpec;
  /** Webhook target URL per channel; a channel without one records events as `no-target`. */
  webhooks?: Partial<Record<SimChannel, string>>;
  traffic?: TrafficOptions;
  /** Events pending within `windowMs` go into one POST, up to `maxEvents` (default 0 ms = same tick, 50). */
  batch?: { windowMs?: number; maxEvents?: number };
  /** Delays after a business send for sent/echo, delivered and read (default 100, 1000, 5000 ms). */
  statusDelaysMs?: Partial<StatusDelays>;
  /** Conversations API budget in calls per second per account (default 2); false disables it. */
  conversationsRateLimit?: number | false;
  /**
   * Hourly Graph limits per app and per business object; calls over them are answered with Meta's
   * throttling errors (4; 32 / 80002 / 80007) and the usage headers show the climb.
   */
  rateLimits?: GraphRateLimits;
  /** Webhook response timeout in real ms (default 5000, as Meta). */
  webhookTimeoutMs?: number;
  /** How long Meta's review of a created or edited template takes before it is APPROVED (default 2000 ms); false: only `sim.templates.review` decides. */
  templateReviewMs?: number | false;
  logger?: Logger;
}
