import type { HealthProbeResult } from '../adapter.js';
import type { Alarm } from './alarms.js';
import type { BaselinePrior } from './baseline.js';
import type { CallBudgetOptions } from './budget.js';
import type { FleetOptions } from './fleet.js';
import type { LossAccount } from './loss.js';
import type { AlarmNotifierOptions } from './notifier.js';
import type { TrafficSeriesOptions } from './series.js';
import type { SilenceOptions, SilenceVerdict } from './silence.js';

/** A scheduled test message whose echo / status must come back as a webhook. */
export interface CanaryOptions {
  channel: string;
  accountId: string;
  /** The test recipient (a PSID / IGSID / wa_id you control, inside an open messaging window). */
  userId: string;
  /** Default 15 min. */
  intervalMs?: number;
  /** Default `switchboard canary`. */
  text?: string;
}

/**
 * Options of the silence watch (`createSwitchboard({ watch })`). Every detector is on by default;
 * `watch: false` turns the whole watch off.
 *
 * @example
 * createSwitchboard({
 *   adapters, store,
 *   watch: {
 *     autoResubscribe: true,
 *     silence: { prior: { perHour: 30 } },
 *     notifier: { url: 'https://hooks.example.com/switchboard-alarms' },
 *   },
 * });
 */
export interface WatchOptions {
  silence?: Partial<SilenceOptions> & {
    /** Prior for accounts without history. Default `{ perHour: 1, weightHours: 1, bucketWeightHours: 2 }`. */
    prior?: Partial<BaselinePrior>;
    /** Per `channel:accountId` priors (an account you know is busy). */
    priors?: Record<string, Partial<BaselinePrior>>;
    /** `false` = no silence alarms (baselines are still learned). */
    enabled?: boolean;
  };
  reconcile?: {
    /** Default 120 000 (2 min). */
    intervalMs?: number;
    /** Messages of the last `graceMs` are left to their webhooks (verified next pass). Default 60 000. */
    graceMs?: number;
    /**
     * Most conversations verified per pass and account (one Graph call each). Default: 75 % of what the
     * adapter's `backfillPerSecond` (Meta: 2 calls/s) allows in one interval; the rest wait for the next pass.
     */
    maxConversationsPerPass?: number;
    /**
     * Most accounts reconciled per pass and channel (thousands of accounts within the app's Graph
     * limits). Default: every account. Accounts in an alarm or incident go first, then those never
     * checked, then the longest unchecked; `watch.coverage()` says how long a full round takes.
     */
    maxAccountsPerPass?: number;
    enabled?: boolean;
  };
  delivery?: {
    /** Echo / status expected within this long after a send. Default 120 000 (2 min). */
    deadlineMs?: number;
    canaries?: CanaryOptions[];
    enabled?: boolean;
  };
  probes?: {
    /** Default 300 000 (5 min). */
    intervalMs?: number;
    enabled?: boolean;
  };
  /** Resubscribe the app when a probe finds it unsubscribed (and record that it did). Default false. */
  autoResubscribe?: boolean;
  /** POST every alarm and incident transition as JSON to this URL. */
  notifier?: AlarmNotifierOptions;
  /** Pooled detection per (channel, app): `platform_outage` when a pool goes silent together. */
  fleet?: Partial<FleetOptions>;
  /** The traffic history behind `watch.traffic` (charts): bucket length and hours kept per account. */
  series?: Partial<TrafficSeriesOptions>;
  /**
   * The platform call budget of reconciliation and probes, read from the usage the adapters report
   * (Meta's `X-App-Usage`, `X-Business-Use-Case-Usage`): stretched above 75 %, stopped when full.
   */
  budget?: Partial<CallBudgetOptions>;
}

/** How recently the accounts of one channel were reconciled (`watch.coverage()`). */
export interface ReconcileCoverage {
  channel: string;
  accounts: number;
  neverReconciled: number;
  /** Age of the oldest reconciliation (null while an account was never reconciled). */
  oldestAgeMs: number | null;
  /** Passes × interval: every account is reconciled at least this often. */
  fullRoundMs: number;
}

/** Reconciliation (verification) numbers of one account. */
export interface ReconcileHealth {
  /** When reconciliation of this account began: messages from then on are verified. */
  startedAt: number;
  lastRunAt: number | null;
  /**
   * Every conversation's messages up to this time (exclusive) have been verified by id: each is held
   * or named as unrecoverable. The next pass lists conversations updated since then.
   */
  verifiedThrough: number;
  /** How far behind verification is: time since `verifiedThrough` (grace period and pass interval included). */
  behindMs: number;
  /** Conversations that moved but were not yet verified at the last pass (Graph call budget). */
  pending: number;
  passes: number;
  /** Conversation windows compared by id, in total. */
  conversationsVerified: number;
  /** Conversations found missing messages, in total. */
  gapsFound: number;
  /** Of those, conversations that looked complete by time (a later webhook had arrived). */
  maskedGaps: number;
  backfilled: number;
  unrecoverable: number;
  lastError: string | null;
}

/** The watch's view of one channel account, part of `health()`. */
export interface WatchAccountHealth {
  channel: string;
  accountId: string;
  /** The numbers behind the silence alarm (null until the first check). */
  silence: SilenceVerdict | null;
  /** Newest inbound (customer) webhook event. */
  lastInboundAt: number | null;
  /** Null for channels without a history API (WhatsApp). */
  reconciliation: ReconcileHealth | null;
  delivery: { awaiting: number; overdue: number; lastOverdueAt: number | null };
  /** Results of the last scheduled probe run. */
  probes: HealthProbeResult[];
  /** Automatic resubscriptions done by the engine. */
  resubscriptions: Array<{ at: number; ok: boolean; error?: string }>;
  loss: LossAccount;
  alarms: Alarm[];
}
