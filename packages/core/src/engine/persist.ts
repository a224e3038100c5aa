import { SwitchboardError, type SwitchboardErrorCode } from '../errors.js';
import type { ChannelEvent, MessageStatus, PlatformError } from '../model/events.js';
import type { OutboxEntry, Store } from '../store/types.js';

/** Outbox ids are `ob_<uuid>`: a correlation id of that shape is one of ours. */
export const OUTBOX_ID_PREFIX = 'ob_';

type Transition = 'sent' | 'delivered' | 'read' | 'failed';

/** Called when a platform echo/status moved an outbox entry forward. */
export type OutboxAdvanced = (entry: OutboxEntry) => void;

/** One event's outcome in {@link persistEvents}. */
export type Persisted = { ok: true } | { ok: false; error: unknown };

type Touch = Parameters<Store['conversations']['touch']>[0];

/**
 * Writes a chunk of events into the read model (conversations, messages, statuses) and moves the outbox
 * entries they refer to; resolves with each event's outcome. Each conversation is touched once for the
 * chunk: a touch keeps maxima, so one touch with the chunk's latest times equals one per event. With
 * `readModel` false only the outbox moves. Idempotent: a retry of the same events changes nothing more.
 */
export async function persistEvents(
  store: Store,
  events: readonly ChannelEvent[],
  onAdvanced: OutboxAdvanced,
  readModel: boolean,
): Promise<Persisted[]> {
  const touches = new Map<string, Touch>();
  if (readModel) for (const event of events) mergeTouch(touches, event);
  const touched = new Map<string, Promise<void>>();
  for (const [id, touch] of touches) touched.set(id, store.conversations.touch(touch));
  const [content, touchResults] = await Promise.all([
    Promise.allSettled(events.map((event) => persistContent(store, event, onAdvanced, readModel))),
    Promise.allSettled(touched.values()),
  ]);
  const touchFailed = new Map<string, unknown>();
  [...touched.keys()].forEach((id, index) => {
    const result = touchResults[index];
    if (result?.status === 'rejected') touchFailed.set(id, result.reason);
  });
  return events.map((event, index): Persisted => {
    const result = content[index];
    if (result?.status === 'rejected') return { ok: false, error: result.reason };
    const id = 'conversationId' in event ? event.conversationId : undefined;
    if (id !== undefined && touchFailed.has(id)) return { ok: false, error: touchFailed.get(id) };
    return { ok: true };
  });
}

function mergeTouch(touches: Map<string, Touch>, event: ChannelEvent): void {
  // Group notifications name no customer and open no window: only messages make a group's thread.
  if (
    event.kind === 'account' ||
    event.kind === 'group' ||
    event.kind === 'template' ||
    !event.conversationId ||
    !event.userId
  )
    return;
  const inbound = event.kind === 'message' ? event.direction === 'inbound' : event.kind !== 'status';
  const inboundAt = inbound && event.kind !== 'unsupported' ? event.timestamp : undefined;
  const seen = touches.get(event.conversationId);
  if (!seen) {
    touches.set(event.conversationId, {
      id: event.conversationId,
      channel: event.channel,
      accountId: event.accountId,
      // A group conversation is addressed by its group id; each event keeps its participant.
      userId: ('groupId' in event && event.groupId) || event.userId,
      eventAt: event.timestamp,
      ...(inboundAt === undefined ? {} : { inboundAt }),
    });
    return;
  }
  seen.eventAt = Math.max(seen.eventAt, event.timestamp);
  if (inboundAt !== undefined) seen.inboundAt = Math.max(seen.inboundAt ?? inboundAt, inboundAt);
}

async function persistContent(
  store: Store,
  event: ChannelEvent,
  onAdvanced: OutboxAdvanced,
  readModel: boolean,
): Promise<void> {
  switch (event.kind) {
    case 'message': {
      if (readModel)
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
        if (readModel) await setStatus(store, event, event.messageId, 'deleted', event.correlationId);
        return;
      }
      const error = event.error ?? event.errors?.[0];
      if (readModel) await setStatus(store, event, event.messageId, event.status, event.correlationId);
      await advanceOutbox(
        store,
        event.channel,
        event.messageId,
        event.correlationId,
        event.status,
        event.timestamp,
        onAdvanced,
        error,
        event.errorCode,
      );
      return;
    }
    case 'delivery': {
      const ids = new Set(event.messageIds);
      if (readModel && event.watermark !== undefined)
        for (const id of await outboundUpTo(store, event.conversationId, event.watermark)) ids.add(id);
      for (const id of ids) {
        if (readModel) await setStatus(store, event, id, 'delivered');
        await advanceOutbox(store, event.channel, id, undefined, 'delivered', event.timestamp, onAdvanced);
      }
      return;
    }
    case 'read': {
      const ids = new Set<string>(event.messageId ? [event.messageId] : []);
      if (readModel && event.watermark !== undefined)
        for (const id of await outboundUpTo(store, event.conversationId, event.watermark)) ids.add(id);
      for (const id of ids) {
        if (readModel) await setStatus(store, event, id, 'read');
        await advanceOutbox(store, event.channel, id, undefined, 'read', event.timestamp, onAdvanced);
      }
      return;
    }
    case 'template': {
      // Kept up to date whatever readModel says: sends consult it.
      await store.templates.apply({
        channel: event.channel,
        accountId: event.accountId,
        name: event.name,
        language: event.language,
        templateId: event.templateId,
        ...(event.status ? { status: event.status, reason: event.reason ?? null } : {}),
        ...(event.quality ? { quality: event.quality } : {}),
        ...(event.category ? { category: event.category } : {}),
        at: event.timestamp,
      });
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
  errorCode?: SwitchboardErrorCode,
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
    ...(state === 'failed' ? { error: statusError(error, errorCode).toJSON() } : {}),
  };
  const { applied, entry } = await store.outbox.advance(id, update);
  if (applied && entry) onAdvanced(entry);
}

/** The error a failed status records: the adapter classified it (`errorCode`); unclassified means undeliverable. */
function statusError(
  error: PlatformError | undefined,
  classified: SwitchboardErrorCode | undefined,
): SwitchboardError {
  const code = classified ?? 'RECIPIENT_UNAVAILABLE';
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
