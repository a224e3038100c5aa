/** JSON shapes of the Incidents page and the traffic charts (`/api/incidents`, `/api/traffic`). */

import type { Incident, IncidentEvidence, TrafficSeries } from '@switchboard/core';

/** An incident as the page shows it: the engine's record, accounts labelled, status text per tenant. */
export interface IncidentView {
  id: string;
  kind: Incident['kind'];
  state: Incident['state'];
  startedAt: number;
  openedAt: number;
  resumedAt: number | null;
  closedAt: number | null;
  channel: string;
  appIds: string[];
  /** The first 100 affected accounts; `accountsTotal` counts them all. */
  accounts: Array<{ accountId: string; label: string }>;
  accountsTotal: number;
  tenants: string[];
  counts: Incident['counts'];
  alarmTypes: string[];
  evidence: Pick<
    IncidentEvidence,
    'graphReachable' | 'sendsConfirmed' | 'probes' | 'catchUp' | 'sampleLostIds'
  >;
  timeline: Incident['timeline'];
  /** What each affected tenant should read (`watch.incidents.statusText`). */
  statusTexts: Array<{ tenantId: string; text: string }>;
}

export interface IncidentsView {
  /** False with `WATCH=off`: there are no incidents then. */
  watching: boolean;
  /** Open and recovering, newest first. */
  active: IncidentView[];
  /** Closed (kept 90 days), newest first. */
  past: IncidentView[];
}

/** One chart: a pool's or an account's inbound traffic against its expected band (`watch.traffic`). */
export interface TrafficSeriesView extends TrafficSeries {
  label: string;
}

export interface TrafficView {
  watching: boolean;
  bucketMs: number;
  /** Per (channel, app) pool: the fleet's chart per channel. */
  pools: TrafficSeriesView[];
  /** Per account, for the health page's small charts. */
  accounts: TrafficSeriesView[];
}
