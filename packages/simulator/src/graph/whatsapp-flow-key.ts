import { createPublicKey } from 'node:crypto';
import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { invalidParam } from '../graph-error.js';
import type { SimState } from '../state.js';
import type { SimToken } from '../types.js';
import { requireRegistered } from './whatsapp-onboarding.js';

/** Business public keys for Flows, per phone number (reference §6.4). */
const keys = new WeakMap<SimState, Map<string, string>>();

/** The key uploaded for a number, if any (what the simulated client encrypts Flow requests with). */
export function flowPublicKeyOf(state: SimState, phoneId: string): string | undefined {
  return keys.get(state)?.get(phoneId);
}

/**
 * `POST /{phone}/whatsapp_business_encryption` (form field `business_public_key`, a 2048-bit RSA key in
 * PEM) and `GET` of the same edge, which answers the key and whether its signature is VALID.
 */
export function handleFlowPublicKey(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
): GraphResponse {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_messaging');
  requireRegistered(ctx, phoneId);
  let store = keys.get(ctx.state);
  if (!store) {
    store = new Map();
    keys.set(ctx.state, store);
  }
  if (req.method === 'GET') {
    const key = store.get(phoneId);
    return {
      body: {
        data: key ? [{ business_public_key: key, business_public_key_signature_status: 'VALID' }] : [],
      },
    };
  }
  const pem = req.params.business_public_key;
  if (typeof pem !== 'string' || pem.trim() === '')
    throw invalidParam('The parameter business_public_key is required.');
  let bits: number | undefined;
  try {
    const key = createPublicKey(pem);
    bits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
  } catch {
    throw invalidParam('Param business_public_key must be a PEM encoded public key');
  }
  if (bits !== 2048) throw invalidParam('Param business_public_key must be a 2048-bit RSA public key');
  // multipart/form-data turns line breaks into CRLF; Meta answers the PEM with plain newlines.
  store.set(phoneId, pem.replace(/\r\n/g, '\n').trim());
  return { body: { success: true } };
}
