import type { Clock, HealthProbe, HealthProbeResult, HealthStatus } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { DebugTokenResponse, type GraphClient } from '@switchboard/meta-graph';
import type { ResolvedWhatsAppConfig } from './config.js';
import {
  PHONE_NUMBER_FIELDS,
  PhoneNumberInfo,
  SubscribedApps,
  type HealthStatus as WaHealth,
} from './health-schemas.js';
import { SuccessResponse } from './send/send.js';

export interface ProbeDeps {
  config: ResolvedWhatsAppConfig;
  /** The token's client; throws AUTH_FAILED when no access token is configured. */
  graph: () => GraphClient;
  /** Client for `debug_token`: the app token when appId is known, else the token itself. */
  debugGraph: () => GraphClient;
  clock: Clock;
}

type Verdict = Omit<HealthProbeResult, 'probe' | 'checkedAt'>;

const DAY = 86_400_000;
const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Wraps a check so that it never throws: auth failures are `down`, anything else `degraded`. */
function probe(
  name: string,
  description: string,
  accountId: string | undefined,
  clock: Clock,
  check: () => Promise<Verdict>,
): HealthProbe {
  return {
    name,
    description,
    ...(accountId ? { accountId } : {}),
    async run() {
      let verdict: Verdict;
      try {
        verdict = await check();
      } catch (error) {
        const e = error instanceof SwitchboardError ? error : undefined;
        // Auth, permission and "object missing or no access" (100/33, 33) mean the account is unusable.
        const hard =
          e &&
          (e.code === 'AUTH_FAILED' ||
            e.code === 'PERMISSION_DENIED' ||
            e.code === 'NOT_FOUND' ||
            e.platform?.subcode === 33 ||
            e.platform?.code === 33);
        verdict = {
          status: hard ? 'down' : 'degraded',
          reason: `${name} check failed: ${e ? `${e.code} ${e.message}` : String(error)}`,
          ...(e?.platform ? { data: { platform: e.platform } } : {}),
        };
      }
      return { probe: name, checkedAt: clock.now(), ...(accountId ? { accountId } : {}), ...verdict };
    },
  };
}

async function checkToken(deps: ProbeDeps): Promise<Verdict> {
  const { config, clock } = deps;
  if (!config.accessToken)
    return { status: 'down', reason: 'No access token configured (WHATSAPP_ACCESS_TOKEN): cannot send.' };
  const { data } = await deps
    .debugGraph()
    .get('/debug_token', DebugTokenResponse, { input_token: config.accessToken });
  const t = data.data;
  const info = {
    type: t.type,
    appId: t.app_id,
    expiresAt: t.expires_at === 0 ? 0 : t.expires_at * 1000,
    dataAccessExpiresAt: t.data_access_expires_at ? t.data_access_expires_at * 1000 : undefined,
    scopes: t.scopes,
  };
  if (!t.is_valid) {
    return {
      status: 'down',
      reason: `The access token is invalid: ${t.error?.message ?? 'no reason given'}. Issue a new system-user token.`,
      data: info,
    };
  }
  const problems: { status: HealthStatus; reason: string }[] = [];
  const now = clock.now();
  const warnMs = config.tokenExpiryWarningDays * DAY;
  // The 90-day data-access expiry binds user tokens; system-user tokens report one that does not apply.
  const dataAccess = t.type === 'USER' ? (info.dataAccessExpiresAt ?? 0) : 0;
  for (const [label, at] of [
    ['expires', info.expiresAt],
    ['loses data access', dataAccess],
  ] as const) {
    if (at === 0) continue;
    if (at <= now)
      problems.push({
        status: 'down',
        reason: `The token ${label} at ${new Date(at).toISOString()} (past).`,
      });
    else if (at - now <= warnMs)
      problems.push({
        status: 'degraded',
        reason: `The token ${label} at ${new Date(at).toISOString()}: renew it.`,
      });
  }
  if (!t.scopes.includes('whatsapp_business_messaging')) {
    problems.push({ status: 'down', reason: 'The token lacks whatsapp_business_messaging: it cannot send.' });
  }
  if (!t.scopes.includes('whatsapp_business_management')) {
    problems.push({
      status: 'degraded',
      reason: 'The token lacks whatsapp_business_management: probes and resubscribe will fail.',
    });
  }
  const granular = t.granular_scopes?.find((g) => g.scope === 'whatsapp_business_messaging');
  if (granular?.target_ids) {
    const missing = config.wabaIds.filter((id) => !granular.target_ids?.includes(id));
    if (missing.length > 0) {
      problems.push({
        status: 'down',
        reason: `The token has no messaging access to WABA ${missing.join(', ')}: assign the assets to the system user.`,
      });
    }
  }
  if (config.appId && t.app_id && t.app_id !== config.appId) {
    problems.push({
      status: 'degraded',
      reason: `The token belongs to app ${t.app_id}, not the configured app ${config.appId}.`,
    });
  }
  if (problems.length === 0)
    return {
      status: 'ok',
      reason: `Token valid (${t.type}${info.expiresAt === 0 ? ', never expires' : ''}).`,
      data: info,
    };
  const status: HealthStatus = problems.some((p) => p.status === 'down') ? 'down' : 'degraded';
  return { status, reason: problems.map((p) => p.reason).join(' '), data: info };
}

function healthReasons(health: WaHealth): string {
  const reasons: string[] = [];
  for (const entity of health.entities ?? []) {
    if (!entity.can_send_message || entity.can_send_message === 'AVAILABLE') continue;
    const errors = (entity.errors ?? []).map((e) =>
      [e.error_code, e.error_description, e.possible_solution ? `(${e.possible_solution})` : undefined]
        .filter(Boolean)
        .join(' '),
    );
    const extra = entity.additional_info ?? [];
    reasons.push(
      `${entity.entity_type ?? 'entity'} ${entity.id ?? ''} ${entity.can_send_message}${[...errors, ...extra].length > 0 ? `: ${[...errors, ...extra].join('; ')}` : ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return reasons.join('. ');
}

async function checkPhoneNumber(deps: ProbeDeps, phoneNumberId: string): Promise<Verdict> {
  const { data: p } = await deps
    .graph()
    .get(`/${phoneNumberId}`, PhoneNumberInfo, { fields: PHONE_NUMBER_FIELDS });
  const data: Record<string, unknown> = {
    displayPhoneNumber: p.display_phone_number,
    status: p.status,
    qualityRating: p.quality_rating,
    canSendMessage: p.health_status?.can_send_message,
    messagingLimit: p.whatsapp_business_manager_messaging_limit ?? p.messaging_limit_tier,
    throughput: p.throughput?.level,
    nameStatus: p.name_status,
    platformType: p.platform_type,
  };
  const down: string[] = [];
  const degraded: string[] = [];
  const can = p.health_status?.can_send_message;
  if (can === 'BLOCKED')
    down.push(`Number ${phoneNumberId} cannot send: ${healthReasons(p.health_status!) || 'BLOCKED'}.`);
  else if (can === 'LIMITED')
    degraded.push(
      `Number ${phoneNumberId} can send with limits: ${healthReasons(p.health_status!) || 'LIMITED'}.`,
    );
  if (p.quality_rating === 'RED')
    degraded.push('Quality rating is RED: sends risk being limited; review recent blocks and reports.');
  if (p.status && p.status !== 'CONNECTED') degraded.push(`Number status is ${p.status}.`);
  if (deps.config.expectedCallbackUrl && p.webhook_configuration) {
    const w = p.webhook_configuration;
    const effective = w.phone_number ?? w.whatsapp_business_account ?? w.application;
    data.callbackUrl = effective;
    if (effective && !sameUrl(effective, deps.config.expectedCallbackUrl)) {
      const level = w.phone_number
        ? 'a phone number override'
        : w.whatsapp_business_account
          ? 'a WABA override'
          : 'the app default';
      degraded.push(
        `Webhooks of this number go to ${effective} (${level}), not ${deps.config.expectedCallbackUrl}.`,
      );
    }
  }
  if (down.length > 0) return { status: 'down', reason: [...down, ...degraded].join(' '), data };
  if (degraded.length > 0) return { status: 'degraded', reason: degraded.join(' '), data };
  return {
    status: 'ok',
    reason: `Number ${p.display_phone_number ?? phoneNumberId} can send (quality ${p.quality_rating ?? 'unknown'}).`,
    data,
  };
}

async function checkSubscription(deps: ProbeDeps, wabaId: string): Promise<Verdict> {
  const { data } = await deps.graph().get(`/${wabaId}/subscribed_apps`, SubscribedApps);
  const apps = data.data.map((a) => ({
    id: a.whatsapp_business_api_data?.id ?? a.id,
    name: a.whatsapp_business_api_data?.name,
    override: a.override_callback_uri,
  }));
  const { appId, expectedCallbackUrl } = deps.config;
  const info = { apps };
  if (!appId) {
    return apps.length > 0
      ? {
          status: 'degraded',
          reason: `${apps.length} app(s) subscribed to WABA ${wabaId}, but appId is not configured to tell whether ours is one.`,
          data: info,
        }
      : {
          status: 'down',
          reason: `No app is subscribed to WABA ${wabaId}: no webhooks arrive. Call resubscribe().`,
          data: info,
        };
  }
  const ours = apps.find((a) => a.id === appId);
  if (!ours)
    return {
      status: 'down',
      reason: `App ${appId} is not subscribed to WABA ${wabaId}: no webhooks arrive. Call resubscribe().`,
      data: info,
    };
  if (expectedCallbackUrl && ours.override && !sameUrl(ours.override, expectedCallbackUrl)) {
    return {
      status: 'degraded',
      reason: `WABA ${wabaId} overrides the callback to ${ours.override}, not ${expectedCallbackUrl}.`,
      data: info,
    };
  }
  return { status: 'ok', reason: `App ${appId} is subscribed to WABA ${wabaId}.`, data: info };
}

/** The probes of the adapter: token, each phone number, each WABA's subscription. None of them throws. */
export function createProbes(deps: ProbeDeps): HealthProbe[] {
  const { config, clock } = deps;
  return [
    probe(
      'whatsapp.token',
      'Access token valid, not expiring, with the WhatsApp scopes on the configured WABAs (debug_token).',
      undefined,
      clock,
      () => checkToken(deps),
    ),
    ...config.phoneNumberIds.map((id) =>
      probe(
        'whatsapp.phone_number',
        'The number can send now (health_status), quality rating, status, messaging limit, throughput and callback URL.',
        id,
        clock,
        () => checkPhoneNumber(deps, id),
      ),
    ),
    ...config.wabaIds.map((id) =>
      probe(
        'whatsapp.subscription',
        'Our app is subscribed to the WABA webhooks (subscribed_apps) with the expected callback.',
        id,
        clock,
        () => checkSubscription(deps, id),
      ),
    ),
  ];
}

/** `POST /{waba-id}/subscribed_apps`: subscribes the token's app to the WABA's webhooks again. */
export async function resubscribeWaba(graph: GraphClient, wabaId: string): Promise<void> {
  const { data } = await graph.post(`/${wabaId}/subscribed_apps`, {}, SuccessResponse);
  if (!data.success)
    throw new SwitchboardError('TEMPORARY', `Meta did not confirm the subscription of WABA ${wabaId}`);
}
