import type { Incident, Switchboard } from '@switchboard/core';
import type { Hono } from 'hono';
import { CHANNEL_LABEL } from '../shared/format.js';
import type { IncidentsView, IncidentView, TrafficView } from '../shared/incident-types.js';

/** Accounts listed per incident in the page (a platform incident may have thousands). */
const ACCOUNTS_SHOWN = 100;
/** Incident ids are the engine's (`inc_<time>_<n>_<channel>`): anything else is not one. */
const INCIDENT_ID = /^[\w.:-]{1,200}$/;

export interface IncidentDeps {
  switchboard: Switchboard;
  accountLabel: (channel: string, accountId: string) => string;
  /** Hours the charts show (the watch keeps `series.hours`). */
  chartHours?: number;
}

function incidentView(deps: IncidentDeps, i: Incident): IncidentView {
  const watch = deps.switchboard.watch;
  return {
    id: i.id,
    kind: i.kind,
    state: i.state,
    startedAt: i.startedAt,
    openedAt: i.openedAt,
    resumedAt: i.resumedAt,
    closedAt: i.closedAt,
    channel: i.scope.channel,
    appIds: i.scope.appIds,
    accounts: i.scope.accounts
      .slice(0, ACCOUNTS_SHOWN)
      .map((accountId) => ({ accountId, label: deps.accountLabel(i.scope.channel, accountId) })),
    accountsTotal: i.scope.accounts.length,
    tenants: i.scope.tenants,
    counts: i.counts,
    alarmTypes: i.alarmTypes,
    evidence: {
      graphReachable: i.evidence.graphReachable,
      sendsConfirmed: i.evidence.sendsConfirmed,
      probes: i.evidence.probes,
      catchUp: i.evidence.catchUp,
      sampleLostIds: i.evidence.sampleLostIds,
    },
    timeline: i.timeline,
    statusTexts: i.scope.tenants.map((tenantId) => ({
      tenantId,
      text: watch?.incidents.statusText(i.id, tenantId) ?? '',
    })),
  };
}

/** A file name for a download: the incident id with anything unusual replaced. */
const fileName = (id: string, ext: string) => `incident-${id.replace(/[^\w.-]/g, '_')}.${ext}`;

/**
 * `/api/incidents` (open and past incidents, the escalation packet as JSON and Markdown, viewable and
 * downloadable) and `/api/traffic` (the charts' series). Read-only GETs behind the app's gate (login,
 * Host allow-list, same-origin, body cap); nothing in them is a secret (ids, counts, times, texts).
 */
export function incidentRoutes(app: Hono, deps: IncidentDeps): void {
  const { switchboard } = deps;

  app.get('/api/incidents', (c) => {
    const watch = switchboard.watch;
    const all = watch?.incidents.list() ?? [];
    const view: IncidentsView = {
      watching: Boolean(watch),
      active: all.filter((i) => i.state !== 'closed').map((i) => incidentView(deps, i)),
      past: all.filter((i) => i.state === 'closed').map((i) => incidentView(deps, i)),
    };
    return c.json(view);
  });

  const find = (id: string) => (INCIDENT_ID.test(id) ? switchboard.watch?.incidents.get(id) : undefined);

  app.get('/api/incidents/:id', (c) => {
    const incident = find(c.req.param('id'));
    if (!incident) return c.json({ error: 'incident not found' }, 404);
    return c.json(incidentView(deps, incident));
  });

  app.get('/api/incidents/:id/packet', (c) => {
    const id = c.req.param('id');
    const packet = find(id) ? switchboard.watch?.incidents.packet(id) : undefined;
    if (!packet) return c.json({ error: 'incident not found' }, 404);
    return c.json(packet);
  });

  // Downloads: the same packet as a file (a link on the page; the login cookie goes along).
  app.get('/api/incidents/:id/packet.json', (c) => {
    const id = c.req.param('id');
    const packet = find(id) ? switchboard.watch?.incidents.packet(id) : undefined;
    if (!packet) return c.json({ error: 'incident not found' }, 404);
    return c.body(`${JSON.stringify(packet.json, null, 2)}\n`, 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(id, 'json')}"`,
    });
  });

  app.get('/api/incidents/:id/packet.md', (c) => {
    const id = c.req.param('id');
    const packet = find(id) ? switchboard.watch?.incidents.packet(id) : undefined;
    if (!packet) return c.json({ error: 'incident not found' }, 404);
    return c.body(packet.markdown, 200, {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(id, 'md')}"`,
    });
  });

  app.get('/api/traffic', (c) => {
    const watch = switchboard.watch;
    const hours = deps.chartHours;
    const pools = (watch?.traffic.pools(hours ? { hours } : {}) ?? []).map((s) => ({
      ...s,
      label: `${CHANNEL_LABEL[s.channel] ?? s.channel} · app ${s.appId}`,
    }));
    // One small chart per served account (the health page's cards).
    const accounts = (watch?.traffic.accounts(hours ? { hours } : {}) ?? []).map((s) => ({
      ...s,
      label: deps.accountLabel(s.channel, s.accountId ?? ''),
    }));
    const view: TrafficView = {
      watching: Boolean(watch),
      bucketMs: pools[0]?.bucketMs ?? 0,
      pools,
      accounts,
    };
    return c.json(view);
  });
}
