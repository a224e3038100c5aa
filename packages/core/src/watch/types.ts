import type { HealthProbeResult } from '../adapter.js';
import type { Alarm } from './alarms.js';
import type { BaselinePrior } from './baseline.js';
import type { LossAccount } from './loss.js';
import type { AlarmNotifierOptions } from './notifier.js';
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
    /** A conversation must have moved at least this long ago to count as a gap. Default 60 000. */
    graceMs?: number;
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
  /** POST every alarm as JSON to this URL. */
  notifier?: AlarmNotifierOptions;
}

/** Reconciliation numbers of one account. */
export interface ReconcileHealth {
  /** When reconciliation of this account began: backfill start for conversations never seen. */
  startedAt: number;
  lastRunAt: number | null;
  /** Conversations updated since this time are listed by the next pass. */
  cursor: number;
  passes: number;
  gapsFound: number;
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
