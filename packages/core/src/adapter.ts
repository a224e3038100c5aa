import type { AccountCredentials, AppSecret } from './credentials/types.js';
import type { ChannelEvent } from './model/events.js';
import type { OutboundContentType, OutboundMessage, SendReceipt } from './model/outbound.js';
import type { UserProfileLookup } from './model/user-profile.js';
import type { AccountRecord } from './store/account-types.js';
import type { TemplateStore } from './store/template-types.js';

/** Result of checking a webhook signature. Never an exception. */
export type SignatureCheck =
  | {
      ok: true;
      /** Index of the secret that matched (rotation, several apps). */
      secretIndex: number;
      /** The app whose secret matched, when it is one registered with `switchboard.apps`. */
      appId?: string;
    }
  | {
      ok: false;
      reason: 'missing' | 'malformed' | 'mismatch';
      /** Readable hint, e.g. that the body looks re-serialized by a JSON middleware. */
      hint?: string;
    };

/** An item of a webhook body that could not be modeled, reported instead of rejecting the batch. */
export interface WebhookProblem {
  /** JSON path of the item, e.g. `entry[0].messaging[2]`. */
  path: string;
  message: string;
  raw?: unknown;
}

export interface ParsedWebhook {
  events: ChannelEvent[];
  problems: WebhookProblem[];
}

export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthProbeResult {
  probe: string;
  status: HealthStatus;
  /** One readable sentence: what is wrong and what to do, or why it is fine. */
  reason: string;
  accountId?: string;
  /** The numbers and fields behind the verdict (expiry, scopes, subscribed fields...). */
  data?: Record<string, unknown>;
  /** Epoch ms. */
  checkedAt: number;
}

/** A named check. `run` never throws for an unhealthy platform: it answers `down` with the reason. */
export interface HealthProbe {
  name: string;
  /** What the probe checks, for people reading a health page. */
  description: string;
  accountId?: string;
  run(): Promise<HealthProbeResult>;
}

/** A conversation that lost more messages than the platform can give back. */
export interface UnrecoverableGap {
  conversationId: string;
  accountId: string;
  /** Messages known to exist in the window but not retrievable (older than the newest 20). */
  missing: number;
  /** Their platform ids, where the platform lists them. */
  messageIds?: string[];
  reason: string;
}

export interface BackfillRequest {
  accountId: string;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, inclusive; defaults to now. */
  until?: number;
  /** Restrict to these users (PSID / IGSID). */
  userIds?: readonly string[];
  /** Called for every conversation where messages were missing beyond the API's reach. */
  onUnrecoverable?(gap: UnrecoverableGap): void;
  signal?: AbortSignal;
}

/**
 * One rate-limit bucket a platform call counted against, as the platform reported it (Meta: the
 * `X-App-Usage` and `X-Business-Use-Case-Usage` headers). The engine's call budget slows down before
 * a bucket is full and stops until `regainAfterMs` when it is.
 *
 * @example
 * { id: 'app:1234', shared: true, percent: 82 }
 * { id: '17841400000000001', shared: false, percent: 100, regainAfterMs: 300_000 }
 */
export interface UsageBucket {
  /** Bucket id, unique across channels (the app, or one business object). */
  id: string;
  /** Every account of the channel draws from it (an app-wide limit), not only the one called. */
  shared: boolean;
  /** Highest share of the bucket used, 0..100 (the platform throttles at 100). */
  percent: number;
  /** How long until the platform accepts calls again (ms from the response). */
  regainAfterMs?: number;
}

/** A conversation as the platform lists it, for reconciliation. */
export interface ConversationSummary {
  /** Platform conversation id (Graph `t_...`). */
  platformId: string;
  conversationId?: string;
  userId?: string;
  /** Epoch ms of the platform's `updated_time`. */
  updatedAt: number;
}

/**
 * The engine's platform call budget, handed to the adapter with each reconciliation request: the
 * adapter waits on `admit` before every platform call it makes for the request (pages and retries
 * included) and hands over what the platform said about its rate limits with every response.
 */
export interface CallPacer {
  /** Resolves when the next platform call may go out (later while the platform's usage is high). */
  admit(): Promise<void>;
  /** The rate-limit usage reported with a response, successful or not. */
  report(usage: readonly UsageBucket[]): void;
}

/** A message the platform lists by id but will not return in full. */
export interface MessageReference {
  messageId: string;
  /** The dedup key its event would have (`<channel>:msg:<id>`), to check whether it is held. */
  key: string;
  /** Epoch ms (the platform's precision). */
  timestamp: number;
}

/** The messages of one conversation in a time window, as the platform holds them. */
export interface ConversationMessages {
  /** Messages returned in full, as `source: 'backfill'` events keyed like their webhook twins. */
  events: ChannelEvent[];
  /** Messages listed but not retrievable (Meta: older than the newest 20 of the conversation). */
  unretrievable: MessageReference[];
  /** Why `unretrievable` ones cannot be fetched, for the loss report. */
  reason?: string;
}

export interface ChannelLimits {
  /** Maximum text length of one message. */
  textMaxLength: number;
  /** Unit of `textMaxLength` (Instagram counts UTF-8 bytes). */
  textLengthUnit: 'chars' | 'bytes';
  /** Maximum buttons in one message (template or interactive). */
  buttonsMax: number;
  quickRepliesMax: number;
  /** Free-form messaging window after the customer's last message. */
  windowHours: number;
  /** Sends per second allowed per business account. */
  sendPerSecond: number;
  /** Sends per second per account for audio/video (Messenger/Instagram: 10). */
  mediaSendPerSecond?: number;
  /** Minimum spacing between sends to one recipient, with a burst allowance. */
  perRecipient?: { intervalMs: number; burst: number };
  /** Graph calls per second for history/backfill (Conversations API: 2). */
  backfillPerSecond?: number;
  /**
   * Private replies to comments (`to.commentId` with message content): the engine sends one per comment
   * (a second is refused before any platform call) at this rate per account, on top of `sendPerSecond`.
   * `windowHours` counts from the comment's creation.
   */
  privateReplies?: { windowHours: number; ratePerSecond: number; burst: number };
  /** Public replies and moderation (`public_reply`, `comment_moderation`) per second per account. */
  commentActionsPerSecond?: number;
  /** Content types this channel can send. */
  supportedContent: readonly OutboundContentType[];
}

/**
 * Read access to a webhook request's headers (names in lower case). A web `Headers` is one; the Node
 * bridge passes a lighter view straight over `IncomingMessage.headers`, so use only `get`.
 *
 * @example
 * const signature = headers.get('x-hub-signature-256'); // string | null
 */
export interface WebhookHeaders {
  get(name: string): string | null;
}

/** What the platform says about an account's credentials (`inspectToken`). */
export interface TokenInspection {
  valid: boolean;
  /** Epoch ms; null when the token does not expire. */
  expiresAt: number | null;
  /** Permissions granted (empty when the platform does not say). */
  scopes: string[];
  /** Required permissions the token lacks. */
  missingScopes?: string[];
  /** Why it is invalid, as the platform says it. */
  reason?: string;
}

/** Fresh credentials from `refreshCredentials`. */
export interface RefreshedCredentials {
  credentials: AccountCredentials;
  /** Epoch ms; null when they do not expire. */
  expiresAt: number | null;
}

/**
 * What the engine needs to know about a channel, as data (the engine never branches on a channel name).
 *
 * @example
 * const capabilities: AdapterCapabilities = { sendConfirmation: 'none', ackBody: 'OK', keptHeaders: ['x-sms-signature'] };
 */
export interface AdapterCapabilities {
  /** How the platform confirms an outbound send: an echo webhook (Messenger/Instagram), a status webhook (WhatsApp), or nothing (the delivery-pipeline check then skips the channel). */
  sendConfirmation: 'echo' | 'status' | 'none';
  /** Body of the 200 that acknowledges a stored webhook. Default 'OK'; Meta adapters say 'EVENT_RECEIVED'. */
  ackBody?: string;
  /** Request headers (lower-case) kept with each stored body for re-verification, e.g. ['x-hub-signature-256']. Never a header that carries a secret. */
  keptHeaders?: readonly string[];
}

/**
 * What the engine gives an adapter at creation (`attach`): the accounts and credentials of
 * `switchboard.accounts` and `switchboard.apps`, so one adapter serves accounts connected at runtime,
 * each with its own token. Everything is scoped to the adapter's channel.
 */
export interface AdapterHost {
  /**
   * The account's credentials: the resolver's answer, else the stored ones (decrypted, cached; a change
   * on any instance is seen within `accounts.refreshMs`). Undefined when it has none: fall back to the
   * adapter's configuration.
   */
  credentials(accountId: string): Promise<AccountCredentials | undefined>;
  /** The account as registered (tenant, login flavour, linked ids, app), from the in-process copy. */
  account(accountId: string): AccountRecord | undefined;
  /** Secrets of the apps registered with `switchboard.apps`, to check webhook signatures with. */
  appSecrets(): readonly AppSecret[];
  /** The engine's template cache (the store's), to consult before a template send and to fill from template API reads. */
  templates?: TemplateStore;
}

/**
 * What a channel plugin implements. Adapters hold no state and no store: the engine owns persistence,
 * dedup and dispatch.
 *
 * @example
 * const adapter = createWhatsAppAdapter({ appSecret, verifyToken, accessToken, phoneNumberIds: ['1065...'] });
 * const switchboard = createSwitchboard({ adapters: [adapter], store });
 */
export interface ChannelAdapter {
  /** `messenger` | `instagram` | `whatsapp` | a plugin's own lower-case name; the webhook route segment. */
  channel: string;
  limits: ChannelLimits;
  /**
   * What the engine needs to know about the channel. Without it: ack body 'OK', only the generic headers
   * (content-type, content-length, user-agent) kept, and no send confirmation expected (no delivery-pipeline alarm).
   */
  capabilities?: AdapterCapabilities;
  /** Accounts this adapter serves (Page ids, IG ids, phone number ids), for health and baselines. */
  accountIds?: readonly string[];
  /** GET handshake: the challenge to answer with, or null (→ 403). */
  verifyChallenge(query: URLSearchParams): string | null;
  /** Checks the signature over the exact raw bytes. Never throws. */
  verifySignature(rawBody: Uint8Array, headers: WebhookHeaders): SignatureCheck;
  /** Walks every entry, change and item; bad items become problems or `unsupported` events. Throws `PAYLOAD_INVALID` only when the body as a whole is unusable. */
  parseWebhook(rawBody: Uint8Array): ParsedWebhook;
  /**
   * Optional: what `parseWebhook` returns, in slices of a few hundred items, so the engine hands the
   * event loop back between them (mapping a 4 MiB body of 32k messages at once holds it for ~200 ms+).
   * Throws like `parseWebhook` (when called or when a slice is asked for).
   */
  parseWebhookSlices?(rawBody: Uint8Array): Iterable<ParsedWebhook>;
  /** Sends one message. Throws a classified `SwitchboardError`. */
  send(message: OutboundMessage): Promise<SendReceipt>;
  probes(): HealthProbe[];
  /** Re-fetches missed events where the platform keeps history (Messenger/Instagram). */
  backfill?(request: BackfillRequest): AsyncIterable<ChannelEvent>;
  /** Lists conversations updated at or after `since` (newest first), for reconciliation. */
  listConversations?(request: {
    accountId: string;
    since: number;
    signal?: AbortSignal;
    /** The engine's call budget: wait on it before each platform call, report usage after. */
    pacer?: CallPacer;
  }): AsyncIterable<ConversationSummary>;
  /**
   * Every message of one listed conversation created in `[since, until]` (epoch ms, inclusive), so the
   * engine can verify by id that it holds each one. With `listConversations`, this turns on
   * reconciliation.
   */
  conversationMessages?(request: {
    accountId: string;
    conversation: ConversationSummary;
    since: number;
    until: number;
    signal?: AbortSignal;
    pacer?: CallPacer;
  }): Promise<ConversationMessages>;
  /**
   * Asks the platform for a person's name and avatar (`switchboard.profiles` caches the answer). Resolves
   * `{ found: false, reason }` when the platform has none to give (Meta: the person never wrote, so there
   * is no consent); throws a classified error when the platform cannot be asked.
   */
  userProfile?(accountId: string, userId: string): Promise<UserProfileLookup>;
  /** Subscribes the app to the account's webhooks again (after Meta unsubscribed it). */
  resubscribe?(accountId: string): Promise<void>;
  /**
   * Asks the platform whether the account's token is valid, when it expires and what it may do (Meta:
   * `debug_token`). With it, the engine checks every registered account's token once a day, within a
   * call budget, and raises `token_invalid` / `token_expiring`. Throws a classified error when the
   * platform cannot be asked (the check is retried later).
   */
  inspectToken?(accountId: string): Promise<TokenInspection>;
  /**
   * Exchanges the account's current credentials for fresh ones before they expire (Instagram Login:
   * `ig_refresh_token`), or resolves null when this account's login cannot be refreshed. The engine
   * stores the result and calls it on one instance at a time, for tokens at least a day old that expire
   * within `tokens.refreshWithinDays`.
   */
  refreshCredentials?(accountId: string, current: AccountCredentials): Promise<RefreshedCredentials | null>;
  /**
   * Called once by `createSwitchboard` with the engine's registry and credentials. An adapter that
   * implements it takes each account's credentials from the host before its own configuration. An
   * adapter object serves one engine.
   */
  attach?(host: AdapterHost): void;
}
