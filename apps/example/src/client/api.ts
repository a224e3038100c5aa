import type {
  ChaosAction,
  ConversationSummary,
  HealthView,
  RecoveryRun,
  SendRequest,
  Thread,
} from '../shared/types.js';

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export const api = {
  conversations: () => request<ConversationSummary[]>('/api/conversations'),
  thread: (id: string) => request<Thread>(`/api/conversations/${encodeURIComponent(id)}`),
  markRead: (id: string) =>
    request<{ ok: true }>(`/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST' }),
  send: (id: string, body: SendRequest) =>
    request<{ id: string; state: string }>(`/api/conversations/${encodeURIComponent(id)}/send`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  health: (fresh = false) => request<HealthView>(`/api/health${fresh ? '?fresh=1' : ''}`),
  chaos: (action: ChaosAction) =>
    request<{ ok: true; message: string }>('/api/chaos', { method: 'POST', body: JSON.stringify(action) }),
  reconcile: () => request<RecoveryRun[]>('/api/reconcile', { method: 'POST', body: '{}' }),
};
