import type { ContactCard, OutboundContent, OutboundMessage } from '@switchboard/core';
import { OutboundMessage as OutboundMessageSchema } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import { buildButtons, buildList, buildQuickReplies } from './interactive.js';
import { checkLength, invalid, WHATSAPP_FIELD_LIMITS as L, notSupported } from './limits.js';
import { buildTemplate } from './template.js';

/** The JSON body of `POST /{phone-number-id}/messages`. */
export type WhatsAppSendBody = Record<string, unknown>;

/** Business-scoped user id: two-letter country code, a dot, alphanumerics (parents contain `ENT.`). */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** True when `userId` is a BSUID (`US.13491208655302741918`) rather than a phone number. */
export function isBusinessScopedUserId(userId: string): boolean {
  return BSUID.test(userId);
}

type Media = Extract<OutboundContent, { type: 'image' | 'video' | 'audio' | 'file' | 'sticker' }>;

function media(content: Media): [string, Record<string, unknown>] {
  const type = content.type === 'file' ? 'document' : content.type;
  const object: Record<string, unknown> = content.mediaId ? { id: content.mediaId } : { link: content.url };
  if (content.caption !== undefined) {
    if (type === 'audio' || type === 'sticker')
      throw notSupported(`WhatsApp ${type} messages carry no caption`);
    checkLength(content.caption, L.caption, 'content.caption');
    object.caption = content.caption;
  }
  if (content.filename !== undefined) {
    if (type !== 'document') throw notSupported(`only documents carry a filename on WhatsApp, not ${type}`);
    object.filename = content.filename;
  }
  return [type, object];
}

function contact(card: ContactCard): Record<string, unknown> {
  const typed = <T extends { type?: string }>(item: T, body: Record<string, unknown>) =>
    item.type ? { ...body, type: item.type } : body;
  const name: Record<string, unknown> = { formatted_name: card.name.formattedName };
  if (card.name.firstName) name.first_name = card.name.firstName;
  if (card.name.lastName) name.last_name = card.name.lastName;
  const out: Record<string, unknown> = { name };
  if (card.phones)
    out.phones = card.phones.map((p) => typed(p, { phone: p.phone, ...(p.waId ? { wa_id: p.waId } : {}) }));
  if (card.emails) out.emails = card.emails.map((e) => typed(e, { email: e.email }));
  if (card.urls) out.urls = card.urls.map((u) => typed(u, { url: u.url }));
  if (card.org) out.org = { ...card.org };
  if (card.addresses) out.addresses = card.addresses;
  if (card.birthday) out.birthday = card.birthday;
  return out;
}

const recipientOf = (body: WhatsAppSendBody) => ({
  messaging_product: 'whatsapp',
  recipient_type: body.recipient_type,
  ...(body.to !== undefined ? { to: body.to } : { recipient: body.recipient }),
});

/** What a group takes (reference §7.1): no interactive, reactions or read receipts. */
const GROUP_CONTENT = new Set(['text', 'image', 'video', 'audio', 'file', 'sticker', 'template', 'raw']);

/** `[type, object]` of a content, or the whole body for sender actions. */
function payload(content: OutboundContent): [string, unknown] {
  switch (content.type) {
    case 'text':
      checkLength(content.text, L.textBody, 'content.text');
      return ['text', { body: content.text, preview_url: content.previewUrl ?? false }];
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'sticker':
      return media(content);
    case 'location': {
      const { latitude, longitude, name, address } = content;
      return [
        'location',
        { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
      ];
    }
    case 'contacts':
      return ['contacts', content.contacts.map(contact)];
    case 'reaction':
      return ['reaction', { message_id: content.messageId, emoji: content.emoji ?? '' }];
    case 'buttons':
      return ['interactive', buildButtons(content)];
    case 'quick_replies':
      return ['interactive', buildQuickReplies(content)];
    case 'list':
      return ['interactive', buildList(content)];
    case 'template':
      return ['template', buildTemplate(content)];
    case 'call_permission_request':
      checkLength(content.text, L.interactiveBody, 'content.text');
      return [
        'interactive',
        {
          type: 'call_permission_request',
          action: { name: 'call_permission_request' },
          body: { text: content.text },
        },
      ];
    case 'flow':
    case 'raw':
      throw new Error('unreachable: built by buildSendBody');
    case 'cards':
      throw notSupported(
        'WhatsApp has no card carousel outside templates: send a list, buttons or a template',
      );
    case 'sender_action':
      throw new Error('unreachable: sender actions are built by buildSenderAction');
    case 'public_reply':
    case 'comment_moderation':
      throw notSupported('WhatsApp has no comments');
  }
}

/** `interactive.type: "flow"` (reference §6.1): version 3, one of flow_id / flow_name, the action and its payload. */
function buildFlow(
  content: Extract<OutboundContent, { type: 'flow' }>,
  correlationId?: string,
): Record<string, unknown> {
  if ((content.flowId === undefined) === (content.flowName === undefined))
    throw invalid('a Flow is named by exactly one of flowId and flowName', 'content.flowId');
  checkLength(content.cta, L.flowCta, 'content.cta');
  checkLength(content.body, L.interactiveBody, 'content.body');
  if (content.header !== undefined) checkLength(content.header, L.interactiveHeader, 'content.header');
  if (content.footer !== undefined) checkLength(content.footer, L.interactiveFooter, 'content.footer');
  const action = content.action ?? 'navigate';
  if (action === 'data_exchange' && (content.screen !== undefined || content.data !== undefined))
    throw invalid(
      'a data_exchange Flow opens with your endpoint answering INIT: no screen or data',
      'content.screen',
    );
  if (action === 'navigate' && content.data !== undefined && Object.keys(content.data).length === 0)
    throw invalid('a navigate Flow opens its screen with non-empty data (omit data instead)', 'content.data');
  const flowToken = content.flowToken ?? correlationId;
  return {
    type: 'flow',
    ...(content.header ? { header: { type: 'text', text: content.header } } : {}),
    body: { text: content.body },
    ...(content.footer ? { footer: { text: content.footer } } : {}),
    action: {
      name: 'flow',
      parameters: {
        flow_message_version: '3',
        ...(flowToken ? { flow_token: flowToken } : {}),
        ...(content.flowId ? { flow_id: content.flowId } : { flow_name: content.flowName }),
        flow_cta: content.cta,
        mode: content.mode ?? 'published',
        flow_action: action,
        ...(action === 'navigate' && (content.screen || content.data)
          ? {
              flow_action_payload: {
                ...(content.screen ? { screen: content.screen } : {}),
                ...(content.data ? { data: content.data } : {}),
              },
            }
          : {}),
      },
    },
  };
}

function buildSenderAction(content: Extract<OutboundContent, { type: 'sender_action' }>): WhatsAppSendBody {
  // WhatsApp has no typing-off: the indicator ends when we reply or after 25 s.
  if (content.action === 'typing_off')
    throw notSupported('WhatsApp has no typing_off; the indicator stops on reply or after 25 s');
  if (!content.messageId) {
    throw invalid(
      'WhatsApp marks a message read (and shows typing) by its id: content.messageId is required',
      'content.messageId',
    );
  }
  return {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: content.messageId,
    ...(content.action === 'typing_on' ? { typing_indicator: { type: 'text' } } : {}),
  };
}

/**
 * Builds the Graph body for one outbound message, checking WhatsApp's limits first. Pure: no I/O.
 * Throws `INVALID_REQUEST` (a limit or a malformed message) or `NOT_SUPPORTED` (content WhatsApp
 * cannot carry). `tag` and `messagingType` are Messenger notions and are ignored.
 *
 * @example
 * buildSendBody({ to: { channel: 'whatsapp', accountId: '106540352242922', userId: '16315551234' },
 *   content: { type: 'text', text: 'Hi' } });
 * // → { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16315551234', type: 'text', text: { body: 'Hi', preview_url: false } }
 */
export function buildSendBody(message: OutboundMessage): WhatsAppSendBody {
  const parsed = (() => {
    try {
      return parseWith(OutboundMessageSchema, message, 'outbound message');
    } catch (error) {
      throw invalid((error as Error).message, (error as { path?: string }).path);
    }
  })();
  const { content } = parsed;
  // Messenger-only delivery options: refused rather than dropped (a user_ref is no phone number).
  if (parsed.to.userIdType === 'user_ref') throw notSupported('WhatsApp has no user_ref recipients');
  if (parsed.personaId !== undefined) throw notSupported('WhatsApp has no personas');
  if (parsed.notification !== undefined && parsed.notification !== 'regular')
    throw notSupported('WhatsApp messages cannot be sent silently');
  const groupId = parsed.to.groupId;
  if (groupId && !GROUP_CONTENT.has(content.type))
    throw notSupported(`WhatsApp groups take text, media and templates, not ${content.type} messages`);
  if (content.type === 'sender_action') return buildSenderAction(content);
  const body: WhatsAppSendBody = {
    messaging_product: 'whatsapp',
    recipient_type: groupId ? 'group' : 'individual',
  };
  const userId = parsed.to.userId;
  if (groupId) body.to = groupId;
  else if (isBusinessScopedUserId(userId)) body.recipient = userId;
  else body.to = userId;
  if (parsed.replyTo && content.type !== 'reaction') body.context = { message_id: parsed.replyTo };
  if (parsed.correlationId !== undefined) {
    const bytes = Buffer.byteLength(parsed.correlationId, 'utf8');
    if (bytes > L.callbackData)
      throw invalid(`correlationId is ${bytes} bytes, WhatsApp allows ${L.callbackData}`, 'correlationId');
    body.biz_opaque_callback_data = parsed.correlationId;
  }
  // Raw: the caller's fields over ours, except who it goes to.
  if (content.type === 'raw') return { ...body, ...content.body, ...recipientOf(body) };
  const [type, object] =
    content.type === 'flow' ? ['interactive', buildFlow(content, parsed.correlationId)] : payload(content);
  body.type = type;
  body[type] = object;
  return body;
}
