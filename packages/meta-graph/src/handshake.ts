import { timingSafeEqual } from 'node:crypto';

/**
 * The GET subscription handshake: when `hub.mode=subscribe` and `hub.verify_token` equals one of the
 * configured tokens, returns `hub.challenge` verbatim (answer it as the whole 200 body); otherwise null (403).
 *
 * @example
 * const challenge = verifyMetaChallenge(new URL(request.url).searchParams, process.env.MESSENGER_VERIFY_TOKEN!);
 * return challenge === null ? new Response(null, { status: 403 }) : new Response(challenge);
 */
export function verifyMetaChallenge(
  query: URLSearchParams,
  verifyTokens: string | readonly string[],
): string | null {
  if (query.get('hub.mode') !== 'subscribe') return null;
  const challenge = query.get('hub.challenge');
  const token = query.get('hub.verify_token');
  if (challenge === null || challenge === '' || token === null) return null;
  const tokens = typeof verifyTokens === 'string' ? [verifyTokens] : verifyTokens;
  let matched = false;
  for (const candidate of tokens) {
    if (typeof candidate === 'string' && candidate.length > 0 && safeEqual(candidate, token)) matched = true;
  }
  return matched ? challenge : null;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
