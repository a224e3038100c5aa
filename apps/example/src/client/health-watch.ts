import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { AccountHealthView, AlarmView, HealthView, SilenceView } from '../shared/types.js';
import { h } from './dom.js';

const ALARM_TITLE: Record<string, string> = {
  silence: 'Unusual silence',
  webhook_gap: 'Missed webhooks',
  delivery_pipeline: 'Echoes / statuses missing',
  subscription: 'Webhook subscription',
  token: 'Access token',
  probe: 'Health probe',
};

/** `12:04:31` — alarms move in seconds, so the page shows them. */
export function timeOfDay(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A probability as people read it: `82 %`, `1 in 43 200`. */
export function chance(p: number): string {
  if (p >= 0.995) return 'almost certain';
  if (p >= 0.01) return `${Math.round(p * 100)} %`;
  if (p <= 0) return 'practically zero';
  return `1 in ${Math.round(1 / p).toLocaleString()}`;
}

/** Inbound rate in words: `3.2 per hour`, `one every 40 min`. */
export function rateText(perHour: number): string {
  if (perHour <= 0) return 'none';
  if (perHour >= 1) return `${perHour >= 10 ? Math.round(perHour) : perHour.toFixed(1)} per hour`;
  return `about one every ${formatDuration(3_600_000 / perHour)}`;
}

/** The silence detector's numbers as three readable sentences. */
function silenceLines(s: SilenceView, lastInboundAt: number | null) {
  const sinceStart = lastInboundAt === null || s.windowStart > lastInboundAt;
  return h(
    'ul',
    { class: 'silence-lines', 'data-testid': 'silence' },
    h(
      'li',
      null,
      h('b', null, 'Expected traffic: '),
      `${rateText(s.ratePerHour)} at this hour of the week (learned from ${s.observedHours < 1 ? 'under an hour' : `${Math.round(s.observedHours)} h`} of history).`,
    ),
    h(
      'li',
      null,
      h('b', null, 'Quiet for: '),
      `${formatDuration(s.windowMs)}${sinceStart ? ' (since the watch started)' : ''} — about ${s.expected < 0.1 ? s.expected.toFixed(2) : s.expected.toFixed(1)} message(s) were expected, so a quiet stretch this long happens by chance ${chance(s.probability)} of the time.`,
    ),
    h(
      'li',
      null,
      h('b', null, 'Alarm: '),
      s.alarm
        ? `raised — this silence is less likely than ${chance(s.threshold)}.`
        : `when a silence is less likely than ${chance(s.threshold)} (at most one false alarm a month).`,
      s.note ? h('span', { class: 'muted' }, ` ${s.note}.`) : null,
    ),
  );
}

/** One alarm (or alarm event) line. */
export function alarmLine(a: AlarmView, withAccount: boolean) {
  return h(
    'li',
    { class: `alarm ${a.state} ${a.severity}`, 'data-alarm': a.type, 'data-state': a.state },
    h('span', { class: `alarm-tag ${a.state === 'cleared' ? 'cleared' : a.severity}` }, a.state),
    h(
      'div',
      null,
      h(
        'strong',
        null,
        ALARM_TITLE[a.type] ?? a.type,
        withAccount
          ? h('span', { class: 'muted' }, ` · ${CHANNEL_LABEL[a.channel] ?? a.channel} ${a.label}`)
          : null,
      ),
      h('p', null, a.message),
      h(
        'p',
        { class: 'muted when' },
        a.state === 'raised'
          ? `raised ${timeOfDay(a.raisedAt)}${a.repeats ? ` · updated ${timeOfDay(a.at)} (${a.repeats}×)` : ''}`
          : `raised ${timeOfDay(a.raisedAt)} · cleared ${timeOfDay(a.at)}`,
      ),
    ),
  );
}

/** The watch part of an account card: active alarms, silence numbers, reconciliation, delivery. */
export function watchSection(a: AccountHealthView) {
  const w = a.watch;
  if (!w) return null;
  const r = w.reconciliation;
  return h(
    'div',
    { class: 'watch', 'data-testid': 'watch' },
    w.alarms.length
      ? h(
          'ul',
          { class: 'alarms' },
          w.alarms.map((x) => alarmLine(x, false)),
        )
      : null,
    h('h3', null, 'Silence watch'),
    w.silence
      ? silenceLines(w.silence, w.lastInboundAt)
      : h('p', { class: 'muted small' }, 'First check within a minute of start.'),
    h('h3', null, 'Reconciliation'),
    r
      ? h(
          'p',
          { class: 'small', 'data-testid': 'reconciliation' },
          r.lastRunAt === null
            ? 'No pass yet. '
            : `${r.passes} pass(es), last at ${timeOfDay(r.lastRunAt)}. `,
          `${r.conversationsVerified} conversation window(s) verified by message id, all up to ${timeOfDay(r.verifiedThrough)} `,
          `(${formatDuration(r.behindMs)} behind${r.pending ? `, ${r.pending} conversation(s) waiting` : ''}). `,
          `${r.gapsFound} conversation(s) missed messages`,
          r.maskedGaps ? ` (${r.maskedGaps} hidden by a later webhook)` : '',
          `; ${r.backfilled} message(s) backfilled`,
          r.unrecoverable ? `, ${r.unrecoverable} beyond the API's reach.` : '.',
          r.lastError ? h('span', { class: 'err' }, ` ${r.lastError}`) : null,
        )
      : h(
          'p',
          { class: 'muted small' },
          'WhatsApp has no history API: missed messages cannot be fetched again (Meta retries for up to 7 days).',
        ),
    h(
      'p',
      { class: 'small muted' },
      `Sends awaiting their ${a.channel === 'whatsapp' ? 'status' : 'echo'}: ${w.delivery.awaiting}`,
      w.delivery.overdue
        ? h('span', { class: 'err' }, ` · ${w.delivery.overdue} overdue`)
        : ' · none overdue',
      w.resubscriptions.length
        ? ` · resubscribed ${w.resubscriptions.length}× (last ${timeOfDay(w.resubscriptions.at(-1)?.at ?? 0)})`
        : '',
    ),
  );
}

/** Active alarms of every account and the recent raise / clear history. */
export function alarmsCard(v: HealthView) {
  return h(
    'section',
    { class: 'card', 'data-testid': 'alarms' },
    h('h2', null, 'Alarms', v.alarms.length ? h('span', { class: 'count' }, String(v.alarms.length)) : null),
    !v.watching
      ? h('p', { class: 'muted' }, 'The engine watch is off (WATCH=off): no silence detection, no alarms.')
      : v.alarms.length
        ? h(
            'ul',
            { class: 'alarms' },
            v.alarms.map((a) => alarmLine(a, true)),
          )
        : h(
            'p',
            { class: 'muted' },
            'No active alarm. Alarms appear here live, the moment the engine raises them.',
          ),
    v.alarmHistory.length
      ? [
          h('h3', null, 'Recent alarm events'),
          h(
            'ul',
            { class: 'history', 'data-testid': 'alarm-history' },
            v.alarmHistory.map((a) =>
              h(
                'li',
                { 'data-alarm': a.type, 'data-state': a.state },
                h('span', { class: 'muted' }, timeOfDay(a.at)),
                h('span', { class: `alarm-tag ${a.state === 'cleared' ? 'cleared' : a.severity}` }, a.state),
                h(
                  'span',
                  null,
                  `${ALARM_TITLE[a.type] ?? a.type} · ${CHANNEL_LABEL[a.channel] ?? a.channel} ${a.label}`,
                ),
              ),
            ),
          ),
        ]
      : null,
  );
}

/** Loss accounting per account, from the engine's counters. */
export function lossCard(v: HealthView) {
  const rows = v.accounts.filter((a) => a.watch && a.messaging);
  const total = (f: 'received' | 'duplicates' | 'backfilled' | 'unrecoverable') =>
    rows.reduce((n, a) => n + (a.watch?.loss[f] ?? 0), 0);
  return h(
    'section',
    { class: 'card', 'data-testid': 'loss' },
    h('h2', null, 'Loss accounting'),
    h(
      'dl',
      { class: 'facts four' },
      fact('Received', total('received'), 'loss-received'),
      fact('Duplicates dropped', total('duplicates'), 'loss-duplicates'),
      fact('Recovered by backfill', total('backfilled'), 'loss-backfilled'),
      fact('Unrecoverable', total('unrecoverable'), 'loss-unrecoverable'),
    ),
    rows.length
      ? h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['Account', 'Received', 'Duplicates', 'Backfilled', 'Unrecoverable'].map((t) =>
                h('th', null, t),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            rows.map((a) => {
              const l = a.watch!.loss;
              const lost = Object.entries(l.unrecoverableConversations);
              return h(
                'tr',
                { 'data-channel': a.channel },
                h('td', null, `${CHANNEL_LABEL[a.channel] ?? a.channel} · ${a.label}`),
                h('td', null, String(l.received)),
                h('td', null, String(l.duplicates + l.refetched)),
                h('td', { 'data-testid': 'row-backfilled' }, String(l.backfilled)),
                h(
                  'td',
                  { class: l.unrecoverable ? 'err' : '' },
                  String(l.unrecoverable),
                  lost.length
                    ? h(
                        'div',
                        { class: 'ids' },
                        lost.map(([id, n]) =>
                          h(
                            'code',
                            { title: (l.unrecoverableMessageIds[id] ?? []).join('\n') || `${n} message(s)` },
                            `${id} (${n})`,
                          ),
                        ),
                      )
                    : null,
                ),
              );
            }),
          ),
        )
      : h('p', { class: 'muted' }, 'Loss accounting needs the engine watch (WATCH=on).'),
  );
}

/** Reconciliation passes that found missing messages (automatic and manual). */
export function recoveryCard(v: HealthView, reconcileNow: () => void) {
  const every = v.reconcile ? formatDuration(v.reconcile.intervalMs) : '';
  return h(
    'section',
    { class: 'card', 'data-testid': 'recovery' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', null, 'Reconciliation & backfill'),
      v.backfillChannels.length
        ? h('button', { type: 'button', 'data-testid': 'reconcile', onclick: reconcileNow }, 'Reconcile now')
        : null,
    ),
    h(
      'p',
      { class: 'muted small' },
      v.reconcile
        ? `Every ${every} the engine compares, by message id, every ${v.backfillChannels.map((c) => CHANNEL_LABEL[c] ?? c).join(' and ')} conversation that moved with what it holds (up to ${formatDuration(v.reconcile.graceMs)} ago); a missing message is backfilled at once, or named when beyond the API's reach. WhatsApp has no history API.`
        : 'The engine watch is off: nothing reconciles.',
    ),
    v.recoveryRuns.length === 0
      ? h('p', { class: 'muted' }, 'No gap found yet: every message verified so far came with its webhook.')
      : h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['When', 'Run', 'Account', 'Gaps', 'Backfilled', 'Duplicates', 'Unrecoverable', ''].map(
                (t) => h('th', null, t),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            v.recoveryRuns.map((r) =>
              h(
                'tr',
                { 'data-trigger': r.trigger, 'data-channel': r.channel },
                h('td', null, timeOfDay(r.at)),
                h('td', null, h('span', { class: `pill ${r.trigger}` }, r.trigger)),
                h('td', null, `${CHANNEL_LABEL[r.channel] ?? r.channel} · ${r.label}`),
                h('td', null, String(r.gaps)),
                h('td', { 'data-testid': 'run-backfilled' }, String(r.backfilled)),
                h('td', null, String(r.duplicates)),
                h('td', null, String(r.unrecoverable)),
                h('td', { class: r.error ? 'err' : 'muted' }, r.error ?? 'ok'),
              ),
            ),
          ),
        ),
  );
}

function fact(label: string, value: number, testid?: string) {
  return h(
    'div',
    null,
    h('dt', null, label),
    h('dd', testid ? { 'data-testid': testid } : null, value.toLocaleString()),
  );
}
