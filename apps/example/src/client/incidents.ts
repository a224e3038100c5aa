import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { IncidentsView, IncidentView, TrafficView } from '../shared/incident-types.js';
import type { LiveMessage } from '../shared/types.js';
import { api } from './api.js';
import { h } from './dom.js';
import { chartShelf } from './traffic-chart.js';

const KIND_TEXT = { platform: 'Platform-wide', app: 'One app', account: 'One account' } as const;
const STATE_CLASS = { open: 'down', recovering: 'degraded', closed: 'ok' } as const;

const when = (at: number | null) => (at === null ? '—' : new Date(at).toLocaleString());
const yesNo = (value: boolean | null, yes: string, no: string) =>
  value === null ? 'not known' : value ? yes : no;

/** A packet shown on the page: which incident, which format, its text. */
interface ShownPacket {
  id: string;
  format: 'json' | 'markdown';
  text: string;
}

function facts(i: IncidentView) {
  const end = i.resumedAt ?? i.closedAt ?? Date.now();
  const row = (label: string, value: string | number, testid?: string) =>
    h('div', null, h('dt', null, label), h('dd', testid ? { 'data-testid': testid } : null, String(value)));
  return h(
    'dl',
    { class: 'facts' },
    row('Started', when(i.startedAt)),
    row('Detected', when(i.openedAt)),
    row('Traffic resumed', when(i.resumedAt)),
    row('Closed', when(i.closedAt)),
    row('Duration', formatDuration(end - i.startedAt)),
    row('Recovered', i.counts.recovered, 'count-recovered'),
    row('Lost', i.counts.lost, 'count-lost'),
    row('Lost, named by id', i.counts.named, 'count-named'),
    row('Delivered late by retries', i.counts.deliveredLate, 'count-late'),
    row('Estimated missed (usual traffic)', `about ${i.counts.estimatedMissed}`, 'count-estimated'),
  );
}

/** Incidents whose account list the user opened: kept open across the page's refreshes. */
const openLists = new Set<string>();

function scope(i: IncidentView) {
  return h(
    'div',
    { class: 'scope', 'data-testid': 'scope' },
    h(
      'p',
      null,
      h('strong', null, `${CHANNEL_LABEL[i.channel] ?? i.channel}`),
      i.appIds.length > 0 ? ` · app ${i.appIds.join(', ')} · ` : ' · ',
      h('span', { 'data-testid': 'scope-accounts' }, `${i.accountsTotal} account(s)`),
      ` · tenants ${i.tenants.join(', ') || '—'} · alarms ${i.alarmTypes.join(', ')}`,
    ),
    h(
      'details',
      {
        open: openLists.has(i.id),
        ontoggle: (e: Event) => {
          if ((e.target as HTMLDetailsElement).open) openLists.add(i.id);
          else openLists.delete(i.id);
        },
      },
      h(
        'summary',
        null,
        `Accounts${i.accountsTotal > i.accounts.length ? ` (first ${i.accounts.length})` : ''}`,
      ),
      h(
        'ul',
        { class: 'plain' },
        i.accounts.map((a) => h('li', null, `${a.label} (${a.accountId})`)),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Evidence: Graph API ${yesNo(i.evidence.graphReachable, 'reachable', 'unreachable')}; sends ${yesNo(i.evidence.sendsConfirmed, 'still confirmed by webhooks', 'not confirmed')}; probes ${i.evidence.probes.ok} ok, ${i.evidence.probes.degraded} degraded, ${i.evidence.probes.down} down; catch-up ${
        i.evidence.catchUp === null
          ? 'not possible (no history API)'
          : i.evidence.catchUp.pending === 0
            ? 'done'
            : `${i.evidence.catchUp.pending} account(s), about ${formatDuration(i.evidence.catchUp.etaMs)}`
      }.`,
    ),
  );
}

function incidentCard(
  i: IncidentView,
  shown: ShownPacket | null,
  view: (format: ShownPacket['format']) => void,
) {
  const base = `/api/incidents/${encodeURIComponent(i.id)}`;
  return h(
    'article',
    {
      class: `card incident ${STATE_CLASS[i.state]}`,
      'data-incident': i.id,
      'data-state': i.state,
      'data-kind': i.kind,
    },
    h(
      'header',
      null,
      h(
        'div',
        null,
        h('strong', null, `${KIND_TEXT[i.kind]} webhook outage`),
        h('span', { class: 'muted' }, ` ${i.id}`),
      ),
      h('span', { class: `status ${STATE_CLASS[i.state]}`, 'data-testid': 'incident-state' }, i.state),
    ),
    scope(i),
    facts(i),
    h('h3', null, 'Status for tenants'),
    i.statusTexts.length === 0
      ? h('p', { class: 'muted' }, 'No tenant is affected.')
      : i.statusTexts.map((s) =>
          h(
            'blockquote',
            { class: 'status-text', 'data-tenant': s.tenantId },
            h('strong', null, `${s.tenantId}: `),
            s.text,
          ),
        ),
    h('h3', null, 'Timeline'),
    h(
      'ol',
      { class: 'timeline', 'data-testid': 'timeline' },
      i.timeline.map((t) => h('li', null, h('time', null, new Date(t.at).toLocaleTimeString()), ' ', t.what)),
    ),
    h('h3', null, 'Escalation packet'),
    h(
      'div',
      { class: 'packet-actions' },
      h('button', { type: 'button', 'data-testid': 'view-json', onclick: () => view('json') }, 'View JSON'),
      h(
        'button',
        { type: 'button', 'data-testid': 'view-markdown', onclick: () => view('markdown') },
        'View Markdown',
      ),
      h('a', { href: `${base}/packet.json`, download: '', 'data-testid': 'download-json' }, 'Download JSON'),
      h(
        'a',
        { href: `${base}/packet.md`, download: '', 'data-testid': 'download-markdown' },
        'Download Markdown',
      ),
    ),
    shown && shown.id === i.id
      ? h('pre', { class: 'packet', 'data-testid': 'packet', 'data-format': shown.format }, shown.text)
      : null,
  );
}

/** The Incidents page: the fleet's traffic per channel against its expected band, open and past incidents. */
export function mountIncidents(main: HTMLElement) {
  const root = h('div', { class: 'incidents-page' });
  main.replaceChildren(root);
  const width = Math.max(320, Math.min(1100, main.clientWidth - 48));
  const charts = chartShelf({ width, height: 220 });
  let incidents: IncidentsView | undefined;
  let traffic: TrafficView | undefined;
  let shown: ShownPacket | null = null;
  let note = '';

  const view = async (id: string, format: ShownPacket['format']) => {
    try {
      const packet = await api.packet(id);
      shown = {
        id,
        format,
        text: format === 'json' ? JSON.stringify(packet.json, null, 2) : packet.markdown,
      };
    } catch (error) {
      note = error instanceof Error ? error.message : String(error);
    }
    render();
  };

  const render = () => {
    const pools = traffic?.pools ?? [];
    charts.keep(new Set(pools.map((p) => `${p.channel}:${p.appId}`)));
    const list = (title: string, items: IncidentView[], testid: string, empty: string) =>
      h(
        'section',
        { class: 'incident-list', 'data-testid': testid },
        h('h2', null, `${title} (${items.length})`),
        items.length === 0
          ? h('p', { class: 'muted' }, empty)
          : items.map((i) => incidentCard(i, shown, (format) => void view(i.id, format))),
      );
    root.replaceChildren(
      h(
        'section',
        { class: 'card fleet-traffic', 'data-testid': 'fleet-traffic' },
        h('h2', null, 'Inbound traffic against the expected band'),
        h(
          'p',
          { class: 'muted' },
          'Per channel and Meta app: webhook events received per bucket, the count the accounts’ hour-of-week baselines expect (dashed) and its 5–95 % band (shaded); red lines are alarms raised, green dashed ones cleared, red spans incidents.',
        ),
        traffic && !traffic.watching
          ? h('p', { class: 'muted' }, 'The engine watch is off (WATCH=off).')
          : null,
        pools.length === 0 && traffic?.watching
          ? h('p', { class: 'muted' }, 'No account watched yet.')
          : null,
        pools.map((p) =>
          h(
            'figure',
            { class: 'pool-chart', 'data-channel': p.channel, 'data-app': p.appId ?? '' },
            h('figcaption', null, `${p.label} · ${p.accounts} account(s)`),
            charts.show(`${p.channel}:${p.appId}`, p),
          ),
        ),
      ),
      ...(note ? [h('div', { class: 'toast', role: 'status' }, note)] : []),
      incidents && !incidents.watching
        ? h('p', { class: 'muted' }, 'The engine watch is off (WATCH=off): no incident is detected.')
        : h('div', null),
      list('Open incidents', incidents?.active ?? [], 'open-incidents', 'No open incident.'),
      list('Past incidents', incidents?.past ?? [], 'past-incidents', 'No incident in the last 90 days.'),
    );
  };

  let inflight = false;
  async function refresh() {
    if (inflight) return;
    inflight = true;
    try {
      [incidents, traffic] = await Promise.all([api.incidents(), api.traffic()]);
      note = '';
      render();
    } catch (error) {
      console.warn('incidents refresh failed', error);
    } finally {
      inflight = false;
    }
  }

  root.append(h('p', { class: 'muted loading' }, 'Loading incidents…'));
  void refresh();
  setInterval(() => void refresh(), 5_000);
  return {
    onLive(message: LiveMessage) {
      if (message.type === 'incident' || message.type === 'alarm') void refresh();
    },
    onReconnect() {
      void refresh();
    },
  };
}
