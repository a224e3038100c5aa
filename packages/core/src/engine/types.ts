import type { TokenOptions, Tokens } from '../accounts/tokens.js';
import type { Accounts, AccountsOptions } from '../accounts/types.js';
import type { ChannelAdapter, HealthProbeResult, HealthStatus, UnrecoverableGap } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { Apps, CredentialsAdmin, CredentialsOptions } from '../credentials/types.js';
import type { RateLimiter } from '../limiter.js';
import type { Logger } from '../logger.js';
import type { ChannelEvent, EventKind, EventOfKind, EventSource } from '../model/events.js';
import type { OutboundContent, OutboundMessage, SendReceipt } from '../model/outbound.js';
import type { AccountStatus, OutboxEntry, Store } from '../store/types.js';
import type { AlarmHandler } from '../watch/alarms.js';
import type { IncidentHandler } from '../watch/incidents.js';
import type { WatchAccountHealth, WatchOptions } from '../watch/types.js';
import type { Watch } from '../watch/watch.js';
import type { Ingress } from './ingress.js';
import type { UserProfileOptions, UserProfiles } from './profiles.js';

export type { Ingress, IngressRequest, IngressResponse } from './ingress.js';
export type { UserProfileOptions, UserProfiles, UserRef } from './profiles.js';

/** Tuning of a retrying worker. Delays are in ms of the engine's Clock. */
export interface RetryPolicy {
  /** Attempts before giving up (dead letter / `failed`). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  baseDelayMs?: number;
  /** Cap of one delay. */
  maxDelayMs?: number;
}

export interface WorkerOptions extends RetryPolicy {
  /** Rows claimed per round. */
  batchSize?: number;
  /** How long a claimed row stays ours before another instance may take it over. */
  leaseMs?: number;
  /** How often an idle worker looks for due work (retries, other instances' rows). */
  pollIntervalMs?: number;
}

/**
 * Options of `createSwitchboard`.
 *
 * @example
 * const switchboard = createSwitchboard({
 *   adapters: [createWhatsAppAdapter({ appSecret, verifyToken, accessToken })],
 *   store: createSqliteStore({ path: './switchboard.db' }),
 * });
 */
export interface SwitchboardOptions {
  adapters: readonly ChannelAdapter[];
  store: Store;
  /** Every timer goes through it. Default: the system clock. */
  clock?: Clock;
  /** Default: JSON lines on stderr at `info` (secrets redacted). */
  logger?: Logger;
  /** Token buckets for sends. Default: in-process buckets; pass `@switchboard/redis`'s for many instances. */
  limiter?: RateLimiter;
  /** Largest webhook body accepted (bytes). Default 4 MiB. Larger → 413. */
  maxBodyBytes?: number;
  /** Lease owner name of this instance. Default: `sb-<random>`. Must differ between instances. */
  instanceId?: string;
  /** Inbox/event processing. Defaults: batch 200, lease 30 s, poll 500 ms, 5 attempts, 1 s → 5 min. */
  processor?: WorkerOptions;
  /**
   * Keep the read model (conversations and messages with their statuses) in the store. Default `true`.
   * `false` for apps that keep their own from the handlers: the processor then writes only events (and
   * still moves outbox entries on echoes and statuses), which makes it cheaper; `store.conversations`
   * and `store.messages` stay empty, and Messenger read/delivery watermarks confirm only the message ids
   * they name.
   */
  readModel?: boolean;
  /** Outbox delivery. Defaults: batch 20, lease 60 s, poll 500 ms, 8 attempts, 1 s → 10 min (full jitter). */
  outbox?: WorkerOptions;
  /** Random source in [0, 1) for jitter (tests pass a fixed one). Default Math.random. */
  random?: () => number;
  /**
   * Silence detection, reconciliation with automatic backfill, echo/status deadlines, scheduled probes
   * and loss accounting (README: "Silence detection"). On by default; `false` turns it off.
   */
  watch?: WatchOptions | false;
  /** The account registry behind `switchboard.accounts`. */
  accounts?: AccountsOptions;
  /** Keys sealing stored credentials, and an optional resolver (README: "Credentials"). */
  credentials?: CredentialsOptions;
  /**
   * Daily token checks of registered accounts within a call budget, refreshes of refreshable tokens,
   * `token_invalid` / `token_expiring` alarms (README: "Token lifecycle"). On by default; `false` turns it off.
   */
  tokens?: TokenOptions | false;
  /**
   * Events the account received as a bystander: another app (or a human inbox) owns the conversation and
   * the platform sends this app copies (`standby: true` on the event; Meta's `standby[]`). They are always
   * stored and kept in the read model. `'record'` (default) stops there, so a bot never answers a
   * conversation it does not own; `'dispatch'` also hands them to handlers (check `event.standby`).
   */
  standby?: 'record' | 'dispatch';
  /** Cache lifetimes of `switchboard.profiles`. */
  profiles?: UserProfileOptions;
}

/**
 * Narrows a handler to one tenant's accounts.
 *
 * @example
 * switchboard.on('message', (event) => acmeInbox.push(event), { tenantId: 'acme' });
 */
export interface HandlerOptions {
  /** Only events (or alarms) of accounts that belong to this tenant in `switchboard.accounts`. */
  tenantId?: string;
}

/** Options of `context.reply`. */
export interface ReplyOptions {
  /**
   * Names this reply within the event, for handlers whose replies vary between attempts. Default: the
   * reply's position among the replies made while handling the event (1, 2, ...).
   */
  key?: string;
  /** Message fields other than `to`, `content` and `idempotencyKey` (e.g. `replyTo`, `tag`). */
  message?: Omit<OutboundMessage, 'to' | 'content' | 'idempotencyKey'>;
}

/** What a handler receives besides the event. */
export interface HandlerContext {
  /** 1 on the first dispatch, 2 on the first retry... */
  attempt: number;
  /** Stored sequence number of the event. */
  seq: number;
  /**
   * Sends `content` to the event's conversation (same channel, account and user) through the outbox, at
   * most once: the idempotency key is derived from the event (`reply:<channel>:<event key>:<n>`, n counting
   * the replies made while handling it), so a handler that throws after replying and is retried, or an
   * event replayed later, gets the entry already queued instead of a second send. Resolves once the entry
   * is durably queued. Throws `INVALID_REQUEST` for an event without a conversation (account events,
   * unsupported items without a user).
   *
   * @example
   * switchboard.on('message', async (event, { reply }) => {
   *   await reply({ type: 'text', text: `You said: ${event.text}` });
   *   await crm.log(event); // if this throws, the retry does not send the reply again
   * });
   */
  reply(content: OutboundContent, options?: ReplyOptions): Promise<OutboxEntry>;
}

export type EventHandler<E extends ChannelEvent = ChannelEvent> = (
  event: E,
  context: HandlerContext,
) => void | Promise<void>;

export interface ReplayOptions {
  /** Epoch ms, inclusive: raw bodies received at or after. */
  since: number;
  /** Epoch ms, inclusive. Default: now. */
  until?: number;
  channel?: string;
}

export interface ReplayResult {
  /** Raw bodies re-parsed. */
  bodies: number;
  /** Bodies that still fail to parse (dead-lettered). */
  failed: number;
  /** Events found, new ones (now dispatched) and already known ones. */
  events: number;
  inserted: number;
  duplicates: number;
}

export interface IngestResult {
  inserted: number;
  duplicates: number;
}

export interface SendAndWaitOptions {
  /** Default 30 s (engine clock). On timeout the promise rejects with TEMPORARY; the entry stays queued. */
  timeoutMs?: number;
}

export interface AccountHealth {
  channel: string;
  accountId: string;
  /** Tenant of the account in `switchboard.accounts`, when it has one. */
  tenantId?: string;
  /** Status in `switchboard.accounts` (`active`, `paused`, `disconnected`), for registered accounts. */
  accountStatus?: AccountStatus;
  status: HealthStatus;
  /** Epoch ms of the newest inbound event seen by this instance (or stored health state), or null. */
  lastEventAt: number | null;
  lastEventAgeMs: number | null;
  /** Pending outbox entries and the age of the oldest. */
  outboxBacklog: number;
  outboxOldestAgeMs: number | null;
  checks: HealthProbeResult[];
  /** Silence numbers, reconciliation, loss accounting and alarms of the account (when the watch runs). */
  watch?: WatchAccountHealth;
}

export interface HealthReport {
  /** The tenant the report was scoped to (`health({ tenantId })`). */
  tenantId?: string;
  status: HealthStatus;
  checkedAt: number;
  accounts: AccountHealth[];
}

/**
 * The engine: store-before-ack webhooks, deduplicated dispatch, a durable outbox.
 *
 * @example
 * switchboard.on('message', async (event) => {
 *   if (event.direction === 'inbound') await switchboard.send({ to: event, content: { type: 'text', text: 'Hi!' } });
 * });
 * await switchboard.start();
 * http.createServer(toNodeListener(switchboard)).listen(3000);
 */
export interface Switchboard {
  readonly store: Store;
  readonly clock: Clock;
  /** Web-standard handler for `/webhooks/:channel` (GET handshake, POST events). */
  handleWebhook(request: Request): Promise<Response>;
  /**
   * The seam bridges are built on (`toNodeListener` from `@switchboard/core/node` is one): hand it
   * method, path, headers and a capped body reader, get a status and a body back.
   */
  readonly ingress: Ingress;
  /** Registers a handler for one kind or every kind (`'*'`). Returns an unsubscribe function. */
  on<K extends EventKind>(
    kind: K,
    handler: EventHandler<EventOfKind<K>>,
    options?: HandlerOptions,
  ): () => void;
  on(kind: '*', handler: EventHandler, options?: HandlerOptions): () => void;
  /** Alarms (the watch's silence, webhook_gap, delivery_pipeline, subscription, token, probe; account_unknown), raised and cleared. */
  on(kind: 'alarm', handler: AlarmHandler, options?: HandlerOptions): () => void;
  /**
   * Incident transitions (opened, updated, recovering, closed) of the watch; with `{ tenantId }`, only
   * incidents whose scope includes that tenant. Nothing is emitted with `watch: false`.
   */
  on(kind: 'incident', handler: IncidentHandler, options?: HandlerOptions): () => void;
  /** The account registry: connect, update, disconnect, get and list accounts at runtime. */
  readonly accounts: Accounts;
  /** Platform apps whose secrets sign webhooks, changeable at runtime (several apps, secret rotation). */
  readonly apps: Apps;
  /** Key rotation of stored credentials. */
  readonly credentials: CredentialsAdmin;
  /** Token checks and refreshes of registered accounts (null with `tokens: false`). */
  readonly tokens: Tokens | null;
  /** Names and avatars of people, fetched through the adapters and cached in the store with an expiry. */
  readonly profiles: UserProfiles;
  /** The silence watch (null with `watch: false`): alarms, loss accounting, manual passes. */
  readonly watch: Watch | null;
  /** Starts the processor and outbox workers; unfinished work of a previous run (expired leases) resumes. */
  start(): Promise<void>;
  /** Stops the workers after the current round; waits for it. */
  stop(): Promise<void>;
  /** Processes everything due now (inbox, events, outbox) and resolves when nothing due is left. */
  drain(): Promise<void>;
  /** Records a message in the outbox (durably) and schedules delivery. Same `idempotencyKey` → same entry. */
  send(message: OutboundMessage): Promise<OutboxEntry>;
  /** `send`, then waits for the platform's receipt; rejects with the final error. */
  sendAndWait(message: OutboundMessage, options?: SendAndWaitOptions): Promise<SendReceipt>;
  /** Re-parses stored raw bodies received in the window; new events are dispatched, known ones deduplicated. */
  replay(options: ReplayOptions): Promise<ReplayResult>;
  /** Feeds events from elsewhere (backfill) through the same dedup, persistence and dispatch. */
  ingest(events: readonly ChannelEvent[], options?: { source?: EventSource }): Promise<IngestResult>;
  /** Counts and logs messages that exist but cannot be recovered (loss accounting). */
  reportUnrecoverable(channel: string, gap: UnrecoverableGap): Promise<void>;
  /** Prometheus text exposition of this instance's metrics. */
  metrics(): Promise<string>;
  /** Content type to serve `metrics()` with. */
  readonly metricsContentType: string;
  /** Per channel account: probes, last inbound age, outbox backlog; with `tenantId`, that tenant's accounts only. */
  health(options?: { tenantId?: string }): Promise<HealthReport>;
}
