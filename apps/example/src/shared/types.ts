/** JSON shapes exchanged between the Inbox server and its browser client. */

import type { ContentPart } from '@switchboard/core';

export type ChannelName = 'messenger' | 'instagram' | 'whatsapp' | (string & {});
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ConversationSummary {
  id: string;
  channel: ChannelName;
  accountId: string;
  userId: string;
  name: string;
  /** `/api/avatar/<id>` when the platform gave the person a picture (Messenger, Instagram). */
  avatarUrl?: string;
  /** Instagram handle, when known. */
  username?: string;
  /** One line: the last message as text (`📷 Photo`, `📍 Location`…). */
  preview: string;
  previewDirection: 'inbound' | 'outbound' | null;
  lastAt: number;
  unread: number;
  /** A comment thread (`…:comment:<top-level comment id>`): the post or media it is under. */
  comment?: { rootCommentId: string; postId?: string };
}

export interface MessageWindow {
  /** Hours of the free-form window for this channel (24); null for a channel without one (Telegram). */
  hours: number | null;
  open: boolean;
  lastInboundAt: number | null;
  closesAt: number | null;
}

export interface Reaction {
  emoji: string;
  from: 'customer' | 'business';
}

export interface MessageItem {
  type: 'message';
  id: string;
  direction: 'inbound' | 'outbound';
  at: number;
  parts: ContentPart[];
  /** Outbound content that is not a ContentPart (quick replies, templates, comment replies). */
  extra?: { quickReplies?: string[]; template?: string; reply?: 'public' | 'private' | 'moderation' };
  /** Comment threads: who wrote the comment (several people comment under one post). */
  author?: string;
  replyTo?: { messageId?: string; preview?: string; story?: boolean };
  reactions: Reaction[];
  edited?: boolean;
  deleted?: boolean;
  /** Outbound only: where the message is in its lifecycle. */
  state?: DeliveryState;
  /** Readable failure reason when `state` is `failed` (or while retrying). */
  error?: string;
  retrying?: boolean;
  /** When the outbox tries again (epoch ms), while retrying. */
  retryAt?: number;
  /** Sent from another app (Page Inbox) rather than this inbox. */
  foreignApp?: boolean;
}

export interface PostbackItem {
  type: 'postback';
  id: string;
  at: number;
  title: string;
  payload?: string;
}

export interface NoticeItem {
  type: 'notice';
  id: string;
  at: number;
  text: string;
}

export type ThreadItem = MessageItem | PostbackItem | NoticeItem;

/** Who may answer a conversation (Conversation Routing): this inbox, another app, or nobody yet. */
export interface ThreadOwnerView {
  idle: boolean;
  ownedByUs: boolean;
  appId?: string;
  /** Readable owner: 'this inbox', 'Page Inbox (Meta Business Suite)', 'app 123…'. */
  label?: string;
}

export interface Thread {
  conversation: ConversationSummary;
  /** Set for channels with Conversation Routing when the platform answered. */
  owner?: ThreadOwnerView;
  window: MessageWindow;
  items: ThreadItem[];
  /** WhatsApp templates the composer can offer (with their body parameters when the template cache knows them). */
  templates: Array<{ name: string; language: string; parameters?: string[]; named?: boolean }>;
  /** Content the channel can send (from the adapter's limits). */
  supports: string[];
  quickRepliesMax: number;
  /** A comment thread: the top-level comment, its author, and whether it got its one private reply. */
  comment?: { commentId: string; authorId?: string; privatelyAnswered: boolean };
}

/** `POST /api/conversations/:id/comment-reply`: answer the thread's top-level comment. */
export interface CommentReplyRequest {
  mode: 'public' | 'private';
  text: string;
  idempotencyKey?: string;
}

export interface SendRequest {
  kind: 'text' | 'quick_replies' | 'media' | 'template';
  text?: string;
  replies?: string[];
  mediaType?: 'image' | 'video' | 'audio' | 'file';
  url?: string;
  caption?: string;
  template?: { name: string; language: string; parameters?: string[]; parameterNames?: string[] };
  idempotencyKey?: string;
}

export interface ProbeView {
  probe: string;
  status: 'ok' | 'degraded' | 'down';
  reason: string;
  checkedAt: number;
}

export interface AccountHealthView {
  channel: ChannelName;
  accountId: string;
  label: string;
  /** A messaging account (Page, IG account, phone number), not a WABA or app-wide checks. */
  messaging: boolean;
  status: 'ok' | 'degraded' | 'down';
  lastEventAt: number | null;
  lastEventAgeMs: number | null;
  outboxBacklog: number;
  outboxOldestAgeMs: number | null;
  checks: ProbeView[];
  /** The engine watch's view of the account (messaging accounts, when the watch runs). */
  watch: AccountWatchView | null;
}

/** The silence detector's numbers for one account (from `health().accounts[].watch.silence`). */
export interface SilenceView {
  ratePerHour: number;
  windowStart: number;
  windowMs: number;
  expected: number;
  probability: number;
  threshold: number;
  observedHours: number;
  alarm: boolean;
  note?: string;
}

/** Loss accounting of one account (engine counters). */
export interface LossView {
  received: number;
  duplicates: number;
  refetched: number;
  backfilled: number;
  unrecoverable: number;
  unrecoverableConversations: Record<string, number>;
  /** Conversation → the ids of its unrecoverable messages, where the platform named them. */
  unrecoverableMessageIds: Record<string, string[]>;
}

export interface AccountWatchView {
  silence: SilenceView | null;
  lastInboundAt: number | null;
  /** Null for WhatsApp (no history API). */
  reconciliation: null | {
    lastRunAt: number | null;
    passes: number;
    /** Every conversation is verified by message id up to here. */
    verifiedThrough: number;
    behindMs: number;
    /** Conversations that moved and wait for verification (Graph call budget). */
    pending: number;
    conversationsVerified: number;
    gapsFound: number;
    /** Gaps a later webhook had hidden from a time comparison. */
    maskedGaps: number;
    backfilled: number;
    unrecoverable: number;
    lastError: string | null;
  };
  delivery: { awaiting: number; overdue: number; lastOverdueAt: number | null };
  resubscriptions: Array<{ at: number; ok: boolean; error?: string }>;
  loss: LossView;
  alarms: AlarmView[];
}

/** An alarm event of the engine watch (raised or cleared). */
export interface AlarmView {
  id: string;
  type: string;
  state: 'raised' | 'cleared';
  severity: 'warning' | 'critical';
  channel: string;
  accountId: string;
  /** Account label (Page name, @username, phone number). */
  label: string;
  message: string;
  raisedAt: number;
  at: number;
  repeats: number;
}

/**
 * One reconciliation pass that found conversations moved without a webhook, with what it recovered:
 * `automatic` ones come from the engine's `webhook_gap` alarms, `manual` ones from "Reconcile now".
 */
export interface RecoveryRun {
  trigger: 'automatic' | 'manual';
  channel: string;
  accountId: string;
  label: string;
  at: number;
  /** Conversations that moved without a webhook. */
  gaps: number;
  backfilled: number;
  duplicates: number;
  unrecoverable: number;
  error?: string;
}

export interface FaultView {
  id: string;
  type: string;
  label: string;
  until: number | null;
}

export interface HealthView {
  status: 'ok' | 'degraded' | 'down';
  checkedAt: number;
  accounts: AccountHealthView[];
  counters: Array<{ name: string; value: number }>;
  deadLetters: number;
  outbox: { pending: number; failed: number };
  /** Channels whose adapter can backfill (Messenger, Instagram). */
  backfillChannels: string[];
  /** Whether the engine watch runs (false with `WATCH=off`). */
  watching: boolean;
  /** Reconciliation interval and grace in force (ms), for the page's explanations. */
  reconcile: { intervalMs: number; graceMs: number } | null;
  /** Passes that recovered or found something, newest first. */
  recoveryRuns: RecoveryRun[];
  /** Raised alarms, every account. */
  alarms: AlarmView[];
  /** Recent alarm events (raised / cleared), newest first. */
  alarmHistory: AlarmView[];
  simulator: null | {
    url: string;
    faults: FaultView[];
    truth: { generated: number; delivered: number; lost: number; duplicated: number };
  };
}

export type ChaosAction =
  | { type: 'instagram-outage'; mode: 'drop' | 'hold'; durationMs: number }
  | { type: 'rate-limit-storm'; channel?: ChannelName; durationMs: number }
  | { type: 'expire-token'; channel: ChannelName }
  | { type: 'renew-tokens' }
  | { type: 'clear' };

/** What the server pushes on `/api/live` (SSE). */
export type LiveMessage =
  | { type: 'conversation'; conversationId: string; kind: string }
  | { type: 'outbox'; conversationId: string; id: string; state: DeliveryState }
  | { type: 'health' }
  /** A template's status, quality or category changed (template webhooks). */
  | { type: 'templates' }
  | { type: 'alarm'; alarm: AlarmView }
  | { type: 'incident'; id: string; transition: 'opened' | 'updated' | 'recovering' | 'closed' };

/** One account of `switchboard.accounts`, as the Accounts page shows it. */
export interface AccountView {
  channel: ChannelName;
  accountId: string;
  label: string;
  tenantId: string | null;
  status: 'active' | 'paused' | 'disconnected';
  loginFlavour: string | null;
  /** Credentials stored for it (never the values). */
  hasCredentials: boolean;
  tokenExpiresAt: number | null;
  tokenCheckedAt: number | null;
  lastEventAt: number | null;
  /** Messages of its token and account alarms, when raised. */
  alarms: string[];
}

export interface AccountsView {
  accounts: AccountView[];
  tenants: string[];
}

/** A message template as the engine's template cache holds it (Templates page, composer picker). */
export interface TemplateView {
  wabaId: string;
  id: string | null;
  name: string;
  language: string;
  status: string | null;
  category: string | null;
  quality: string | null;
  reason: string | null;
  /** Body parameters in order: names (named templates) or numbers. */
  parameters: string[];
  named: boolean;
}

/** The Templates page's create form (simulator mode). */
export interface TemplateCreateRequest {
  wabaId?: string;
  name: string;
  language: string;
  category: string;
  body: string;
  /** One example per body parameter, in order. */
  examples?: string[];
  footer?: string;
}
