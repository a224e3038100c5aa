import type { ChaosAction, HealthView, SendRequest, Thread } from '../src/shared/types.js';

/**
 * The inbox's JSON API called as the browser's `src/client/api.ts` calls it: the one place for how a
 * test reaches `/api/*` (a login cookie or other headers go here).
 */
export function inboxApi(base: string) {
  const request = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        origin: base,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const body = (await response.json().catch(() => ({}))) as T & { error?: string };
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${body.error ?? ''}`);
    return body;
  };
  return {
    health: () => request<HealthView>('/api/health?fresh=1'),
    thread: (id: string) => request<Thread>(`/api/conversations/${encodeURIComponent(id)}`),
    send: (id: string, body: SendRequest) =>
      request<{ id: string; state: string }>(`/api/conversations/${encodeURIComponent(id)}/send`, {
        method: 'POST',
        body,
      }),
    chaos: (action: ChaosAction) =>
      request<{ ok: true; message: string }>('/api/chaos', { method: 'POST', body: action }),
  };
}
