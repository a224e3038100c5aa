import type { IncidentsView, TrafficView } from '../shared/incident-types.js';
import type {
  AccountsView,
  ChaosAction,
  ConversationSummary,
  HealthView,
  RecoveryRun,
  SendRequest,
  TemplateCreateRequest,
  TemplateView,
  Thread,
} from '../shared/types.js';
import { clear, h } from './dom.js';

/** Without the login cookie the API answers 401: say how to sign in (a GET form to `/?token=`). */
function showSignIn(): void {
  const main = document.getElementById('main');
  if (!main || main.querySelector('.sign-in')) return;
  clear(main);
  main.append(
    h(
      'section',
      { class: 'sign-in' },
      h('h2', null, 'Sign in'),
      h('p', null, 'Open the link printed when the inbox started, or paste its token:'),
      h(
        'form',
        { method: 'get', action: '/' },
        h('input', { name: 'token', type: 'password', required: true, 'aria-label': 'Token' }),
        h('button', { type: 'submit' }, 'Sign in'),
      ),
    ),
  );
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (response.status === 401) showSignIn();
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export const api = {
  conversations: (tenant?: string) =>
    request<ConversationSummary[]>(
      `/api/conversations${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`,
    ),
  accounts: () => request<AccountsView>('/api/accounts'),
  info: () => request<{ mode: 'simulator' | 'meta' }>('/api/info'),
  onboard: (flow: string, tenantId: string) =>
    request<AccountsView>('/api/accounts/onboard', {
      method: 'POST',
      body: JSON.stringify({ flow, tenantId }),
    }),
  disconnectAccount: (channel: string, id: string) =>
    request<AccountsView>(`/api/accounts/${channel}/${encodeURIComponent(id)}/disconnect`, {
      method: 'POST',
      body: '{}',
    }),
  connectAccount: (channel: string, id: string) =>
    request<AccountsView>(`/api/accounts/${channel}/${encodeURIComponent(id)}/connect`, {
      method: 'POST',
      body: '{}',
    }),
  setTenant: (channel: string, id: string, tenantId: string) =>
    request<AccountsView>(`/api/accounts/${channel}/${encodeURIComponent(id)}/tenant`, {
      method: 'POST',
      body: JSON.stringify({ tenantId }),
    }),
  thread: (id: string) => request<Thread>(`/api/conversations/${encodeURIComponent(id)}`),
  markRead: (id: string) =>
    request<{ ok: true }>(`/api/conversations/${encodeURIComponent(id)}/read`, {
      method: 'POST',
      body: '{}',
    }),
  send: (id: string, body: SendRequest) =>
    request<{ id: string; state: string }>(`/api/conversations/${encodeURIComponent(id)}/send`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  health: (fresh = false) => request<HealthView>(`/api/health${fresh ? '?fresh=1' : ''}`),
  chaos: (action: ChaosAction) =>
    request<{ ok: true; message: string }>('/api/chaos', { method: 'POST', body: JSON.stringify(action) }),
  reconcile: () => request<RecoveryRun[]>('/api/reconcile', { method: 'POST', body: '{}' }),
  incidents: () => request<IncidentsView>('/api/incidents'),
  packet: (id: string) =>
    request<{ json: unknown; markdown: string }>(`/api/incidents/${encodeURIComponent(id)}/packet`),
  traffic: () => request<TrafficView>('/api/traffic'),
  templates: (refresh = false) =>
    request<{ templates: TemplateView[]; errors: string[] }>(`/api/templates${refresh ? '?refresh=1' : ''}`),
  createTemplate: (body: TemplateCreateRequest) =>
    request<{ id: string; status: string }>('/api/templates', { method: 'POST', body: JSON.stringify(body) }),
};
