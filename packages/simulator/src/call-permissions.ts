import type { SimContext } from './context.js';
import { resolveCustomer } from './customer.js';
import { seconds } from './groups.js';
import type { TruthRecord } from './types.js';

/** How a simulated customer answers a call permission request. */
export interface CallPermissionAnswer {
  accountId?: string;
  userId?: string;
  response: 'accept' | 'reject';
  /** Granted without expiry ("Always allow"). Default false. */
  permanent?: boolean;
}

const WEEK_MS = 7 * 24 * 60 * 60_000;

/**
 * The customer answers the business's latest `call_permission_request`: an interactive
 * `call_permission_reply` on the `messages` field, in reply to that request (reference §7.3).
 */
export function answerCallPermission(ctx: SimContext, input: CallPermissionAnswer): TruthRecord {
  const customer = resolveCustomer(ctx, { channel: 'whatsapp', ...input });
  const request = [...ctx.state.sends].reverse().find((s) => {
    const interactive = (s.body as { interactive?: { type?: unknown } }).interactive;
    return (
      s.channel === 'whatsapp' &&
      s.accountId === customer.accountId &&
      s.userId === customer.userId &&
      interactive?.type === 'call_permission_request'
    );
  });
  if (!request) throw new Error(`no call permission request was sent to ${customer.userId}`);
  const now = ctx.clock.now();
  const messageId = ctx.state.newMessageId('whatsapp', customer.accountId);
  ctx.state.waInbound.set(messageId, { phoneNumberId: customer.accountId, userId: customer.userId });
  ctx.state.lastInbound.set(ctx.state.windowKey('whatsapp', customer.accountId, customer.userId), now);
  const permanent = input.response === 'accept' && input.permanent === true;
  return ctx.publish({
    channel: 'whatsapp',
    accountId: customer.accountId,
    userId: customer.userId,
    type: 'inbound',
    kind: 'call_permission_reply',
    messageId,
    item: {
      context: { from: customer.accountId, id: request.messageId },
      from: customer.userId,
      id: messageId,
      timestamp: seconds(now),
      type: 'interactive',
      interactive: {
        type: 'call_permission_reply',
        call_permission_reply: {
          response: input.response,
          is_permanent: permanent,
          ...(input.response === 'accept' && !permanent
            ? { expiration_timestamp: Number(seconds(now + WEEK_MS)) }
            : {}),
          response_source: 'user_action',
        },
      },
    },
  });
}
