import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, waError } from '../graph-error.js';
import { afterWhatsAppSend, type WhatsAppFailure } from '../outbound.js';
import type { BusinessSend, SimToken } from '../types.js';
import { indexOf } from '../world-index.js';
import { sendToGroup } from './whatsapp-group-send.js';
import { requireRegistered } from './whatsapp-onboarding.js';
import { templateSendError } from './whatsapp-templates.js';

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];
const TYPES = [...MEDIA_TYPES, 'text', 'location', 'contacts', 'reaction', 'interactive', 'template'];
const INTERACTIVE = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'call_permission_request',
];

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const missing = (what: string) =>
  waError(131008, 'Required parameter is missing', `Parameter '${what}' is required.`);
const invalid = (details: string) => waError(131009, 'Parameter value is not valid', details);

function validateContent(
  ctx: SimContext,
  type: string,
  params: Record<string, unknown>,
  phoneId: string,
): void {
  const content = type === 'contacts' ? params.contacts : obj(params[type]);
  if (!content) throw missing(type);
  switch (type) {
    case 'text': {
      const body = obj(content)?.body;
      if (typeof body !== 'string' || body.length === 0) throw missing('text.body');
      if (body.length > 4096)
        throw waError(100, "Param text['body'] must be at most 4096 characters long.", 'text.body too long');
      return;
    }
    case 'location': {
      const c = obj(content) ?? {};
      if (typeof c.latitude !== 'number' && typeof c.latitude !== 'string')
        throw missing('location.latitude');
      if (typeof c.longitude !== 'number' && typeof c.longitude !== 'string')
        throw missing('location.longitude');
      return;
    }
    case 'contacts':
      if (!Array.isArray(content) || content.length === 0)
        throw invalid('contacts must be a non-empty array');
      return;
    case 'reaction': {
      const c = obj(content) ?? {};
      const id = c.message_id;
      const known =
        typeof id === 'string' &&
        (ctx.state.waInbound.has(id) || ctx.state.sends.some((s) => s.messageId === id));
      if (!known) throw invalid('reaction.message_id is not a known message');
      if (typeof c.emoji !== 'string') throw missing('reaction.emoji');
      return;
    }
    case 'interactive': {
      const c = obj(content) ?? {};
      if (!INTERACTIVE.includes(String(c.type)))
        throw invalid(`interactive.type must be one of ${INTERACTIVE.join(', ')}`);
      const bodyText = obj(c.body)?.text;
      if (typeof bodyText === 'string' && bodyText.length > 1024)
        throw invalid('interactive.body.text is longer than 1024');
      if (c.type === 'call_permission_request') {
        if (obj(c.action)?.name !== 'call_permission_request')
          throw invalid('interactive.action.name must be call_permission_request');
        if (typeof bodyText !== 'string' || bodyText.length === 0) throw missing('interactive.body.text');
      }
      if (c.type === 'button') {
        const buttons = obj(c.action)?.buttons;
        if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
          throw invalid('interactive.action.buttons must have 1 to 3 items');
      }
      return;
    }
    case 'template': {
      const c = obj(content) ?? {};
      const language = obj(c.language)?.code;
      if (typeof c.name !== 'string') throw missing('template.name');
      if (typeof language !== 'string') throw missing('template.language.code');
      const components = Array.isArray(c.components) ? (c.components as Record<string, unknown>[]) : [];
      const body = components.find((x) => x?.type === 'body');
      const bodyParams = Array.isArray(body?.parameters) ? body.parameters.length : 0;
      const wabaId = indexOf(ctx.state.world).phones.get(phoneId)?.wabaId ?? '';
      const refused = templateSendError(ctx, wabaId, c.name, language, bodyParams);
      if (refused) throw refused;
      return;
    }
    default: {
      const c = obj(content) ?? {};
      if (typeof c.id === 'string') {
        const media = ctx.state.media.get(c.id);
        if (!media || media.deleted) throw invalid(`${type}.id is not a valid media id`);
      } else if (typeof c.link !== 'string' || !/^https?:\/\//.test(c.link)) {
        throw missing(`${type}.id or ${type}.link`);
      }
    }
  }
}

/** `POST /{phone-number-id}/messages` — every message type, templates, reactions and mark-as-read. */
export function handleWhatsAppSend(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
): GraphResponse {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_messaging');
  requireRegistered(ctx, phoneId);
  const p = req.params;
  if (p.messaging_product !== 'whatsapp') {
    throw waError(
      100,
      'The parameter messaging_product is required.',
      'messaging_product must be "whatsapp"',
    );
  }
  if (p.status === 'read') {
    const id = p.message_id;
    const known = typeof id === 'string' && ctx.state.waInbound.get(id)?.phoneNumberId === phoneId;
    if (!known) throw invalid('message_id is not a message received by this phone number');
    return { body: { success: true } };
  }
  if (ctx.state.phoneHealth.get(phoneId)?.canSendMessage === 'BLOCKED') {
    throw waError(
      131048,
      'Spam rate limit hit',
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
    );
  }
  const failure = ctx.faults.sendFailure('whatsapp', phoneId);
  if (failure) {
    const status = failure.httpStatus ?? ([1, 2, 131000, 131016, 133004].includes(failure.code) ? 500 : 400);
    throw new GraphError(status, failure.code, failure.message ?? `(#${failure.code}) Simulated failure`, {
      ...(failure.subcode !== undefined ? { subcode: failure.subcode } : {}),
      errorData: { messaging_product: 'whatsapp', details: 'Simulated failure injected by the simulator' },
    });
  }
  const to = typeof p.to === 'string' ? p.to : undefined;
  const bsuid = typeof p.recipient === 'string' ? p.recipient : undefined;
  if (!to && !bsuid) throw waError(100, 'The parameter to is required.', 'to or recipient is required');
  const type = typeof p.type === 'string' ? p.type : 'text';
  if (!TYPES.includes(type))
    throw waError(100, `Param type must be one of {${TYPES.join(', ')}}`, `unknown type ${type}`);
  validateContent(ctx, type, p, phoneId);
  const opaque = p.biz_opaque_callback_data;
  if (opaque !== undefined && (typeof opaque !== 'string' || Buffer.byteLength(opaque) > 512)) {
    throw invalid('biz_opaque_callback_data must be a string of at most 512 bytes');
  }
  if (p.recipient_type === 'group') return sendToGroup(ctx, phoneId, type, p);
  const digits = to?.replace(/\D/g, '');
  const customer = bsuid
    ? indexOf(ctx.state.world)
        .customersOf('whatsapp', phoneId)
        .find((c) => c.bsuid === bsuid)
    : indexOf(ctx.state.world).customer('whatsapp', phoneId, digits ?? '');
  const userId = customer?.userId ?? digits ?? bsuid ?? '';
  const now = ctx.clock.now();
  const messageId = ctx.state.newMessageId('whatsapp', phoneId);
  const send: BusinessSend = {
    channel: 'whatsapp',
    accountId: phoneId,
    userId,
    messageId,
    at: now,
    kind: type,
    body: p,
    ...(typeof opaque === 'string' ? { bizOpaqueCallbackData: opaque } : {}),
  };
  ctx.state.sends.push(send);
  let failureStatus: WhatsAppFailure | undefined;
  if (!customer) {
    failureStatus = {
      code: 131026,
      title: 'Message undeliverable',
      details: 'Message failed to send because the recipient is not a WhatsApp user.',
    };
  } else if (type !== 'template' && !ctx.state.withinHours('whatsapp', phoneId, userId, now, 24)) {
    failureStatus = {
      code: 131047,
      title: 'Re-engagement message',
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    };
  }
  afterWhatsAppSend(ctx, send, failureStatus);
  const contact = bsuid && !to ? { input: bsuid, user_id: bsuid } : { input: to, wa_id: userId };
  return {
    body: {
      messaging_product: 'whatsapp',
      contacts: [contact],
      messages: [{ id: messageId, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
    },
  };
}
