import { requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import type { SimChannel, SimToken } from '../types.js';
import { indexOf } from '../world-index.js';

const HOUR = 60 * 60_000;
/** Ownership lapses after 24 h without activity; extend reaches 7 days at most. */
const OWNERSHIP_MS = 24 * HOUR;
const MAX_EXTEND_S = 7 * 24 * 60 * 60;

/** Meta's own inbox apps (Conversation Routing). */
export const PAGE_INBOX_APP_ID = '263902037430900';
export const INSTAGRAM_INBOX_APP_ID = '1217981644879628';

interface Owner {
  appId: string;
  expiresAt: number;
}

/** Thread owners per conversation, kept beside the simulator state. */
const owners = new WeakMap<object, Map<string, Owner>>();

function ownersOf(ctx: Pick<SimContext, 'state'>): Map<string, Owner> {
  let map = owners.get(ctx.state);
  if (!map) {
    map = new Map();
    owners.set(ctx.state, map);
  }
  return map;
}

const keyOf = (channel: SimChannel, accountId: string, userId: string) => `${channel}:${accountId}:${userId}`;

/** The current owner, or undefined when the thread is idle (ownership lapsed or released). */
export function threadOwner(
  ctx: Pick<SimContext, 'state' | 'clock'>,
  channel: SimChannel,
  accountId: string,
  userId: string,
): Owner | undefined {
  const map = ownersOf(ctx);
  const key = keyOf(channel, accountId, userId);
  const owner = map.get(key);
  if (owner && owner.expiresAt <= ctx.clock.now()) {
    map.delete(key);
    return undefined;
  }
  return owner;
}

/** Whether another app than ours holds the thread: our sends are refused and its events reach us as standby. */
export function ownedByOtherApp(
  ctx: Pick<SimContext, 'state' | 'clock'>,
  channel: SimChannel,
  accountId: string,
  userId: string,
): boolean {
  const owner = threadOwner(ctx, channel, accountId, userId);
  return owner !== undefined && owner.appId !== ctx.state.world.app.id;
}

export function setThreadOwner(
  ctx: Pick<SimContext, 'state' | 'clock'>,
  channel: SimChannel,
  accountId: string,
  userId: string,
  appId: string | undefined,
): void {
  const key = keyOf(channel, accountId, userId);
  if (appId === undefined) ownersOf(ctx).delete(key);
  else ownersOf(ctx).set(key, { appId, expiresAt: ctx.clock.now() + OWNERSHIP_MS });
}

/** The error Meta gives a send to a thread another app controls. */
export function notOwnerError(channel: SimChannel): GraphError {
  return channel === 'instagram'
    ? new GraphError(400, 100, '(#100) Another app is controlling this thread.', { subcode: 2534037 })
    : new GraphError(
        400,
        10,
        '(#10) This message is sent outside of allowed window. Another app is controlling this thread.',
        {
          subcode: 2018300,
        },
      );
}

/** A `messaging_handovers` item for our app, published like Meta does. */
export function publishHandover(
  ctx: SimContext,
  channel: SimChannel,
  accountId: string,
  userId: string,
  action: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control',
  body: Record<string, unknown>,
): void {
  ctx.publish({
    channel,
    accountId,
    userId,
    type: 'inbound',
    kind: 'handover',
    item: {
      sender: { id: userId },
      recipient: { id: accountId },
      timestamp: ctx.clock.now(),
      [action]: body,
    },
  });
}

/** Which channel a thread-control call on a Page / IG node concerns (Page edges serve both). */
function threadOf(
  ctx: SimContext,
  nodeId: string,
  userId: string,
): { channel: SimChannel; accountId: string } {
  const index = indexOf(ctx.state.world);
  const page = index.pages.get(nodeId);
  if (page) {
    if (index.customer('messenger', page.id, userId)) return { channel: 'messenger', accountId: page.id };
    if (page.instagramId && index.customer('instagram', page.instagramId, userId))
      return { channel: 'instagram', accountId: page.instagramId };
  } else if (index.customer('instagram', nodeId, userId)) return { channel: 'instagram', accountId: nodeId };
  throw invalidParam('No matching user found', 2018001);
}

function recipientOf(req: GraphRequest): string {
  const recipient = req.params.recipient;
  const id =
    recipient && typeof recipient === 'object' ? (recipient as { id?: unknown }).id : req.params.recipient;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw invalidParam('The parameter recipient is required');
  return String(id);
}

const metadataOf = (req: GraphRequest) => {
  const m = req.params.metadata;
  if (m === undefined) return {};
  if (typeof m !== 'string' || m.length > 1000)
    throw invalidParam('param metadata must be a string of at most 1000 characters');
  return { metadata: m };
};

/**
 * `POST /{node}/{pass|take|request|release|extend}_thread_control` and `GET /{node}/thread_owner`. Our app
 * is the default app: it may send to idle threads, and take works (Conversation Routing with a default app).
 */
export function handleThreadControl(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  nodeId: string,
  edge: string,
): GraphResponse {
  requireTarget(token, nodeId);
  const us = ctx.state.world.app.id;
  if (edge === 'thread_owner') {
    if (req.method !== 'GET') throw invalidParam('Unsupported method');
    const userId = String(req.params.recipient ?? '');
    if (!userId) throw invalidParam('The parameter recipient is required');
    const { channel, accountId } = threadOf(ctx, nodeId, userId);
    const owner = threadOwner(ctx, channel, accountId, userId);
    if (!owner) return { body: { data: [] } };
    // Meta shows the owner's app id only to the owner and the default app (us).
    return {
      body: {
        data: [{ thread_owner: { app_id: owner.appId, expiration: Math.floor(owner.expiresAt / 1000) } }],
      },
    };
  }
  if (req.method !== 'POST') throw invalidParam('Unsupported method');
  const userId = recipientOf(req);
  const { channel, accountId } = threadOf(ctx, nodeId, userId);
  const owner = threadOwner(ctx, channel, accountId, userId);
  switch (edge) {
    case 'pass_thread_control': {
      const target = req.params.target_app_id;
      if (typeof target !== 'string' && typeof target !== 'number')
        throw invalidParam('The parameter target_app_id is required');
      if (owner && owner.appId !== us) throw notOwnerError(channel);
      if (String(target) === us) throw invalidParam('Cannot pass thread control to yourself');
      metadataOf(req);
      setThreadOwner(ctx, channel, accountId, userId, String(target));
      break;
    }
    case 'take_thread_control': {
      // Meta: you cannot take from yourself (to extend, call extend_thread_control).
      if (owner?.appId === us) throw invalidParam('You already control this thread');
      metadataOf(req);
      setThreadOwner(ctx, channel, accountId, userId, us);
      break;
    }
    case 'request_thread_control':
      metadataOf(req);
      // Idle: control comes to us at once, announced by a pass webhook; owned: the owner is asked.
      if (!owner) {
        setThreadOwner(ctx, channel, accountId, userId, us);
        publishHandover(ctx, channel, accountId, userId, 'pass_thread_control', {
          previous_owner_app_id: null,
          new_owner_app_id: Number(us),
          ...metadataOf(req),
        });
      }
      break;
    case 'release_thread_control':
      if (owner && owner.appId !== us) throw notOwnerError(channel);
      setThreadOwner(ctx, channel, accountId, userId, undefined);
      break;
    case 'extend_thread_control': {
      const duration = Number(req.params.duration);
      if (!Number.isInteger(duration) || duration < 1 || duration > MAX_EXTEND_S)
        throw invalidParam(`param duration must be between 1 and ${MAX_EXTEND_S}`);
      if (!owner || owner.appId !== us) throw notOwnerError(channel);
      owner.expiresAt = ctx.clock.now() + duration * 1000;
      break;
    }
    default:
      throw new GraphError(400, 2500, `Unknown path components: /${edge}`);
  }
  return { body: { success: true } };
}
