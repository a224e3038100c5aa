import { SwitchboardError, type SwitchboardErrorCode } from '../errors.js';
import type { ChannelEvent, MessageStatus, PlatformError } from '../model/events.js';
import type { OutboxEntry, Store } from '../store/types.js';

/** Outbox ids are `ob_<uuid>`: a correlation id of that shape is one of ours. */
export const OUTBOX_ID_PREFIX = 'ob_';

type Transition = 'sent' | 'delivered' | 'read' | 'failed';

/** Called when a platform echo/status moved an outbox entry forward. */
export type OutboxAdvanced = (entry: OutboxEntry) => void;

/**
 * Writes an event into the read model (conversation, message, status) and moves the outbox entry it
 * refers to. Idempotent: a retry of the same event changes nothing more.
 */
export async function persistEvent(
  store: Store,
  event: ChannelEvent,
  onAdvanced: OutboxAdvanced,
): Promise<void> {
  const touched =
    event.kind !== 'account' && event.conversationId && event.userId
      ? touchConversation(store, event as ChannelEvent & { conversationId: string; userId: string })
      : undefined;
  await Promise.all([touched, persistContent(store, event, onAdvanced)]);
}

function touchConversation(
  store: Store,
  event: ChannelEvent & { conversationId: string; userId: string },
): Promise<void> {
  const inbound = event.kind === 'message' ? event.direction === 'inbound' : event.kind !== 'status';
  return store.conversations.touch({
    id: event.conversationId,
    channel: event.channel,
    accountId: event.accountId,
    userId: event.userId,
    eventAt: event.timestamp,
    ...(inbound && event.kind !== 'unsupported' ? { inboundAt: event.timestamp } : {}),
  });
}

async function persistContent(store: Store, event: ChannelEvent, onAdvanced: OutboxAdvanced): Promise<void> {
  switch (event.kind) {
    case 'message': {
      await store.messages.upsert({
        channel: event.channel,
        messageId: event.messageId,
        conversationId: event.conversationId,
        accountId: event.accountId,
        direction: event.direction,
        timestamp: event.timestamp,
        text: event.text ?? null,
        event,
        correlationId: event.correlationId ?? null,
      });
      if (event.direction === 'outbound') {
        await advanceOutbox(
          store,
          event.channel,
          event.messageId,
          event.correlationId,
          'sent',
          event.timestamp,
          onAdvanced,
        );
      }
      return;
    }
    case 'status': {
      if (event.status === 'deleted') {
        await setStatus(store, event, event.messageId, 'deleted', event.correlationId);
        return;
      }
      const error = event.error ?? event.errors?.[0];
      await setStatus(store, event, event.messageId, event.status, event.correlationId);
      await advanceOutbox(
        store,
        event.channel,
        event.messageId,
        event.correlationId,
        event.status,
        event.timestamp,
        onAdvanced,
        error,
      );
      return;
    }
    case 'delivery': {
      const ids = new Set(event.messageIds);
      if (event.watermark !== undefined)
        for (const id of await outboundUpTo(store, event.conversationId, event.watermark)) ids.add(id);
      for (const id of ids) {
        await setStatus(store, event, id, 'delivered');
        await advanceOutbox(store, event.channel, id, undefined, 'delivered', event.timestamp, onAdvanced);
      }
      return;
    }
    case 'read': {
      const ids = new Set<string>(event.messageId ? [event.messageId] : []);
      if (event.watermark !== undefined)
        for (const id of await outboundUpTo(store, event.conversationId, event.watermark)) ids.add(id);
      for (const id of ids) {
        await setStatus(store, event, id, 'read');
        await advanceOutbox(store, event.channel, id, undefined, 'read', event.timestamp, onAdvanced);
      }
      return;
    }
    default:
      return;
  }
}

async function setStatus(
  store: Store,
  event: ChannelEvent & { conversationId: string },
  messageId: string,
  status: MessageStatus,
  correlationId?: string,
): Promise<void> {
  await store.messages.setStatus({
    channel: event.channel,
    messageId,
    conversationId: event.conversationId,
    accountId: event.accountId,
    status,
    at: event.timestamp,
    ...(correlationId ? { correlationId } : {}),
  });
}

/** Our outbound messages of a conversation sent at or before a watermark (Messenger delivery/read). */
async function outboundUpTo(store: Store, conversationId: string, watermark: number): Promise<string[]> {
  const messages = await store.messages.list({ conversationId, limit: 1000, before: watermark + 1 });
  return messages.filter((m) => m.direction === 'outbound').map((m) => m.messageId);
}

async function advanceOutbox(
  store: Store,
  channel: string,
  platformMessageId: string,
  correlationId: string | undefined,
  state: Transition,
  at: number,
  onAdvanced: OutboxAdvanced,
  error?: PlatformError,
): Promise<void> {
  let id: string | undefined;
  if (correlationId?.startsWith(OUTBOX_ID_PREFIX)) id = correlationId;
  else id = (await store.outbox.findByPlatformMessageId(channel, platformMessageId))?.id;
  if (id === undefined) {
    const known = await store.messages.get(channel, platformMessageId);
    if (known?.correlationId?.startsWith(OUTBOX_ID_PREFIX)) id = known.correlationId;
  }
  if (id === undefined) return;
  const update = {
    state,
    at,
    ...(platformMessageId ? { platformMessageId } : {}),
    ...(state === 'failed' ? { error: statusError(error).toJSON() } : {}),
  };
  const { applied, entry } = await store.outbox.advance(id, update);
  if (applied && entry) onAdvanced(entry);
}

/** WhatsApp failed-status codes worth a precise SwitchboardError code; anything else means undeliverable. */
const STATUS_ERROR_CODES: Record<number, SwitchboardErrorCode> = {
  131047: 'OUTSIDE_WINDOW',
  131026: 'RECIPIENT_UNAVAILABLE',
  131049: 'POLICY_BLOCKED',
  131048: 'RATE_LIMITED',
  131056: 'RATE_LIMITED',
  130429: 'RATE_LIMITED',
};

function statusError(error: PlatformError | undefined): SwitchboardError {
  const code =
    (error?.code !== undefined ? STATUS_ERROR_CODES[error.code] : undefined) ?? 'RECIPIENT_UNAVAILABLE';
  const message = error?.message ?? error?.title ?? 'the platform reported the message as failed';
  return new SwitchboardError(code, message, {
    retryable: false,
    platform: {
      code: error?.code,
      subcode: error?.subcode,
      message: error?.message,
      details: error?.details,
    },
  });
}
