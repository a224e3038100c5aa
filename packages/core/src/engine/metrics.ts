import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';

/** Why a webhook request was not acknowledged. */
export type RejectReason =
  | 'too_large'
  | 'unknown_channel'
  | 'signature'
  | 'store_unavailable'
  | 'challenge_failed'
  | 'method_not_allowed'
  | 'body_consumed';

/** The engine's Prometheus metrics, in a Registry of their own (never prom-client's global one). */
export interface EngineMetrics {
  registry: Registry;
  received: Counter<'channel'>;
  acked: Counter<'channel'>;
  rejected: Counter<'channel' | 'reason'>;
  events: Counter<'channel' | 'kind' | 'source'>;
  deduplicated: Counter<'channel' | 'source'>;
  backfilled: Counter<'channel'>;
  unrecoverable: Counter<'channel'>;
  problems: Counter<'channel'>;
  deadLettered: Counter<'source' | 'code'>;
  handlerFailures: Counter<'kind'>;
  /** Standby events stored but not handed to handlers (`standby: 'record'`). */
  standbyRecorded: Counter<'channel'>;
  sent: Counter<'channel'>;
  sendFailures: Counter<'channel' | 'code'>;
  held: Counter<'channel'>;
  /** Newest event time per channel account, read by the age gauge. */
  lastEventAt: Map<string, { channel: string; accountId: string; at: number }>;
}

export function createEngineMetrics(clock: Clock, store: Store): EngineMetrics {
  const registry = new Registry();
  const registers = [registry];
  const lastEventAt = new Map<string, { channel: string; accountId: string; at: number }>();
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  new Gauge({
    name: 'switchboard_last_event_age_seconds',
    help: 'Seconds since the newest event of each channel account was processed by this instance.',
    labelNames: ['channel', 'account'] as const,
    registers,
    collect() {
      const now = clock.now();
      for (const { channel, accountId, at } of lastEventAt.values()) {
        this.set({ channel, account: accountId }, Math.max(0, (now - at) / 1000));
      }
    },
  });
  new Gauge({
    name: 'switchboard_outbox_backlog',
    help: 'Outbox entries waiting for delivery, per channel account.',
    labelNames: ['channel', 'account'] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of await store.outbox.backlog())
        this.set({ channel: row.channel, account: row.accountId }, row.pending);
    },
  });
  return {
    registry,
    lastEventAt,
    received: counter('switchboard_webhooks_received_total', 'Webhook POST requests received.', ['channel']),
    acked: counter(
      'switchboard_webhooks_acked_total',
      'Webhook POST requests stored durably and answered 200.',
      ['channel'],
    ),
    rejected: counter(
      'switchboard_webhooks_rejected_total',
      'Webhook requests not acknowledged, by reason.',
      ['channel', 'reason'],
    ),
    events: counter('switchboard_events_total', 'New (non-duplicate) events stored.', [
      'channel',
      'kind',
      'source',
    ]),
    deduplicated: counter(
      'switchboard_events_deduplicated_total',
      'Events dropped as duplicates of a stored event.',
      ['channel', 'source'],
    ),
    backfilled: counter('switchboard_events_backfilled_total', 'New events recovered by backfill.', [
      'channel',
    ]),
    unrecoverable: counter(
      'switchboard_events_unrecoverable_total',
      'Messages known to be lost and not recoverable.',
      ['channel'],
    ),
    problems: counter('switchboard_webhook_problems_total', 'Webhook items the adapter could not model.', [
      'channel',
    ]),
    deadLettered: counter(
      'switchboard_dead_letters_total',
      'Bodies, events or sends given up on, by source and code.',
      ['source', 'code'],
    ),
    handlerFailures: counter('switchboard_handler_failures_total', 'Failed handler dispatch attempts.', [
      'kind',
    ]),
    standbyRecorded: counter(
      'switchboard_standby_recorded_total',
      'Events of conversations another app owns, stored without dispatch (standby: record).',
      ['channel'],
    ),
    sent: counter('switchboard_outbox_sent_total', 'Messages accepted by the platform.', ['channel']),
    sendFailures: counter('switchboard_outbox_send_failures_total', 'Failed send attempts, by error code.', [
      'channel',
      'code',
    ]),
    held: counter(
      'switchboard_events_held_total',
      'Events held because their account is not connected (unknown, paused or disconnected).',
      ['channel'],
    ),
  };
}
