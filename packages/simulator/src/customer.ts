import { kindsFor, NEEDS_TARGET } from './content.js';
import type { SimContext } from './context.js';
import { ownedByOtherApp } from './graph/routing.js';
import { buildMessagingInbound, buildWhatsAppInbound } from './inbound.js';
import type { Prng } from './prng.js';
import type { CustomerSendInput, SimCustomer, TruthRecord } from './types.js';
import { indexOf } from './world-index.js';

/** Picks the account and customer of a customer-send request (defaults: first of the channel). */
export function resolveCustomer(ctx: SimContext, input: CustomerSendInput): SimCustomer {
  const { world } = ctx.state;
  const index = indexOf(world);
  const matches = (c: SimCustomer) =>
    c.channel === input.channel &&
    (!input.accountId || c.accountId === input.accountId) &&
    (!input.userId || c.userId === input.userId);
  const found = input.accountId
    ? input.userId
      ? index.customer(input.channel, input.accountId, input.userId)
      : index.customersOf(input.channel, input.accountId)[0]
    : world.customers.find(matches);
  if (found) return found;
  if (input.userId && input.accountId) {
    // An unknown user writing in for the first time becomes a customer of that account.
    if (index.channelOf(input.accountId) === input.channel && !index.wabas.has(input.accountId)) {
      const c: SimCustomer = {
        channel: input.channel,
        accountId: input.accountId,
        userId: input.userId,
        name: `Customer ${input.userId}`,
      };
      return index.addCustomer(c);
    }
  }
  throw new Error(
    `no ${input.channel} customer matches account ${input.accountId ?? '(any)'} user ${input.userId ?? '(any)'}`,
  );
}

/** Makes a simulated customer act: builds Meta's webhook item, updates the platform state and publishes it. */
export function customerSends(ctx: SimContext, rng: Prng, input: CustomerSendInput): TruthRecord {
  const customer = resolveCustomer(ctx, input);
  const kind = input.kind ?? 'text';
  if (!kindsFor(customer.channel).includes(kind))
    throw new Error(`kind ${kind} is not available on ${customer.channel}`);
  const now = input.at ?? ctx.clock.now();
  const { state } = ctx;
  const conv = state.conversations.get(
    state.windowKey(customer.channel, customer.accountId, customer.userId),
  );
  let target = input.replyTo;
  if (!target && NEEDS_TARGET.has(kind)) {
    const own = kind === 'edit' || kind === 'delete';
    const candidates = (conv?.messages ?? []).filter(
      (m) => !m.deleted && (!own || !m.fromBusiness) && (kind !== 'read' || m.fromBusiness),
    );
    target = candidates[candidates.length - 1]?.id;
    if (!target && customer.channel === 'whatsapp') {
      target = [...state.waInbound].reverse().find(([, v]) => v.userId === customer.userId)?.[0];
    }
    if (!target) throw new Error(`kind ${kind} needs an earlier message in the conversation (pass replyTo)`);
  }
  const req = {
    kind,
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(input.emoji !== undefined ? { emoji: input.emoji } : {}),
    ...(input.payload !== undefined ? { payload: input.payload } : {}),
  };
  const ictx = { state, rng, baseUrl: ctx.baseUrl, now };
  const built =
    customer.channel === 'whatsapp'
      ? buildWhatsAppInbound(ictx, customer, req)
      : buildMessagingInbound(ictx, customer, req);
  if (built.opensWindow)
    state.lastInbound.set(state.windowKey(customer.channel, customer.accountId, customer.userId), now);
  if (built.stored && customer.channel !== 'whatsapp')
    state.addMessage(customer.channel, customer.accountId, customer.userId, built.stored);
  if (customer.channel === 'whatsapp' && built.messageId) {
    state.waInbound.set(built.messageId, { phoneNumberId: customer.accountId, userId: customer.userId });
  }
  const edited = target ? state.messages.get(target) : undefined;
  if (edited && kind === 'edit')
    edited.message.text = input.text ?? (built.item.message_edit as { text?: string }).text;
  if (edited && kind === 'delete') edited.message.deleted = true;
  if (edited && (kind === 'edit' || kind === 'delete'))
    edited.conversation.updatedAt = Math.max(edited.conversation.updatedAt, now);
  const standby =
    customer.channel !== 'whatsapp' &&
    ownedByOtherApp(ctx, customer.channel, customer.accountId, customer.userId);
  return ctx.publish({
    channel: customer.channel,
    accountId: customer.accountId,
    userId: customer.userId,
    type: 'inbound',
    kind,
    ...(standby ? { standby } : {}),
    ...(built.messageId ? { messageId: built.messageId } : target ? { messageId: target } : {}),
    item: built.item,
  });
}
