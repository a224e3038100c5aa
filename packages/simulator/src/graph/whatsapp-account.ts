import { createHash } from 'node:crypto';
import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { invalidParam, objectMissing, waError } from '../graph-error.js';
import { onboardingState } from '../onboarding-state.js';
import { mediaDownloadUrl } from '../state.js';
import type { SimPhoneNumber, SimToken } from '../types.js';
import { indexOf } from '../world-index.js';

const DEFAULT_PHONE_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'webhook_configuration',
  'id',
];
const MEDIA_LIMITS: Array<[RegExp, number]> = [
  [/^image\//, 5 * 1024 * 1024],
  [/^(video|audio)\//, 16 * 1024 * 1024],
  [/^application\/|^text\//, 100 * 1024 * 1024],
];

export function requestedFields(req: GraphRequest): string[] | undefined {
  const f = req.params.fields;
  return typeof f === 'string' && f.trim() ? f.split(',').map((s) => s.trim()) : undefined;
}

function healthStatus(ctx: SimContext, phone: SimPhoneNumber): Record<string, unknown> {
  const h = ctx.state.phoneHealth.get(phone.id);
  const can = h?.canSendMessage ?? 'AVAILABLE';
  const errors =
    can === 'AVAILABLE'
      ? []
      : [
          {
            error_code: 131048,
            error_description: 'Quality of messages sent from this number is low.',
            possible_solution: 'Review message quality.',
          },
        ];
  return {
    can_send_message: can,
    entities: [
      {
        entity_type: 'PHONE_NUMBER',
        id: phone.id,
        can_send_message: can,
        ...(errors.length ? { errors } : {}),
      },
      { entity_type: 'WABA', id: phone.wabaId, can_send_message: 'AVAILABLE' },
      { entity_type: 'BUSINESS', id: ctx.state.world.wabas[0]?.id ?? '', can_send_message: 'AVAILABLE' },
      { entity_type: 'APP', id: ctx.state.world.app.id, can_send_message: 'AVAILABLE' },
    ],
  };
}

/** Fields of a phone number node, as `GET /{phone-number-id}?fields=...` answers. */
export function phoneFields(
  ctx: SimContext,
  phone: SimPhoneNumber,
  fields = DEFAULT_PHONE_FIELDS,
): Record<string, unknown> {
  const h = ctx.state.phoneHealth.get(phone.id);
  const overrides = onboardingState(ctx.state).overrides;
  const override = overrides.get(phone.wabaId);
  const own = overrides.get(phone.id);
  const all: Record<string, unknown> = {
    id: phone.id,
    display_phone_number: phone.displayPhoneNumber,
    verified_name: phone.verifiedName,
    status: h?.status ?? 'CONNECTED',
    quality_rating: h?.qualityRating ?? 'GREEN',
    health_status: healthStatus(ctx, phone),
    whatsapp_business_manager_messaging_limit: h?.messagingLimit ?? 'TIER_2K',
    messaging_limit_tier: h?.messagingLimit ?? 'TIER_2K',
    throughput: { level: h?.throughput ?? 'STANDARD' },
    name_status: 'APPROVED',
    code_verification_status: 'VERIFIED',
    platform_type: 'CLOUD_API',
    is_on_biz_app: false,
    account_mode: 'LIVE',
    webhook_configuration: {
      application: ctx.targets.whatsapp ?? '',
      ...(override ? { whatsapp_business_account: override.uri } : {}),
      ...(own ? { phone_number: own.uri } : {}),
    },
  };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in all) out[f] = all[f];
  out.id = phone.id;
  return out;
}

export function handlePhoneNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phone: SimPhoneNumber,
): GraphResponse {
  requireTarget(token, phone.id, 'whatsapp');
  return { body: phoneFields(ctx, phone, requestedFields(req)) };
}

export function handleWabaNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  wabaId: string,
  edge?: string,
): GraphResponse {
  requireTarget(token, wabaId, 'whatsapp');
  const index = indexOf(ctx.state.world);
  const phones = (index.wabas.get(wabaId)?.phoneNumberIds ?? []).flatMap((id) => index.phones.get(id) ?? []);
  if (edge === 'phone_numbers') {
    const data = phones.map((p) => phoneFields(ctx, p, requestedFields(req)));
    return { body: { data, paging: { cursors: { before: 'QVFIUmxpbmVz', after: 'QVFIUmxpbmVz' } } } };
  }
  const waba = index.wabas.get(wabaId);
  const worst = phones.map((p) => ctx.state.phoneHealth.get(p.id)?.canSendMessage ?? 'AVAILABLE');
  const can = worst.includes('BLOCKED') ? 'BLOCKED' : worst.includes('LIMITED') ? 'LIMITED' : 'AVAILABLE';
  const all: Record<string, unknown> = {
    id: wabaId,
    name: waba?.name,
    currency: 'USD',
    timezone_id: '1',
    message_template_namespace: 'sim_namespace',
    health_status: {
      can_send_message: can,
      entities: [{ entity_type: 'WABA', id: wabaId, can_send_message: can }],
    },
  };
  const fields = requestedFields(req) ?? ['id', 'name'];
  return { body: Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) };
}

/** `POST /{phone-number-id}/media` (multipart: file, type, messaging_product). */
export function handleMediaUpload(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
): GraphResponse {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_messaging');
  const part = (name: string) =>
    req.parts?.get(name)?.data.toString('utf8') ??
    (typeof req.params[name] === 'string' ? String(req.params[name]) : undefined);
  if (part('messaging_product') !== 'whatsapp')
    throw waError(
      100,
      'The parameter messaging_product is required.',
      'messaging_product must be "whatsapp"',
    );
  const file = req.parts?.get('file');
  if (!file) throw waError(100, 'The parameter file is required.', 'multipart part "file" is required');
  const mimeType = part('type') ?? file.contentType ?? '';
  const limit = MEDIA_LIMITS.find(([re]) => re.test(mimeType))?.[1];
  if (limit === undefined) throw waError(131053, 'Media upload error', `Unsupported file type ${mimeType}`);
  if (file.data.length > limit) throw waError(131053, 'Media upload error', `File too large for ${mimeType}`);
  const id = ctx.state.newMediaId();
  const sha256 = createHash('sha256').update(file.data).digest('base64');
  ctx.state.media.set(id, { id, phoneNumberId: phoneId, mimeType, sha256, bytes: new Uint8Array(file.data) });
  return { body: { id } };
}

/** `GET|DELETE /{media-id}`. */
export function handleMediaNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  mediaId: string,
): GraphResponse {
  const media = ctx.state.media.get(mediaId);
  if (!media || media.deleted) throw objectMissing(mediaId);
  requireTarget(token, media.phoneNumberId);
  if (req.method === 'DELETE') {
    media.deleted = true;
    return { body: { success: true } };
  }
  if (req.method !== 'GET') throw invalidParam('Unsupported method on a media node');
  return {
    body: {
      messaging_product: 'whatsapp',
      url: mediaDownloadUrl(ctx.baseUrl, mediaId, ctx.clock.now()),
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.bytes.length,
      id: mediaId,
    },
  };
}
