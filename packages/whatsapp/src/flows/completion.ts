import type { ChannelEvent, OutboxEntry, OutboxStore } from '@switchboard/core';

/** Outbox ids are `ob_<uuid>`; a Flow sent without an explicit token carries its outbox id as `flow_token`. */
const OUTBOX_ID = /^ob_[\w-]+$/;

/**
 * The outbox entry (the send) a Flow completion answers: found by its `flow_token` when that is an
 * outbox id (the default token), else by the Flow message the completion replies to (`replyTo`), since
 * some clients drop `flow_token`. The entry must be a Flow to the same account and conversation as the
 * completion — a token is customer-supplied text, so another customer's send is never returned.
 * `undefined` for events that are no Flow completion or whose send is unknown.
 *
 * @example
 * switchboard.on('message', async (event) => {
 *   const send = await findFlowSend(switchboard.store, event);
 *   if (send) await bookings.complete(send.idempotencyKey, event.parts);
 * });
 */
export async function findFlowSend(
  store: { outbox: Pick<OutboxStore, 'get' | 'findByPlatformMessageId'> },
  event: ChannelEvent,
): Promise<OutboxEntry | undefined> {
  if (event.kind !== 'message') return undefined;
  const part = event.parts.find((p) => p.type === 'flow_reply');
  if (part?.type !== 'flow_reply') return undefined;
  const matches = (entry: OutboxEntry | undefined): entry is OutboxEntry => {
    if (entry?.message.content.type !== 'flow') return false;
    const to = entry.message.to;
    const sameConversation = event.groupId ? to.groupId === event.groupId : to.userId === event.userId;
    return entry.channel === event.channel && entry.accountId === event.accountId && sameConversation;
  };
  const token = part.flowToken;
  if (token && OUTBOX_ID.test(token)) {
    const byToken = await store.outbox.get(token);
    if (matches(byToken)) return byToken;
  }
  // A token the caller chose: the entry whose content named it.
  const flowMessageId = event.replyTo?.messageId;
  if (!flowMessageId) return undefined;
  const byMessage = await store.outbox.findByPlatformMessageId(event.channel, flowMessageId);
  if (!matches(byMessage)) return undefined;
  const content = byMessage.message.content as { flowToken?: string };
  // With both tokens known they must agree; a missing token (client quirk) falls back to the message.
  if (token && content.flowToken !== undefined && content.flowToken !== token) return undefined;
  if (token && content.flowToken === undefined && token !== byMessage.id) return undefined;
  return byMessage;
}
