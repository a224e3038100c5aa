import type { SimContext } from './context.js';
import { resolveCustomer } from './customer.js';
import { seconds } from './groups.js';
import type { TruthRecord } from './types.js';

/** How a simulated customer completes the business's latest Flow. */
export interface FlowCompletion {
  accountId?: string;
  userId?: string;
  /** The fields the Flow returns (its `complete` action payload). */
  response: Record<string, unknown>;
  /** Leave `flow_token` out of `response_json`, as some iOS clients do. Default false. */
  dropFlowToken?: boolean;
}

/**
 * The customer submits the business's latest Flow message: an interactive `nfm_reply` whose
 * `response_json` is a JSON string carrying the send's `flow_token` (reference §6.2).
 */
export function completeFlow(ctx: SimContext, input: FlowCompletion): TruthRecord {
  const customer = resolveCustomer(ctx, { channel: 'whatsapp', ...input });
  const flow = [...ctx.state.sends].reverse().find((s) => {
    const interactive = (s.body as { interactive?: { type?: unknown } }).interactive;
    return (
      s.channel === 'whatsapp' &&
      s.accountId === customer.accountId &&
      s.userId === customer.userId &&
      interactive?.type === 'flow' &&
      !s.failed
    );
  });
  if (!flow) throw new Error(`no Flow message was sent to ${customer.userId}`);
  const parameters = (flow.body as { interactive: { action?: { parameters?: { flow_token?: unknown } } } })
    .interactive.action?.parameters;
  // Meta's default token when the business sent none.
  const token = typeof parameters?.flow_token === 'string' ? parameters.flow_token : 'unused';
  const now = ctx.clock.now();
  const messageId = ctx.state.newMessageId('whatsapp', customer.accountId);
  ctx.state.waInbound.set(messageId, { phoneNumberId: customer.accountId, userId: customer.userId });
  ctx.state.lastInbound.set(ctx.state.windowKey('whatsapp', customer.accountId, customer.userId), now);
  const response = input.dropFlowToken ? input.response : { flow_token: token, ...input.response };
  return ctx.publish({
    channel: 'whatsapp',
    accountId: customer.accountId,
    userId: customer.userId,
    type: 'inbound',
    kind: 'nfm_reply',
    messageId,
    item: {
      context: { from: customer.accountId, id: flow.messageId },
      from: customer.userId,
      id: messageId,
      timestamp: seconds(now),
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(response) },
      },
    },
  });
}
