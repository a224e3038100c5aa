import { CHAOS_BUTTONS } from '../shared/chaos-buttons.js';
import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { AccountHealthView, ChaosAction, HealthView, LiveMessage } from '../shared/types.js';
import { api } from './api.js';
import { clockTime, h, svg } from './dom.js';
import { accountCharts } from './health-charts.js';
import { alarmsCard, lossCard, recoveryCard, watchSection } from './health-watch.js';
import { CHANNEL_ICON } from './icons.js';

const STATUS_TEXT = { ok: 'Healthy', degraded: 'Degraded', down: 'Down' } as const;

function statusBadge(status: HealthView['status']) {
  return h('span', { class: `status ${status}`, 'data-status': status }, STATUS_TEXT[status]);
}

function age(ms: number | null): string {
  return ms === null ? 'never' : `${formatDuration(ms)} ago`;
}

function accountCard(a: AccountHealthView) {
  return h(
    'article',
    { class: `card account ${a.status}`, 'data-channel': a.channel, 'data-status': a.status },
    h(
      'header',
      null,
      svg(CHANNEL_ICON[a.channel] ?? '', 'icon'),
      h(
        'div',
        null,
        h('strong', null, CHANNEL_LABEL[a.channel] ?? a.channel),
        h('span', { class: 'muted' }, a.label),
      ),
      statusBadge(a.status),
    ),
    !a.messaging
      ? null
      : h(
          'dl',
          { class: 'facts' },
          h(
            'div',
            null,
            h('dt', null, 'Last inbound event'),
            h('dd', { 'data-testid': 'last-event' }, age(a.lastEventAgeMs)),
          ),
          h(
            'div',
            null,
            h('dt', null, 'Outbox backlog'),
            h(
              'dd',
              null,
              `${a.outboxBacklog}${a.outboxOldestAgeMs !== null ? ` · oldest ${formatDuration(a.outboxOldestAgeMs)}` : ''}`,
            ),
          ),
        ),
    h(
      'ul',
      { class: 'probes' },
      a.checks.length === 0 ? h('li', { class: 'muted' }, 'No probe for this account.') : null,
      a.checks.map((c) =>
        h(
          'li',
          { class: `probe ${c.status}`, 'data-probe': c.probe },
          h('span', { class: `dot ${c.status}`, title: STATUS_TEXT[c.status] }),
          h('div', null, h('strong', null, c.probe), h('p', null, c.reason)),
        ),
      ),
    ),
    a.messaging
      ? h('div', { class: 'account-chart', 'data-chart-account': `${a.channel}:${a.accountId}` })
      : null,
    a.messaging ? watchSection(a) : null,
  );
}

/** The channel health page: probes, the engine watch (silence, alarms, reconciliation, loss), chaos. */
export function mountHealth(main: HTMLElement) {
  const root = h('div', { class: 'health-page' });
  main.replaceChildren(root);
  const charts = accountCharts();
  let view: HealthView | undefined;
  let note = '';
  let noteTimer: ReturnType<typeof setTimeout> | undefined;
  const dot = document.getElementById('health-dot');

  const act = async (action: ChaosAction | 'reconcile') => {
    try {
      if (action === 'reconcile') {
        const runs = await api.reconcile();
        const recovered = runs.reduce((n, r) => n + r.backfilled, 0);
        toast(`Reconciled ${runs.length} account(s): ${recovered} message(s) recovered.`);
      } else toast((await api.chaos(action)).message);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error));
    }
    await refresh(true);
  };

  const toast = (text: string) => {
    note = text;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => {
      note = '';
      render();
    }, 8_000);
  };

  const render = () => {
    if (!view) return;
    const v = view;
    if (dot) dot.className = `dot ${v.status}`;
    const counters = new Map(v.counters.map((c) => [c.name, c.value]));
    root.replaceChildren(
      h(
        'section',
        { class: `overall ${v.status}`, 'data-testid': 'overall', 'data-status': v.status },
        h(
          'div',
          null,
          h(
            'h1',
            null,
            v.status === 'ok'
              ? 'All channels healthy'
              : v.status === 'degraded'
                ? 'Some channels are degraded'
                : 'A channel is down',
          ),
          h(
            'p',
            { class: 'muted' },
            `Checked at ${clockTime(v.checkedAt)} · refreshes every 5 s · `,
            h('a', { href: '/metrics', target: '_blank', rel: 'noopener' }, 'Prometheus metrics ↗'),
          ),
        ),
        statusBadge(v.status),
      ),
      ...(note ? [h('div', { class: 'toast', role: 'status' }, note)] : []),
      ...(v.simulator
        ? [
            h(
              'section',
              { class: 'card chaos', 'data-testid': 'chaos' },
              h('h2', null, 'Chaos controls ', h('span', { class: 'pill sim' }, 'simulator')),
              h(
                'p',
                { class: 'muted' },
                'Break the simulated Meta platform and watch Switchboard notice and recover.',
              ),
              h(
                'div',
                { class: 'chaos-buttons' },
                CHAOS_BUTTONS.map((c) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      title: c.hint,
                      'data-testid': c.testid,
                      onclick: () => void act(c.action),
                    },
                    c.label,
                  ),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'ghost',
                    'data-testid': 'chaos-renew',
                    onclick: () => void act({ type: 'renew-tokens' }),
                  },
                  'Renew tokens',
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'ghost',
                    'data-testid': 'chaos-clear',
                    onclick: () => void act({ type: 'clear' }),
                  },
                  'Clear all faults',
                ),
              ),
              h(
                'ul',
                { class: 'faults' },
                v.simulator.faults.length === 0 ? h('li', { class: 'muted' }, 'No active fault.') : null,
                v.simulator.faults.map((f) =>
                  h(
                    'li',
                    { 'data-fault': f.type },
                    '⚡ ',
                    f.label,
                    f.until
                      ? h('span', { class: 'muted' }, ` · ends in ${formatDuration(f.until - Date.now())}`)
                      : null,
                  ),
                ),
              ),
            ),
          ]
        : []),
      h('section', { class: 'accounts' }, v.accounts.map(accountCard)),
      h('div', { class: 'grid2' }, alarmsCard(v), lossCard(v)),
      recoveryCard(v, () => void act('reconcile')),
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Delivery'),
        h(
          'dl',
          { class: 'facts' },
          fact('Dead letters', v.deadLetters),
          fact('Outbox pending', v.outbox.pending),
          fact('Sends failed', v.outbox.failed),
          fact('Events stored', counters.get('events.inserted') ?? 0),
        ),
        v.simulator
          ? h(
              'p',
              { class: 'muted truth' },
              `Simulator ground truth: ${v.simulator.truth.generated} generated · ${v.simulator.truth.delivered} delivered · ${v.simulator.truth.lost} not (yet) delivered · ${v.simulator.truth.duplicated} duplicated`,
            )
          : null,
      ),
    );
    charts.attach(root);
  };

  let inflight = false;
  async function refresh(fresh = false) {
    if (inflight) return;
    inflight = true;
    try {
      [view] = await Promise.all([api.health(fresh), charts.refresh()]);
      render();
    } catch (error) {
      console.warn('health refresh failed', error);
    } finally {
      inflight = false;
    }
  }

  root.append(h('p', { class: 'muted loading' }, 'Running health probes…'));
  void refresh();
  setInterval(() => void refresh(), 5_000);
  return {
    onLive(message: LiveMessage) {
      if (message.type === 'alarm') {
        const a = message.alarm;
        toast(`Alarm ${a.state}: ${a.message} (${CHANNEL_LABEL[a.channel] ?? a.channel} ${a.label})`);
        void refresh(true);
      } else if (message.type === 'health') void refresh();
    },
    onReconnect() {
      void refresh();
    },
  };
}

function fact(label: string, value: number) {
  return h('div', null, h('dt', null, label), h('dd', null, value.toLocaleString()));
}
