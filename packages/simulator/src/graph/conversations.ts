import { GRAPH_API_VERSION } from '@switchboard/meta-graph/wire';
import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { type FieldNode, parseFields } from '../fields.js';
import { GraphError, invalidParam, objectMissing } from '../graph-error.js';
import { graphTime } from '../meta-json.js';
import type { Conversation, StoredMessage } from '../state.js';
import type { SimToken } from '../types.js';
import { indexOf } from '../world-index.js';

const DETAILED = 20;
const MESSAGE_DEFAULT: FieldNode[] = [{ name: 'id' }, { name: 'created_time' }];

function fieldsOf(req: GraphRequest, fallback: FieldNode[]): FieldNode[] {
  const f = req.params.fields;
  if (typeof f !== 'string' || !f.trim()) return fallback;
  try {
    return parseFields(f);
  } catch (err) {
    throw invalidParam((err as Error).message);
  }
}

/** Meta allows 2 Conversations API calls per second per Page / IG account. */
function rateLimit(ctx: SimContext, accountId: string): void {
  if (ctx.conversationsRateLimit === false) return;
  const key = `conversations:${accountId}`;
  if (ctx.usage.recent(key, 1000) >= ctx.conversationsRateLimit) {
    ctx.usage.countThrottled(613);
    throw new GraphError(400, 613, 'Calls to this api have exceeded the rate limit.', {
      headers: ctx.usage.headers(ctx.state.world.app.id, accountId, 'pages', false, 1000),
    });
  }
  ctx.usage.record(key);
}

function cursor(index: number): string {
  return Buffer.from(`sim:${index}`).toString('base64url');
}
function fromCursor(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const m = Buffer.from(value, 'base64url')
    .toString()
    .match(/^sim:(\d+)$/);
  if (!m) throw invalidParam('Invalid cursor');
  return Number(m[1]);
}

/** A page of `items` with Graph cursors; `nextUrl(after)` builds the `paging.next` link. */
function page<T>(
  items: T[],
  start: number,
  limit: number,
  nextUrl: (after: string) => string,
): { data: T[]; paging: Record<string, unknown> } {
  const data = items.slice(start, start + limit);
  const paging: Record<string, unknown> = {
    cursors: { before: cursor(start), after: cursor(start + data.length) },
  };
  if (start + data.length < items.length) paging.next = nextUrl(cursor(start + data.length));
  return { data, paging };
}

function party(ctx: SimContext, conv: Conversation, business: boolean): Record<string, unknown> {
  const { world } = ctx.state;
  if (business) {
    if (conv.channel === 'instagram') {
      const ig = indexOf(world).instagram.get(conv.accountId);
      return { username: ig?.username, id: conv.accountId };
    }
    const pageName = indexOf(world).pages.get(conv.accountId)?.name;
    return { name: pageName, email: `${conv.accountId}@facebook.com`, id: conv.accountId };
  }
  const c = indexOf(world).customer(conv.channel, conv.accountId, conv.userId);
  if (conv.channel === 'instagram') return { username: c?.username, id: conv.userId };
  return { name: c?.name, email: `${conv.userId}@facebook.com`, id: conv.userId };
}

function renderMessage(
  ctx: SimContext,
  conv: Conversation,
  m: StoredMessage,
  fields: FieldNode[],
  detailed: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.name === 'id') out.id = m.id;
    else if (f.name === 'created_time') out.created_time = graphTime(m.createdAt);
    else if (!detailed) continue;
    else if (f.name === 'from') out.from = party(ctx, conv, m.fromBusiness);
    else if (f.name === 'to') out.to = { data: [party(ctx, conv, !m.fromBusiness)] };
    else if (f.name === 'message') out.message = m.text ?? '';
    else if (f.name === 'reply_to' && m.replyTo) {
      const target = ctx.state.messages.get(m.replyTo)?.message;
      out.reply_to = {
        mid: m.replyTo,
        is_self_reply: target ? target.fromBusiness === m.fromBusiness : false,
      };
    } else if (f.name === 'attachments' && m.attachments?.length) {
      out.attachments = {
        data: m.attachments.map((a, i) => {
          const base = {
            id: `${m.id.slice(0, 12)}_${i}`,
            mime_type: a.mimeType ?? 'application/octet-stream',
            name: `${a.type}-${i}`,
          };
          if (a.type === 'image' || a.type === 'sticker')
            return { ...base, image_data: { url: a.url, preview_url: a.url, width: 1080, height: 1080 } };
          if (a.type === 'video')
            return { ...base, video_data: { url: a.url, preview_url: a.url, width: 720, height: 1280 } };
          return { ...base, file_url: a.url };
        }),
      };
    }
  }
  return out;
}

function messagesEdge(
  ctx: SimContext,
  req: GraphRequest,
  conv: Conversation,
  node: FieldNode | undefined,
): Record<string, unknown> {
  const visible = conv.messages.filter((m) => !m.deleted).reverse();
  const detailedIds = new Set(visible.slice(0, DETAILED).map((m) => m.id));
  const limit = Math.min((node ? node.limit : Number(req.params.limit)) || 25, 100);
  const start = node ? 0 : fromCursor(req.params.after);
  const fields = node ? (node.children ?? MESSAGE_DEFAULT) : fieldsOf(req, MESSAGE_DEFAULT);
  const rendered = visible.map((m) => renderMessage(ctx, conv, m, fields, detailedIds.has(m.id)));
  const names = fields.map((f) => f.name).join(',');
  return page(
    rendered,
    start,
    limit,
    (after) =>
      `${ctx.baseUrl}/${GRAPH_API_VERSION}/${conv.id}/messages?fields=${names}&limit=${limit}&after=${after}`,
  );
}

/** `GET /{page-id|ig-id|me}/conversations?platform=...` */
export function handleConversationList(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  objectId: string,
): GraphResponse {
  const { world } = ctx.state;
  const pageObj = indexOf(world).pages.get(objectId);
  const platform = req.params.platform;
  let accountId = objectId;
  let channel: 'messenger' | 'instagram' = 'instagram';
  requireTarget(token, objectId);
  if (pageObj) {
    if (platform === 'instagram') {
      if (!pageObj.instagramId)
        throw invalidParam('The Page is not linked to an Instagram professional account', 2534013);
      requireScope(token, 'instagram_manage_messages');
      accountId = pageObj.instagramId;
    } else {
      if (platform !== undefined && platform !== 'messenger')
        throw invalidParam('param platform must be one of {messenger, instagram}');
      requireScope(token, 'pages_messaging');
      channel = 'messenger';
    }
  } else if (platform !== undefined && platform !== 'instagram') {
    throw invalidParam('param platform must be instagram for an Instagram account');
  }
  rateLimit(ctx, accountId);
  const userId = req.params.user_id;
  const fields = fieldsOf(req, [{ name: 'id' }, { name: 'updated_time' }]);
  const convs = [...ctx.state.conversations.values()]
    .filter(
      (c) =>
        c.channel === channel &&
        c.accountId === accountId &&
        (userId === undefined || c.userId === String(userId)),
    )
    .sort((a, b) => b.updatedAt - a.updatedAt);
  const rendered = convs.map((c) => renderConversation(ctx, req, c, fields));
  const limit = Math.min(Number(req.params.limit ?? 25) || 25, 100);
  const base = new URLSearchParams(req.query);
  base.delete('after');
  return {
    body: page(rendered, fromCursor(req.params.after), limit, (after) => {
      base.set('after', after);
      return `${ctx.baseUrl}/${GRAPH_API_VERSION}/${objectId}/conversations?${base}`;
    }),
  };
}

function renderConversation(
  ctx: SimContext,
  req: GraphRequest,
  c: Conversation,
  fields: FieldNode[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.name === 'id') out.id = c.id;
    else if (f.name === 'updated_time') out.updated_time = graphTime(c.updatedAt);
    else if (f.name === 'message_count') out.message_count = c.messages.filter((m) => !m.deleted).length;
    else if (f.name === 'unread_count') out.unread_count = 0;
    else if (f.name === 'can_reply') out.can_reply = true;
    else if (f.name === 'is_owner') out.is_owner = true;
    else if (f.name === 'participants')
      out.participants = { data: [party(ctx, c, false), party(ctx, c, true)] };
    else if (f.name === 'messages') out.messages = messagesEdge(ctx, req, c, f);
  }
  return out;
}

/** `GET /{conversation-id}?fields=...` and `GET /{conversation-id}/messages`. */
export function handleConversationNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  conv: Conversation,
  edge?: string,
): GraphResponse {
  requireTarget(token, conv.accountId);
  rateLimit(ctx, conv.accountId);
  if (edge === 'messages') return { body: messagesEdge(ctx, req, conv, undefined) };
  if (edge) throw objectMissing(`${conv.id}/${edge}`);
  return {
    body: renderConversation(ctx, req, conv, fieldsOf(req, [{ name: 'id' }, { name: 'updated_time' }])),
  };
}

/** `GET /{message-id}?fields=...` — only the 20 newest messages of a conversation have details. */
export function handleMessageNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  messageId: string,
): GraphResponse {
  const found = ctx.state.messages.get(messageId);
  if (!found) throw objectMissing(messageId);
  requireTarget(token, found.conversation.accountId);
  rateLimit(ctx, found.conversation.accountId);
  if (!ctx.state.isDetailed(messageId, DETAILED)) {
    throw new GraphError(400, 9000001, 'This message has been deleted.', { type: 'GraphMethodException' });
  }
  return {
    body: renderMessage(ctx, found.conversation, found.message, fieldsOf(req, MESSAGE_DEFAULT), true),
  };
}
