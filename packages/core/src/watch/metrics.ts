import { Gauge, type Registry } from 'prom-client';
import type { Watch } from './watch.js';

/**
 * Registers the watch's gauges: silence numbers, active alarms and per-account loss accounting. Values
 * are read from the watch when Prometheus scrapes.
 */
export function registerWatchMetrics(registry: Registry, watch: Watch): void {
  const registers = [registry];
  const labelNames = ['channel', 'account'] as const;
  const silenceGauge = (name: string, help: string, pick: (v: NonNullable<SilenceOf>) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        for (const a of await watch.health())
          if (a.silence) this.set({ channel: a.channel, account: a.accountId }, pick(a.silence));
      },
    });
  silenceGauge(
    'switchboard_baseline_rate_per_hour',
    'Inbound events per hour expected now (hour-of-week baseline).',
    (s) => s.ratePerHour,
  );
  silenceGauge(
    'switchboard_silence_window_seconds',
    'Seconds since the newest inbound webhook event (the current silent window).',
    (s) => s.windowMs / 1000,
  );
  silenceGauge(
    'switchboard_silence_probability',
    'Probability of the current silence under the baseline (alarm below the threshold).',
    (s) => s.probability,
  );
  silenceGauge(
    'switchboard_silence_threshold',
    'Alarm threshold of the silence probability.',
    (s) => s.threshold,
  );
  new Gauge({
    name: 'switchboard_alarms_active',
    help: 'Raised alarms, by type and channel account.',
    labelNames: ['type', 'channel', 'account'] as const,
    registers,
    collect() {
      this.reset();
      for (const a of watch.alarms()) this.inc({ type: a.type, channel: a.channel, account: a.accountId });
    },
  });
  new Gauge({
    name: 'switchboard_loss_events',
    help: 'Loss accounting per channel account: received, duplicates, refetched, backfilled, unrecoverable.',
    labelNames: ['channel', 'account', 'kind'] as const,
    registers,
    async collect() {
      this.reset();
      for (const l of await watch.loss()) {
        const labels = { channel: l.channel, account: l.accountId };
        this.set({ ...labels, kind: 'received' }, l.received);
        this.set({ ...labels, kind: 'duplicates' }, l.duplicates);
        this.set({ ...labels, kind: 'refetched' }, l.refetched);
        this.set({ ...labels, kind: 'backfilled' }, l.backfilled);
        this.set({ ...labels, kind: 'unrecoverable' }, l.unrecoverable);
      }
    },
  });
}

type SilenceOf = Awaited<ReturnType<Watch['health']>>[number]['silence'];
