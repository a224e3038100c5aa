import type { SimWorld } from './types.js';

export interface HandshakeResult {
  ok: boolean;
  status: number | 'error';
  challenge: string;
  body: string;
}

/**
 * Sends Meta's verification GET (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`) to a webhook
 * target, as Meta does when a callback URL is set; `ok` when the body echoes the challenge with 200.
 */
export async function verifyWebhookTarget(
  world: SimWorld,
  url: string,
  challenge: string,
  timeoutMs: number,
  verifyToken = world.app.verifyToken,
): Promise<HandshakeResult> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', verifyToken);
  target.searchParams.set('hub.challenge', challenge);
  try {
    const res = await fetch(target, {
      headers: { 'user-agent': 'facebookplatform/1.0' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    return { ok: res.status === 200 && body === challenge, status: res.status, challenge, body };
  } catch {
    return { ok: false, status: 'error', challenge, body: '' };
  }
}
