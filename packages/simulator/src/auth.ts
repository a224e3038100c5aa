import { timingSafeEqual } from 'node:crypto';
import type { GraphRequest } from './context.js';
import { GraphError } from './graph-error.js';
import { appSecretProof } from './meta-json.js';
import type { SimState } from './state.js';
import type { SimToken } from './types.js';
import { canAct, indexOf } from './world-index.js';

/** The access token of a request: `access_token` param or `Authorization: Bearer|OAuth`. */
export function extractToken(req: GraphRequest): string | undefined {
  const auth = req.headers.authorization;
  const header = Array.isArray(auth) ? auth[0] : auth;
  const match = header?.match(/^(?:Bearer|OAuth)\s+(.+)$/i);
  if (match?.[1]) return match[1].trim();
  const param = req.params.access_token;
  return typeof param === 'string' && param ? param : undefined;
}

/** Why a token is unusable, as Meta's 190 error would say; undefined when valid. */
export function tokenProblem(
  token: SimToken | undefined,
  now: number,
): { subcode?: number; message: string } | undefined {
  if (!token) return { message: 'Invalid OAuth access token - Cannot parse access token' };
  if (token.revokedSubcode !== undefined) {
    const message =
      token.revokedSubcode === 460
        ? 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.'
        : 'Error validating access token: The session was invalidated explicitly using an API call.';
    return { subcode: token.revokedSubcode, message };
  }
  if (token.expiresAt !== 0 && token.expiresAt <= now) {
    return {
      subcode: 463,
      message: `Error validating access token: Session has expired on ${new Date(token.expiresAt).toUTCString()}.`,
    };
  }
  return undefined;
}

/** Checks token presence, validity and `appsecret_proof`; returns the token record. */
export function authenticate(req: GraphRequest, state: SimState, now: number): SimToken {
  const value = extractToken(req);
  if (!value) throw new GraphError(400, 104, 'An access token is required to request this resource.');
  const token = indexOf(state.world).tokens.get(value);
  const problem = tokenProblem(token, now);
  if (problem || !token) {
    throw new GraphError(401, 190, problem?.message ?? 'Invalid OAuth access token.', {
      ...(problem?.subcode !== undefined ? { subcode: problem.subcode } : {}),
    });
  }
  const proof = req.params.appsecret_proof;
  if (proof !== undefined) {
    const expected = Buffer.from(appSecretProof(value, state.world.app.secret));
    const given = Buffer.from(String(proof));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new GraphError(400, 100, 'Invalid appsecret_proof provided in the API argument', {
        type: 'GraphMethodException',
      });
    }
  }
  return token;
}

/** Missing permission: messaging scopes answer 10, management scopes 200 — as Meta does. */
export function requireScope(token: SimToken, scope: string, code: 10 | 200 = 10): void {
  if (token.scopes.includes(scope)) return;
  const message =
    code === 10
      ? `(#10) This endpoint requires the '${scope}' permission.`
      : `(#200) Requires ${scope} permission to manage the object`;
  throw new GraphError(403, code, message);
}

/**
 * The token must act on `id` (its Page, IG account, WABA or phone number). A WhatsApp token (a
 * system-user or business token) of another business gets `200`, as Meta answers for an asset the
 * token was not granted (reference §8.3); any other token `100/33`.
 */
export function requireTarget(token: SimToken, id: string, channel?: 'whatsapp'): void {
  if (canAct(token, id)) return;
  if (channel === 'whatsapp' && token.scopes.includes('whatsapp_business_messaging'))
    throw new GraphError(
      403,
      200,
      `(#200) You do not have the permission to access the WhatsApp Business Account asset ${id}`,
      { errorData: { messaging_product: 'whatsapp', details: 'Token has no access to this asset' } },
    );
  throw new GraphError(
    400,
    100,
    `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { subcode: 33, type: 'GraphMethodException' },
  );
}
