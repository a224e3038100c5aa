import type { RunningInbox } from '../src/server/app.js';
import type { ChaosAction, HealthView, SendRequest, Thread } from '../src/shared/types.js';
import { signIn } from './browser.js';

/**
 * The inbox's JSON API called as the browser's `src/client/api.ts` calls it, logged in the way a user is
 * (the printed URL's cookie): the one place for how a test reaches `/api/*`.
 */
export async function inboxApi(inbox: RunningInbox) {
  const api = await signIn(inbox);
  const request = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await api(path, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
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
