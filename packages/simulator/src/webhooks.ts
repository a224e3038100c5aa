import type { Clock, Logger } from '@switchboard/core';
import { buildEnvelope, fieldFor, subscriptionId } from './envelope.js';
import type { ActiveFault, FaultRegistry } from './faults.js';
import { metaStringify, signSha1, signSha256 } from './meta-json.js';
import { onboardingState } from './onboarding-state.js';
import type { SimState } from './state.js';
import type { TruthLedger } from './truth.js';
import type { DeliveryAttempt, SimChannel, TruthRecord } from './types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Messenger/Instagram: a few quick retries, then keep trying until the 1 h unsubscribe. */
const MESSAGING_RETRY_MS = [1 * SECOND, 5 * SECOND, 15 * SECOND, MINUTE, 5 * MINUTE];
/** WhatsApp: decreasing frequency, for up to 7 days. */
const WHATSAPP_RETRY_MS = [
  5 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  12 * HOUR,
  24 * HOUR,
];
export const ALERT_AFTER_MS = 15 * MINUTE;
export const UNSUBSCRIBE_AFTER_MS = HOUR;
export const WHATSAPP_RETRY_FOR_MS = 7 * 24 * HOUR;

export interface WebhookSenderOptions {
  clock: Clock;
  state: SimState;
  truth: TruthLedger;
  faults: FaultRegistry;
  targets: Partial<Record<SimChannel, string>>;
  batchWindowMs: number;
  maxEvents: number;
  timeoutMs: number;
  logger?: Logger;
}

interface Batch {
  channel: SimChannel;
  records: TruthRecord[];
  body: string;
  createdAt: number;
  attempt: number;
  /** WABA whose `override_callback_uri` receives the batch; '' for the app's callback URL. */
  route: string;
  /** Page / IG account / WABA ids whose delivery health this batch affects. */
  subscriptions: string[];
}

interface Failing {
  since: number;
  cancel: Array<() => void>;
}

/** Delivers webhooks like Meta: serialized and signed as Meta does, batched, retried, and subject to faults. */
export class WebhookSender {
  /** Per `${channel}|${route}`: the app URL, or a WABA's override URL. */
  private readonly pending = new Map<string, TruthRecord[]>();
  private readonly flushScheduled = new Set<string>();
  private readonly held: Array<{ faultId: string; record: TruthRecord }> = [];
  private readonly failing = new Map<string, Failing>();
  private readonly inflight = new Set<Promise<unknown>>();
  private immediates = 0;
  private stopped = false;

  constructor(private readonly o: WebhookSenderOptions) {
    o.faults.onEnd((fault) => this.release(fault));
  }

  setTarget(channel: SimChannel, url: string | undefined): void {
    if (url) this.o.targets[channel] = url;
    else delete this.o.targets[channel];
  }

  /** Routes a freshly generated record through subscriptions and faults towards delivery. */
  emit(record: TruthRecord): void {
    const { faults, state } = this.o;
    if (!this.urlFor(record.channel, this.routeOf(record))) {
      record.dropped = 'no-target';
      return;
    }
    const subId = subscriptionId(state.world, record.channel, record.accountId);
    const fields = state.subscriptions.get(subId);
    // Partner events follow the app-level account_update subscription, not the WABA's.
    const partner = record.type === 'account' && record.kind === 'account_update';
    if (!partner && (!fields || (record.channel !== 'whatsapp' && !fields.includes(fieldFor(record))))) {
      record.dropped = 'unsubscribed';
      return;
    }
    const outage = faults.find('webhook-outage', record.channel, record.accountId);
    if (outage?.mode === 'drop') {
      record.dropped = 'outage';
      return;
    }
    if (outage?.mode === 'hold') {
      this.held.push({ faultId: outage.id, record });
      return;
    }
    const latency = faults.find('latency', record.channel, record.accountId)?.ms ?? 0;
    const reorder = faults.find('reorder', record.channel, record.accountId);
    const delay = latency + (reorder ? faults.random() * reorder.windowMs : 0);
    if (delay > 0) this.o.clock.setTimeout(() => this.enqueue(record), delay);
    else this.enqueue(record);
  }

  /** Resolves when no POST is in flight and nothing is queued for delivery now. */
  async idle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      else if (this.immediates === 0) return;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.failing.values()) for (const c of f.cancel) c();
    this.failing.clear();
  }

  /** Unsubscribes the app from a Page / IG account / WABA, as Meta does after 1 h of failures. */
  unsubscribe(channel: SimChannel, subId: string, reason: 'unsubscribed'): void {
    this.o.state.subscriptions.delete(subId);
    this.clearFailing(subId);
    this.o.truth.alerts.push({ at: this.o.clock.now(), channel, accountId: subId, kind: reason });
  }

  private release(fault: ActiveFault): void {
    if (fault.type !== 'webhook-outage' || fault.mode !== 'hold') return;
    const released = this.held.filter((h) => h.faultId === fault.id);
    for (const h of released) this.held.splice(this.held.indexOf(h), 1);
    for (const h of released) this.emit(h.record);
  }

  /**
   * Only WhatsApp messaging webhooks follow a WABA's override (§9.1); account webhooks, Messenger and
   * Instagram always go to the app's URL.
   */
  private routeOf(record: TruthRecord): string {
    if (record.channel !== 'whatsapp' || record.type === 'account') return '';
    // Precedence: the number's override, then its WABA's, then the app's URL.
    const overrides = onboardingState(this.o.state).overrides;
    if (overrides.has(record.accountId)) return record.accountId;
    const wabaId = subscriptionId(this.o.state.world, record.channel, record.accountId);
    return overrides.has(wabaId) ? wabaId : '';
  }

  private urlFor(channel: SimChannel, route: string): string | undefined {
    const override = route ? onboardingState(this.o.state).overrides.get(route)?.uri : undefined;
    return override ?? this.o.targets[channel];
  }

  private enqueue(record: TruthRecord): void {
    if (this.stopped) return;
    const key = `${record.channel}|${this.routeOf(record)}`;
    const list = this.pending.get(key) ?? [];
    list.push(record);
    this.pending.set(key, list);
    if (this.flushScheduled.has(key)) return;
    this.flushScheduled.add(key);
    if (this.o.batchWindowMs > 0) {
      this.o.clock.setTimeout(() => this.flush(key), this.o.batchWindowMs);
    } else {
      this.immediates++;
      setImmediate(() => {
        this.immediates--;
        this.flush(key);
      });
    }
  }

  private flush(key: string): void {
    this.flushScheduled.delete(key);
    const list = this.pending.get(key) ?? [];
    this.pending.delete(key);
    const [channel, route = ''] = key.split('|') as [SimChannel, string?];
    for (let i = 0; i < list.length; i += this.o.maxEvents) {
      const records = list.slice(i, i + this.o.maxEvents);
      const now = this.o.clock.now();
      const body = metaStringify(buildEnvelope(this.o.state.world, channel, records, now));
      const subscriptions = [
        ...new Set(records.map((r) => subscriptionId(this.o.state.world, channel, r.accountId))),
      ];
      this.attempt({ channel, records, body, createdAt: now, attempt: 0, subscriptions, route }, false);
    }
  }

  private attempt(batch: Batch, duplicate: boolean): void {
    if (this.stopped) return;
    const url = this.urlFor(batch.channel, batch.route);
    if (!url) return;
    batch.attempt++;
    const at = this.o.clock.now();
    const p = this.post(url, batch.body).then((status) => this.settle(batch, duplicate, { at, status }));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async post(url: string, body: string): Promise<DeliveryAttempt['status']> {
    const secret = this.o.state.world.app.secret;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signSha256(body, secret),
          'x-hub-signature': signSha1(body, secret),
        },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch (err) {
      const name = (err as { name?: string }).name;
      return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error';
    }
  }

  private settle(batch: Batch, duplicate: boolean, attempt: DeliveryAttempt): void {
    const ok = typeof attempt.status === 'number' && attempt.status >= 200 && attempt.status < 300;
    for (const r of batch.records) {
      r.attempts.push(attempt);
      if (ok) {
        r.deliveredCount++;
        r.deliveredAt ??= attempt.at;
      }
    }
    if (this.stopped) return;
    if (!ok)
      this.o.logger?.debug('webhook delivery failed', {
        channel: batch.channel,
        status: attempt.status,
        attempt: batch.attempt,
      });
    if (duplicate) return;
    if (ok) {
      for (const id of batch.subscriptions) this.clearFailing(id);
      const dup = this.o.faults.find('duplicates', batch.channel, batch.records[0]?.accountId);
      if (dup && this.o.faults.chance(dup.rate)) this.attempt(batch, true);
      return;
    }
    for (const id of batch.subscriptions) this.markFailing(batch.channel, id);
    this.scheduleRetry(batch);
  }

  private scheduleRetry(batch: Batch): void {
    const { clock, state } = this.o;
    const index = batch.attempt - 1;
    if (batch.channel === 'whatsapp') {
      const delay = WHATSAPP_RETRY_MS[Math.min(index, WHATSAPP_RETRY_MS.length - 1)] ?? 24 * HOUR;
      if (clock.now() + delay - batch.createdAt > WHATSAPP_RETRY_FOR_MS) {
        this.abandon(batch);
        return;
      }
      clock.setTimeout(() => this.attempt(batch, false), delay);
      return;
    }
    const delay = MESSAGING_RETRY_MS[Math.min(index, MESSAGING_RETRY_MS.length - 1)] ?? 5 * MINUTE;
    clock.setTimeout(() => {
      if (batch.subscriptions.every((id) => !state.subscriptions.has(id))) this.abandon(batch);
      else this.attempt(batch, false);
    }, delay);
  }

  private abandon(batch: Batch): void {
    for (const r of batch.records) if (r.deliveredCount === 0) r.dropped = 'abandoned';
  }

  private markFailing(channel: SimChannel, subId: string): void {
    if (this.failing.has(subId)) return;
    const { clock, truth } = this.o;
    const since = clock.now();
    const failing: Failing = { since, cancel: [] };
    this.failing.set(subId, failing);
    failing.cancel.push(
      clock.setTimeout(
        () => truth.alerts.push({ at: clock.now(), channel, accountId: subId, kind: 'failing-15min' }),
        ALERT_AFTER_MS,
      ),
    );
    if (channel !== 'whatsapp') {
      failing.cancel.push(
        clock.setTimeout(() => this.unsubscribe(channel, subId, 'unsubscribed'), UNSUBSCRIBE_AFTER_MS),
      );
    }
  }

  private clearFailing(subId: string): void {
    const f = this.failing.get(subId);
    if (!f) return;
    for (const c of f.cancel) c();
    this.failing.delete(subId);
  }

  /** Accounts currently failing, with the time the failures started. */
  failingSince(): Record<string, number> {
    return Object.fromEntries([...this.failing].map(([id, f]) => [id, f.since]));
  }
}
