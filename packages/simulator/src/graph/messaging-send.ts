import { requireScope, requireTarget } from '../auth.js';
import type { SimComment } from '../comments.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import { afterMessagingSend } from '../outbound.js';
import type { StoredAttachment } from '../state.js';
import type { BusinessSend, SimChannel, SimToken } from '../types.js';
import { canAct, indexOf } from '../world-index.js';
import { privateReplyRefusal } from './comments.js';
import { personaOf, resolveUserRef } from './people.js';
import { notOwnerError, ownedByOtherApp } from './routing.js';

const MESSENGER_TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'CUSTOMER_FEEDBACK',
  'HUMAN_AGENT',
];
const ATTACHMENT_TYPES = ['image', 'audio', 'video', 'file', 'template'];
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Resolves which channel and account a send addressed to a Page or IG account concerns. */
function resolveTarget(
  ctx: SimContext,
  token: SimToken,
  objectId: string,
  recipientId: string,
): { channel: SimChannel; accountId: string } {
  const { world } = ctx.state;
  const page = indexOf(world).pages.get(objectId);
  const isCustomer = (channel: SimChannel, accountId: string) =>
    indexOf(world).customer(channel, accountId, recipientId) !== undefined;
  if (page) {
    requireTarget(token, page.id);
    if (page.instagramId && isCustomer('instagram', page.instagramId)) {
      requireScope(token, 'instagram_manage_messages');
      return { channel: 'instagram', accountId: page.instagramId };
    }
    requireScope(token, 'pages_messaging');
    if (!isCustomer('messenger', page.id)) throw invalidParam('No matching user found', 2018001);
    return { channel: 'messenger', accountId: page.id };
  }
  requireTarget(token, objectId);
  requireScope(
    token,
    token.type === 'USER' ? 'instagram_business_manage_messages' : 'instagram_manage_messages',
  );
  if (!isCustomer('instagram', objectId)) throw invalidParam('No matching Instagram user', 2534014);
  return { channel: 'instagram', accountId: objectId };
}

function commentForPrivateReply(ctx: SimContext, commentId: string): SimComment {
  const comment = ctx.comments.comments.get(commentId);
  if (!comment) throw invalidParam('Invalid comment_id parameter', 2018292);
  return comment;
}

/**
 * Where a private reply goes: Messenger through the Page; Instagram through the linked Page (Facebook
 * Login) or the IG account (Instagram Login) — an IG comment answered at `/{ig-id}/messages` with a Page
 * token gets Meta's `(#3)` (meta-platform-more §1.4 gotcha).
 */
function privateReplyTarget(
  token: SimToken,
  objectId: string,
  comment: SimComment,
): { channel: SimChannel; accountId: string } {
  const { channel, accountId } = comment;
  if (channel === 'messenger') {
    if (objectId !== accountId) throw invalidParam('Invalid comment_id parameter', 2018292);
    requireTarget(token, accountId);
    requireScope(token, 'pages_messaging');
    return { channel, accountId };
  }
  if (token.type === 'PAGE' && objectId === accountId) {
    throw new GraphError(400, 3, '(#3) Application does not have the capability to make this API call.');
  }
  requireTarget(token, objectId);
  if (objectId !== accountId && !canAct(token, accountId))
    throw invalidParam('Invalid comment_id parameter', 2018292);
  requireScope(
    token,
    token.type === 'USER' ? 'instagram_business_manage_messages' : 'instagram_manage_messages',
  );
  return { channel, accountId };
}

function checkWindow(
  ctx: SimContext,
  channel: SimChannel,
  accountId: string,
  userId: string,
  params: Record<string, unknown>,
): void {
  const type = params.messaging_type;
  const tag = typeof params.tag === 'string' ? params.tag : undefined;
  if (type !== undefined && !['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(String(type))) {
    throw invalidParam('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  }
  if (type === 'MESSAGE_TAG' && !tag) throw invalidParam('Tag is required for MESSAGE_TAG messaging type.');
  const allowed = channel === 'instagram' ? ['HUMAN_AGENT'] : MESSENGER_TAGS;
  if (tag && !allowed.includes(tag)) throw invalidParam(`param tag must be one of {${allowed.join(', ')}}`);
  const now = ctx.clock.now();
  const inWindow =
    tag === 'HUMAN_AGENT'
      ? ctx.state.withinHours(channel, accountId, userId, now, 7 * 24)
      : tag
        ? true
        : ctx.state.withinHours(channel, accountId, userId, now, 24);
  if (!inWindow) {
    throw new GraphError(400, 10, '(#10) This message is sent outside of allowed window.', {
      subcode: channel === 'instagram' ? 2534022 : 2018278,
      userTitle: 'Message Not Sent',
      userMsg: 'This person isn\u2019t available right now.',
    });
  }
}

function validateMessage(
  ctx: SimContext,
  channel: SimChannel,
  message: Record<string, unknown>,
): StoredAttachment[] | undefined {
  const text = message.text;
  const attachment = asObject(message.attachment);
  if (text === undefined && !attachment) throw invalidParam('param message must contain text or attachment');
  if (text !== undefined) {
    if (typeof text !== 'string' || text.length === 0)
      throw invalidParam('Param message[text] must be a non-empty UTF-8 encoded string');
    if (channel === 'messenger' && text.length > 2000)
      throw invalidParam('Length of param message[text] must be less than or equal to 2000');
    if (channel === 'instagram' && Buffer.byteLength(text, 'utf8') > 1000) {
      throw invalidParam('Length of param message[text] must be less than or equal to 1000 bytes', 2534015);
    }
  }
  const quick = message.quick_replies;
  if (Array.isArray(quick) && quick.length > 13)
    throw invalidParam('param message[quick_replies] must have at most 13 items');
  if (!attachment) return undefined;
  const type = String(attachment.type ?? '');
  if (!ATTACHMENT_TYPES.includes(type))
    throw invalidParam(`param message[attachment][type] must be one of {${ATTACHMENT_TYPES.join(', ')}}`);
  const payload = asObject(attachment.payload) ?? {};
  if (type === 'template') {
    if (typeof payload.template_type !== 'string')
      throw invalidParam('param message[attachment][payload][template_type] is required');
    if (payload.template_type === 'button') validateButtonTemplate(channel, payload);
    return [{ type: 'template', url: '' }];
  }
  if (typeof payload.attachment_id === 'string' || typeof payload.attachment_id === 'number') {
    const found = ctx.state.attachments.get(String(payload.attachment_id));
    if (!found) throw invalidParam('Attachment id is invalid', 2018074);
    return [found];
  }
  if (typeof payload.url !== 'string' || !/^https?:\/\//.test(payload.url)) {
    throw invalidParam('Attachment URL could not be fetched', 2018008);
  }
  return [{ type, url: payload.url }];
}

/** `notification_type` and `persona_id` (Messenger only; a persona must belong to the Page). */
function checkDeliveryOptions(ctx: SimContext, objectId: string, params: Record<string, unknown>): void {
  const page = indexOf(ctx.state.world).pages.has(objectId);
  const type = params.notification_type;
  if (type !== undefined && !['REGULAR', 'SILENT_PUSH', 'NO_PUSH'].includes(String(type)))
    throw invalidParam('param notification_type must be one of {REGULAR, SILENT_PUSH, NO_PUSH}');
  const personaId = params.persona_id;
  if (personaId === undefined) return;
  const persona = personaOf(ctx, String(personaId));
  if (!page || !persona || persona.pageId !== objectId) throw invalidParam('Invalid persona_id', 2018210);
}

/** Button template: text ≤ 640, 1–3 buttons; Instagram takes only web_url and postback buttons. */
function validateButtonTemplate(channel: SimChannel, payload: Record<string, unknown>): void {
  const text = payload.text;
  if (typeof text !== 'string' || text.length === 0 || text.length > 640)
    throw invalidParam('param message[attachment][payload][text] must be 1 to 640 characters');
  const buttons = payload.buttons;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
    throw invalidParam('param message[attachment][payload][buttons] must have 1 to 3 items');
  const allowed = channel === 'instagram' ? ['web_url', 'postback'] : ['web_url', 'postback', 'phone_number'];
  for (const button of buttons) {
    const type = asObject(button)?.type;
    if (typeof type !== 'string' || !allowed.includes(type))
      throw invalidParam(`button type must be one of {${allowed.join(', ')}}`);
  }
}

/** `POST /{page-id|ig-id|me}/messages` — Messenger and Instagram Send API. */
export function handleMessagingSend(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  objectId: string,
): GraphResponse {
  const recipient = asObject(req.params.recipient);
  // A private reply names the comment; Meta resolves its author.
  const privateReply =
    recipient?.comment_id !== undefined
      ? commentForPrivateReply(ctx, String(recipient.comment_id))
      : undefined;
  const userRef = typeof recipient?.user_ref === 'string' ? recipient.user_ref : undefined;
  if (userRef !== undefined && !indexOf(ctx.state.world).pages.has(objectId))
    throw invalidParam('user_ref recipients are only supported on Messenger');
  const recipientId =
    privateReply?.authorId ??
    (recipient?.id !== undefined
      ? String(recipient.id)
      : userRef !== undefined
        ? (resolveUserRef(ctx, objectId, userRef) ??
          (() => {
            throw invalidParam('No matching user found for this user_ref', 2018001);
          })())
        : undefined);
  if (!recipientId) throw invalidParam('The parameter recipient is required');
  checkDeliveryOptions(ctx, objectId, req.params);
  const { channel, accountId } = privateReply
    ? privateReplyTarget(token, objectId, privateReply)
    : resolveTarget(ctx, token, objectId, recipientId);
  if (ownedByOtherApp(ctx, channel, accountId, recipientId)) throw notOwnerError(channel);
  const failure = ctx.faults.sendFailure(channel, accountId);
  if (failure) {
    const status = failure.httpStatus ?? (failure.code === 1 || failure.code === 2 ? 500 : 400);
    throw new GraphError(status, failure.code, failure.message ?? `(#${failure.code}) Simulated failure`, {
      ...(failure.subcode !== undefined ? { subcode: failure.subcode } : {}),
      ...(failure.code === 1 || failure.code === 2 ? { isTransient: true } : {}),
    });
  }
  const now = ctx.clock.now();
  const action = req.params.sender_action;
  if (action !== undefined && privateReply) throw invalidParam('Sender actions cannot be sent to a comment');
  if (action !== undefined) {
    if (!SENDER_ACTIONS.includes(String(action)))
      throw invalidParam(`param sender_action must be one of {${SENDER_ACTIONS.join(', ')}}`);
    if (action === 'react' || action === 'unreact') {
      const payload = asObject(req.params.payload);
      const target = payload?.message_id;
      if (typeof target !== 'string' || !ctx.state.messages.has(target))
        throw invalidParam('Invalid message_id in payload');
      ctx.state.sends.push({
        channel,
        accountId,
        userId: recipientId,
        messageId: target,
        at: now,
        kind: String(action),
        body: req.params,
      });
    }
    return { body: userRef === undefined ? { recipient_id: recipientId } : {} };
  }
  const message = asObject(req.params.message);
  if (!message) throw invalidParam('Must send either message or state');
  if (privateReply) {
    const refusal = privateReplyRefusal(ctx, privateReply);
    if (refusal) throw refusal;
  } else checkWindow(ctx, channel, accountId, recipientId, req.params);
  const attachments = validateMessage(ctx, channel, message);
  if (typeof message.metadata === 'string' && message.metadata.length > 1000) {
    throw invalidParam('Length of param message[metadata] must be less than or equal to 1000');
  }
  const messageId = ctx.state.newMessageId(channel, accountId);
  const send: BusinessSend = {
    channel,
    accountId,
    userId: recipientId,
    messageId,
    at: now,
    kind: attachments?.[0]?.type ?? 'text',
    body: req.params,
    ...(typeof message.metadata === 'string' ? { metadata: message.metadata } : {}),
  };
  ctx.state.sends.push(send);
  if (privateReply) privateReply.privateReplyId = messageId;
  ctx.state.addMessage(channel, accountId, recipientId, {
    id: messageId,
    createdAt: now,
    fromBusiness: true,
    ...(typeof message.text === 'string' ? { text: message.text } : {}),
    ...(attachments ? { attachments } : {}),
  });
  afterMessagingSend(ctx, send, message);
  // Sends to a user_ref do not reveal the PSID.
  const body: Record<string, unknown> =
    userRef === undefined ? { recipient_id: recipientId, message_id: messageId } : { message_id: messageId };
  const payload = asObject(asObject(message.attachment)?.payload);
  if (payload?.is_reusable === true && attachments?.[0]) {
    const attachmentId = ctx.state.newMediaId();
    ctx.state.attachments.set(attachmentId, attachments[0]);
    body.attachment_id = attachmentId;
  }
  return { body };
}

/** `POST /{page-id}/message_attachments` — the Attachment Upload API. */
export function handleAttachmentUpload(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  objectId: string,
): GraphResponse {
  requireTarget(token, objectId);
  const message = asObject(req.params.message);
  const attachment = asObject(message?.attachment);
  const type = String(attachment?.type ?? '');
  const payload = asObject(attachment?.payload);
  if (!['image', 'audio', 'video', 'file'].includes(type))
    throw invalidParam('param message[attachment][type] is invalid');
  const url = payload?.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url))
    throw invalidParam('Attachment URL could not be fetched', 2018008);
  const attachmentId = ctx.state.newMediaId();
  ctx.state.attachments.set(attachmentId, { type, url });
  return { body: { attachment_id: attachmentId } };
}
