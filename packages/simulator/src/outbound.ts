import type { SimContext } from './context.js';
import type { BusinessSend } from './types.js';

const PRICING = { billable: true, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };

/** Echo, delivery and read webhooks after an accepted Messenger / Instagram send. */
export function afterMessagingSend(
  ctx: SimContext,
  send: BusinessSend,
  message: Record<string, unknown>,
): void {
  const { clock, statusDelays } = ctx;
  const { channel, accountId, userId, messageId } = send;
  clock.setTimeout(() => {
    const echo: Record<string, unknown> = {
      mid: messageId,
      is_echo: true,
      app_id: Number(ctx.state.world.app.id),
    };
    if (send.metadata !== undefined) echo.metadata = send.metadata;
    if (typeof message.text === 'string') echo.text = message.text;
    if (message.attachment) echo.attachments = [message.attachment];
    ctx.publish({
      channel,
      accountId,
      userId,
      type: 'echo',
      kind: 'echo',
      messageId,
      item: { sender: { id: accountId }, recipient: { id: userId }, timestamp: clock.now(), message: echo },
    });
  }, statusDelays.sent);
  if (statusDelays.delivered !== null && channel === 'messenger') {
    clock.setTimeout(() => {
      ctx.publish({
        channel,
        accountId,
        userId,
        type: 'receipt',
        kind: 'delivery',
        messageId,
        item: {
          sender: { id: userId },
          recipient: { id: accountId },
          delivery: { mids: [messageId], watermark: clock.now() },
        },
      });
    }, statusDelays.delivered);
  }
  if (statusDelays.read !== null) {
    clock.setTimeout(() => {
      const now = clock.now();
      ctx.publish({
        channel,
        accountId,
        userId,
        type: 'receipt',
        kind: 'read',
        messageId,
        item: {
          sender: { id: userId },
          recipient: { id: accountId },
          timestamp: now,
          read: channel === 'instagram' ? { mid: messageId } : { watermark: now },
        },
      });
    }, statusDelays.read);
  }
}

export interface WhatsAppFailure {
  code: number;
  title: string;
  details: string;
}

/** WhatsApp statuses after an accepted send: sent → delivered → read, only sent for reactions, or failed. */
export function afterWhatsAppSend(ctx: SimContext, send: BusinessSend, failure?: WhatsAppFailure): void {
  const { clock, statusDelays } = ctx;
  const status =
    (name: string, extra: Record<string, unknown> = {}) =>
    () => {
      ctx.publish({
        channel: 'whatsapp',
        accountId: send.accountId,
        userId: send.userId,
        type: 'status',
        kind: name,
        messageId: send.messageId,
        item: {
          id: send.messageId,
          status: name,
          timestamp: String(Math.floor(clock.now() / 1000)),
          recipient_id: send.userId,
          ...(send.bizOpaqueCallbackData !== undefined
            ? { biz_opaque_callback_data: send.bizOpaqueCallbackData }
            : {}),
          ...extra,
        },
      });
    };
  if (failure) {
    send.failed = { code: failure.code, title: failure.title };
    const error = {
      code: failure.code,
      title: failure.title,
      message: failure.title,
      error_data: { details: failure.details },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    };
    clock.setTimeout(status('failed', { errors: [error] }), statusDelays.sent);
    return;
  }
  clock.setTimeout(status('sent', { pricing: PRICING }), statusDelays.sent);
  if (send.kind === 'reaction') return;
  const { delivered, read } = statusDelays;
  // Meta skips `delivered` when delivery and read happen at once.
  if (delivered !== null && (read === null || read > delivered))
    clock.setTimeout(status('delivered', { pricing: PRICING }), delivered);
  if (read !== null) clock.setTimeout(status('read'), read);
}

/**
 * The business answers a customer from outside the app under test (a person in Meta Business Suite, say):
 * the message joins the conversation and its echo / statuses are published like a Graph send's.
 */
export function businessReplies(
  ctx: SimContext,
  input: { channel: BusinessSend['channel']; accountId: string; userId: string; text: string },
): BusinessSend {
  const { channel, accountId, userId, text } = input;
  const now = ctx.clock.now();
  const messageId = ctx.state.newMessageId(channel, accountId);
  const body =
    channel === 'whatsapp'
      ? { messaging_product: 'whatsapp', to: userId, type: 'text', text: { body: text } }
      : { recipient: { id: userId }, message: { text } };
  const send: BusinessSend = { channel, accountId, userId, messageId, at: now, kind: 'text', body };
  ctx.state.sends.push(send);
  if (channel === 'whatsapp') {
    afterWhatsAppSend(ctx, send);
    return send;
  }
  ctx.state.addMessage(channel, accountId, userId, {
    id: messageId,
    createdAt: now,
    fromBusiness: true,
    text,
  });
  afterMessagingSend(ctx, send, { text });
  return send;
}
