import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam, waError } from '../graph-error.js';
import { verifyWebhookTarget } from '../handshake.js';
import { onboardingState, type Registration } from '../onboarding-state.js';
import type { SimToken } from '../types.js';
import { handleSubscribedApps } from './admin.js';

const HOUR = 3_600_000;
/** Register and deregister: 10 requests per number per 72 h, then 133016 and a 72 h block (§8.4). */
export const REGISTER_LIMIT = 10;
export const REGISTER_WINDOW_MS = 72 * HOUR;
/** `override_callback_uri` is at most 200 characters (§9.1). */
export const OVERRIDE_URI_MAX = 200;

/** Sends from a number that is not registered for Cloud API fail with 133010. */
export function requireRegistered(ctx: SimContext, phoneId: string): void {
  const reg = onboardingState(ctx.state).registrations.get(phoneId);
  if (reg && !reg.registered)
    throw waError(
      133010,
      'Account not registered',
      'The phone number is not registered for Cloud API: POST /{phone-number-id}/register first',
    );
}

/** `POST /{phone-number-id}/register {messaging_product, pin}` and `POST /{phone-number-id}/deregister`. */
export function handleRegister(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
  action: 'register' | 'deregister',
): GraphResponse {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_management', 200);
  if (req.params.messaging_product !== 'whatsapp' && action === 'register')
    throw waError(
      100,
      'The parameter messaging_product is required.',
      'messaging_product must be "whatsapp"',
    );
  const now = ctx.clock.now();
  const regs = onboardingState(ctx.state).registrations;
  const reg: Registration = regs.get(phoneId) ?? { registered: true, attempts: [] };
  regs.set(phoneId, reg);
  reg.attempts = reg.attempts.filter((at) => now - at < REGISTER_WINDOW_MS);
  const limited = () =>
    waError(
      133016,
      'Account register deregister rate limit exceeded',
      `Register and deregister are limited to ${REGISTER_LIMIT} requests per number per 72 hours; the number is blocked until ${new Date(reg.blockedUntil ?? now).toISOString()}`,
    );
  if (reg.blockedUntil !== undefined && reg.blockedUntil > now) throw limited();
  reg.attempts.push(now);
  if (reg.attempts.length > REGISTER_LIMIT) {
    reg.blockedUntil = now + REGISTER_WINDOW_MS;
    throw limited();
  }
  const health = ctx.state.phoneHealth.get(phoneId);
  if (action === 'deregister') {
    reg.registered = false;
    if (health) health.status = 'PENDING';
    return { body: { success: true } };
  }
  const pin = req.params.pin;
  if (typeof pin !== 'string' || !/^\d{6}$/.test(pin))
    throw waError(100, 'Invalid parameter', 'pin must be a string of 6 digits');
  if (reg.pin !== undefined && reg.pin !== pin)
    throw waError(
      133005,
      'Two step verification PIN Mismatch',
      "The PIN does not match the number's two-step verification PIN",
    );
  reg.registered = true;
  reg.pin = pin;
  if (health) health.status = 'CONNECTED';
  return { body: { success: true } };
}

/**
 * `GET|POST|DELETE /{waba-id}/subscribed_apps` with the WABA override: a POST with
 * `override_callback_uri` + `verify_token` sends that WABA's messaging webhooks to the URI (verified
 * first with the GET handshake, as Meta does for a callback URL); a POST without them removes it.
 */
export async function handleWabaSubscribedApps(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  wabaId: string,
): Promise<GraphResponse> {
  requireTarget(token, wabaId, 'whatsapp');
  const overrides = onboardingState(ctx.state).overrides;
  if (req.method === 'GET') {
    const out = handleSubscribedApps(ctx, req, token, wabaId);
    const override = overrides.get(wabaId);
    const data = (out.body as { data: Array<Record<string, unknown>> }).data;
    if (override && data[0]) data[0].override_callback_uri = override.uri;
    return out;
  }
  if (req.method === 'POST') {
    requireScope(token, 'whatsapp_business_management', 200);
    const uri = req.params.override_callback_uri;
    const verifyToken = req.params.verify_token;
    if (uri !== undefined || verifyToken !== undefined) {
      const override = await verifiedOverride(ctx, uri, verifyToken);
      const out = handleSubscribedApps(ctx, req, token, wabaId);
      overrides.set(wabaId, override);
      return out;
    }
    overrides.delete(wabaId);
    return handleSubscribedApps(ctx, req, token, wabaId);
  }
  overrides.delete(wabaId);
  return handleSubscribedApps(ctx, req, token, wabaId);
}

/** Checks an override (≤ 200 characters, https or loopback) and verifies it with Meta's GET handshake. */
async function verifiedOverride(
  ctx: SimContext,
  uri: unknown,
  verifyToken: unknown,
): Promise<{ uri: string; verifyToken: string }> {
  if (typeof uri !== 'string' || !uri) throw invalidParam('The parameter override_callback_uri is required');
  if (typeof verifyToken !== 'string' || !verifyToken)
    throw invalidParam('The parameter verify_token is required with override_callback_uri');
  if (uri.length > OVERRIDE_URI_MAX)
    throw invalidParam(`override_callback_uri must be at most ${OVERRIDE_URI_MAX} characters`);
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw invalidParam('override_callback_uri must be a valid URL');
  }
  if (parsed.protocol !== 'https:' && !/^(127\.|localhost$|\[::1\]$)/.test(parsed.hostname))
    throw invalidParam('override_callback_uri must use https');
  const check = await verifyWebhookTarget(ctx.state.world, uri, ctx.rng.digits(10), 5000, verifyToken);
  if (!check.ok)
    throw new GraphError(
      400,
      2200,
      `(#2200) Callback verification failed with the following errors: HTTP Status Code = ${check.status}; HTTP Message = the callback did not echo hub.challenge`,
    );
  return { uri, verifyToken };
}

/**
 * `POST /{phone-number-id} {"webhook_configuration":{"override_callback_uri","verify_token"}}`: the
 * number's messaging webhooks go there (before its WABA's override, then the app URL); `""` removes it.
 */
export async function handlePhoneWebhookConfiguration(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
): Promise<GraphResponse> {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_management', 200);
  const config = req.params.webhook_configuration;
  if (!config || typeof config !== 'object')
    throw invalidParam('The parameter webhook_configuration is required');
  const { override_callback_uri: uri, verify_token: verifyToken } = config as Record<string, unknown>;
  const overrides = onboardingState(ctx.state).overrides;
  if (uri === '') overrides.delete(phoneId);
  else overrides.set(phoneId, await verifiedOverride(ctx, uri, verifyToken));
  return { body: { success: true } };
}
