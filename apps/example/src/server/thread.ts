import type {
  ChannelEvent,
  ContentPart,
  MessageRecord,
  OutboundMessage,
  OutboxEntry,
  Store,
} from '@switchboard/core';
import { describeParts } from '../shared/format.js';
import type { DeliveryState, MessageItem, ThreadItem } from '../shared/types.js';
import { describeOutboundInteractive, groupNotice } from './thread-notices.js';

/** Newest items shown in a conversation. */
const MAX_ITEMS = 400;
/** A delivery state only moves forward (as the outbox's own states do); `failed` is final. */
const RANK: Record<DeliveryState, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

const higher = (a: DeliveryState | undefined, b: DeliveryState | undefined): DeliveryState | undefined =>
  a === undefined ? b : b === undefined ? a : RANK[b] > RANK[a] ? b : a;

function statusOf(record: MessageRecord | undefined): DeliveryState | undefined {
  const s = record?.status;
  return s === 'sent' || s === 'delivered' || s === 'read' || s === 'failed' ? s : undefined;
}

/** `CODE: message` of a stored SwitchboardError. */
export function errorText(error: Record<string, unknown> | null): string | undefined {
  if (!error) return undefined;
  const code = typeof error.code === 'string' ? error.code : 'ERROR';
  const message = typeof error.message === 'string' ? error.message : '';
  return message ? `${code}: ${message}` : code;
}

/** What the composer sent, as content parts the UI already knows how to draw. */
export function partsOfOutbound(content: OutboundMessage['content']): {
  parts: ContentPart[];
  extra?: MessageItem['extra'];
} {
  switch (content.type) {
    case 'text':
      return { parts: [{ type: 'text', text: content.text }] };
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'sticker':
      return {
        parts: [
          {
            type: content.type,
            ...(content.url ? { url: content.url } : {}),
            ...(content.mediaId ? { mediaId: content.mediaId } : {}),
            ...(content.caption ? { caption: content.caption } : {}),
            ...(content.filename ? { filename: content.filename } : {}),
          },
        ],
      };
    case 'quick_replies':
      return {
        parts: [{ type: 'text', text: content.text }],
        extra: { quickReplies: content.replies.map((r) => r.title ?? r.payload ?? r.kind ?? '') },
      };
    case 'buttons':
    case 'list':
      return { parts: [{ type: 'text', text: content.text }] };
    case 'template': {
      const params = (content.components ?? []).flatMap((c) =>
        (c.parameters ?? []).map((p) => (p.type === 'text' ? p.text : p.type)),
      );
      return {
        parts: params.length ? [{ type: 'text', text: params.join(' · ') }] : [],
        extra: { template: `${content.name} (${content.language})` },
      };
    }
    case 'location':
      return { parts: [{ ...content, type: 'location' }] };
    case 'contacts':
      return { parts: [{ type: 'contacts', contacts: content.contacts }] };
    default:
      return { parts: [{ type: 'text', text: describeContent(content) }] };
  }
}

function describeContent(content: OutboundMessage['content']): string {
  const interactive = describeOutboundInteractive(content);
  if (interactive) return interactive;
  if (content.type === 'reaction') return `Reacted ${content.emoji ?? ''}`.trim();
  if (content.type === 'cards') return `🗂️ ${content.cards.length} card(s)`;
  return content.type;
}

function messageItem(event: Extract<ChannelEvent, { kind: 'message' }>): MessageItem {
  // A Messenger quick reply repeats the tapped title as the message text: show it once.
  const parts = event.parts.map((p) =>
    p.type === 'quick_reply' && p.title !== undefined && p.title === event.text
      ? { type: 'quick_reply' as const, payload: p.payload }
      : p,
  );
  // A Flow completion's text is its card's title ("Sent"): not repeated as a line of its own.
  const carriesText = parts.some((p) => p.type === 'text' || p.type === 'flow_reply');
  if (event.text && !carriesText) parts.unshift({ type: 'text', text: event.text });
  return {
    type: 'message',
    id: event.messageId,
    direction: event.direction,
    at: event.timestamp,
    parts,
    reactions: [],
    ...(event.replyTo?.storyId || event.replyTo?.storyUrl ? { replyTo: { story: true } } : {}),
    ...(event.echo && !event.correlationId?.startsWith('ob_') ? { foreignApp: true } : {}),
  };
}

/**
 * Builds the timeline of one conversation from the engine's read model: stored events (messages,
 * reactions, postbacks, edits...), message statuses, and the outbox entries of our own sends.
 */
export async function buildThread(
  store: Store,
  conversationId: string,
  sends: readonly string[],
  options: { held?: boolean } = {},
): Promise<ThreadItem[]> {
  const [records, messages, entries] = await Promise.all([
    store.events.list({ conversationId, limit: 20_000 }),
    store.messages.list({ conversationId, limit: 20_000 }),
    Promise.all(sends.slice(-100).map((id) => store.outbox.get(id))),
  ]);
  const byMessageId = new Map(messages.map((m) => [m.messageId, m]));
  // Our sends by outbox id and platform id: a Flow completion quotes the Flow it answers.
  const sendsById = new Map<string, OutboxEntry>();
  for (const entry of entries) {
    if (!entry) continue;
    sendsById.set(entry.id, entry);
    if (entry.platformMessageId) sendsById.set(entry.platformMessageId, entry);
  }
  const items: ThreadItem[] = [];
  const messageItems = new Map<string, MessageItem>();

  for (const { event, seq, state } of records.slice(-MAX_ITEMS * 2)) {
    // Stored but not processed: its account is not connected (switchboard.accounts holds its webhooks).
    if (options.held && state === 'pending') {
      items.push({
        type: 'notice',
        id: `ev${seq}`,
        at: event.timestamp,
        text: `⏸ A ${event.kind} is held: the account is not connected. It is processed once the account is connected again.`,
      });
      continue;
    }
    switch (event.kind) {
      case 'message': {
        if (messageItems.has(event.messageId)) break;
        const item = messageItem(event);
        const flowToken = event.parts.find((p) => p.type === 'flow_reply')?.flowToken;
        const quotedId =
          event.replyTo?.messageId ?? (flowToken && sendsById.has(flowToken) ? flowToken : undefined);
        if (quotedId) {
          const quoted = messageItems.get(quotedId);
          const send = sendsById.get(quotedId);
          const record = byMessageId.get(quotedId);
          item.replyTo = {
            messageId: send?.platformMessageId ?? quotedId,
            preview: quoted
              ? describeParts(quoted.parts)
              : send
                ? describeParts(partsOfOutbound(send.message.content).parts)
                : (record?.text ?? 'an earlier message'),
          };
        }
        if (item.direction === 'outbound') {
          item.state = statusOf(byMessageId.get(event.messageId)) ?? 'sent';
          const correlation = byMessageId.get(event.messageId)?.correlationId ?? event.correlationId;
          if (correlation) messageItems.set(correlation, item);
        }
        messageItems.set(event.messageId, item);
        items.push(item);
        break;
      }
      case 'reaction': {
        const target = messageItems.get(event.messageId);
        const from = event.direction === 'outbound' ? 'business' : 'customer';
        if (!target) {
          items.push({
            type: 'notice',
            id: `ev${seq}`,
            at: event.timestamp,
            text: `Reacted ${event.emoji ?? ''} to an older message`,
          });
          break;
        }
        target.reactions = target.reactions.filter((r) => r.from !== from);
        if (event.action === 'react')
          target.reactions.push({ emoji: event.emoji ?? event.reaction ?? '❤️', from });
        break;
      }
      case 'postback':
        items.push({
          type: 'postback',
          id: `ev${seq}`,
          at: event.timestamp,
          title: event.title ?? event.payload ?? 'Button',
          ...(event.payload ? { payload: event.payload } : {}),
        });
        break;
      case 'edit': {
        const target = messageItems.get(event.messageId);
        if (!target) break;
        target.edited = true;
        if (event.text !== undefined) {
          target.parts = [
            { type: 'text', text: event.text },
            ...target.parts.filter((p) => p.type !== 'text'),
          ];
        }
        break;
      }
      case 'delete': {
        const target = messageItems.get(event.messageId);
        if (target) target.deleted = true;
        break;
      }
      case 'referral':
        items.push({
          type: 'notice',
          id: `ev${seq}`,
          at: event.timestamp,
          text: `Arrived from ${event.referral.source?.toLowerCase() ?? 'a link'}${event.referral.ref ? ` (ref ${event.referral.ref})` : ''}`,
        });
        break;
      case 'optin':
        items.push({
          type: 'notice',
          id: `ev${seq}`,
          at: event.timestamp,
          text: `Opted in${event.title ? `: ${event.title}` : ''}`,
        });
        break;
      case 'handover':
        items.push({
          type: 'notice',
          id: `ev${seq}`,
          at: event.timestamp,
          text: `Thread control: ${event.action.replaceAll('_', ' ')}`,
        });
        break;
      case 'call':
        items.push({ type: 'notice', id: `ev${seq}`, at: event.timestamp, text: callNotice(event) });
        break;
      case 'group':
        items.push({ type: 'notice', id: `ev${seq}`, at: event.timestamp, text: groupNotice(event) });
        break;
      case 'unsupported':
        items.push({
          type: 'notice',
          id: `ev${seq}`,
          at: event.timestamp,
          text: `Unsupported ${event.itemKind}: ${event.reason}`,
        });
        break;
      default:
        break;
    }
  }

  for (const entry of entries) {
    if (!entry) continue;
    mergeOutbox(entry, messageItems, byMessageId, items);
  }
  items.sort((a, b) => a.at - b.at);
  return items.slice(-MAX_ITEMS);
}

function mergeOutbox(
  entry: OutboxEntry,
  messageItems: Map<string, MessageItem>,
  byMessageId: Map<string, MessageRecord>,
  items: ThreadItem[],
): void {
  const known =
    messageItems.get(entry.id) ??
    (entry.platformMessageId ? messageItems.get(entry.platformMessageId) : undefined);
  const status = entry.platformMessageId ? statusOf(byMessageId.get(entry.platformMessageId)) : undefined;
  const state = higher(higher(entry.state, status), known?.state);
  const error = errorText(entry.error);
  const retrying = entry.state === 'pending' && entry.attempts > 0 && error !== undefined;
  if (known) {
    known.state = state ?? 'sent';
    known.foreignApp = false;
    if (state === 'failed' || retrying) known.error = error;
    if (retrying) {
      known.retrying = true;
      known.retryAt = entry.nextAttemptAt;
    }
    return;
  }
  const { parts, extra } = partsOfOutbound(entry.message.content);
  items.push({
    type: 'message',
    id: entry.platformMessageId ?? entry.id,
    direction: 'outbound',
    at: entry.createdAt,
    parts,
    ...(extra ? { extra } : {}),
    reactions: [],
    state: state ?? 'pending',
    ...((state === 'failed' || retrying) && error ? { error } : {}),
    ...(retrying ? { retrying: true, retryAt: entry.nextAttemptAt } : {}),
  });
}

/** One line per call event: who called, and how it ended. */
function callNotice(event: Extract<ChannelEvent, { kind: 'call' }>): string {
  const who = event.direction === 'inbound' ? 'The customer called' : 'You called';
  if (event.phase === 'connect') return `📞 ${who} — connecting`;
  if (event.phase === 'status') return `📞 Call ${event.status?.toLowerCase() ?? 'status'}`;
  const minutes = event.durationSec === undefined ? '' : `, ${Math.round(event.durationSec / 60)} min`;
  return `📞 Call ended (${event.status?.toLowerCase() ?? 'ended'}${minutes})`;
}
