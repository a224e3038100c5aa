import { GRAPH_API_VERSION } from '@switchboard/meta-graph/wire';
import { requireScope, requireTarget, tokenProblem } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { subscriptionId } from '../envelope.js';
import { GraphError, invalidParam } from '../graph-error.js';
import { DEFAULT_FIELDS } from '../state.js';
import type { SimChannel, SimToken } from '../types.js';
import { indexOf } from '../world-index.js';
import { requestedFields } from './whatsapp-account.js';

/** Fields a Page or Instagram account may be subscribed to. */
const ALLOWED_FIELDS = new Set([
  ...DEFAULT_FIELDS.page,
  ...DEFAULT_FIELDS.instagram,
  'messaging_reactions',
  'feed',
  'comments',
  'live_comments',
  'mentions',
]);

/**
 * `GET|POST|DELETE /{page-id|ig-id|waba-id|me}/subscribed_apps`. Like Meta, a POST sets our app's whole
 * field list on the node (it replaces, it does not add); a Page-linked Instagram account has no list of
 * its own: its Page's is the one (`subscriptionId`).
 */
export function handleSubscribedApps(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  objectId: string,
): GraphResponse {
  const { state, clock } = ctx;
  const { world } = state;
  requireTarget(token, objectId);
  const index = indexOf(world);
  const isWaba = index.wabas.has(objectId);
  const channel: SimChannel = isWaba ? 'whatsapp' : index.pages.has(objectId) ? 'messenger' : 'instagram';
  const nodeId = subscriptionId(world, channel, objectId);
  const kind = isWaba ? 'waba' : index.pages.has(nodeId) ? 'page' : 'instagram';
  const app = world.app;
  if (req.method === 'GET') {
    const fields = state.subscriptions.get(nodeId);
    if (!fields) return { body: { data: [] } };
    if (isWaba) {
      return {
        body: {
          data: [
            {
              whatsapp_business_api_data: {
                id: app.id,
                name: app.name,
                link: `https://www.facebook.com/games/?app_id=${app.id}`,
              },
            },
          ],
        },
      };
    }
    return {
      body: {
        data: [
          {
            category: 'Business',
            link: `https://www.facebook.com/games/?app_id=${app.id}`,
            name: app.name,
            id: app.id,
            subscribed_fields: [...fields],
          },
        ],
      },
    };
  }
  if (kind === 'page') requireScope(token, 'pages_manage_metadata', 200);
  if (kind === 'waba') requireScope(token, 'whatsapp_business_management', 200);
  if (req.method === 'DELETE') {
    state.subscriptions.delete(nodeId);
    return { body: { success: true } };
  }
  if (req.method !== 'POST') throw invalidParam('Unsupported method');
  let fields = DEFAULT_FIELDS[kind];
  const requested = req.params.subscribed_fields;
  if (kind !== 'waba') {
    if (requested === undefined) throw invalidParam('The parameter subscribed_fields is required.');
    const list = Array.isArray(requested)
      ? requested.map(String)
      : String(requested)
          .split(',')
          .map((s) => s.trim());
    const bad = list.find((f) => !ALLOWED_FIELDS.has(f));
    if (bad)
      throw invalidParam(
        `Param subscribed_fields[${list.indexOf(bad)}] must be one of {${[...ALLOWED_FIELDS].join(', ')}} - got "${bad}".`,
      );
    fields = [...new Set(list)];
  }
  const wasSubscribed = state.subscriptions.has(nodeId);
  state.subscriptions.set(nodeId, [...fields]);
  if (!wasSubscribed)
    ctx.truth.alerts.push({ at: clock.now(), channel, accountId: nodeId, kind: 'resubscribed' });
  return { body: { success: true } };
}

/** `GET /{app-id}/subscriptions` (app token). */
export function handleAppSubscriptions(ctx: SimContext, token: SimToken): GraphResponse {
  if (token.type !== 'APP')
    throw new GraphError(400, 15, '(#15) This method must be called with an app access_token.');
  const objects: Array<[string, SimChannel, string[]]> = [
    ['page', 'messenger', DEFAULT_FIELDS.page],
    ['instagram', 'instagram', DEFAULT_FIELDS.instagram],
    ['whatsapp_business_account', 'whatsapp', ['messages']],
  ];
  const data = objects
    .filter(([, channel]) => ctx.targets[channel])
    .map(([object, channel, fields]) => ({
      object,
      callback_url: ctx.targets[channel],
      active: true,
      fields: fields.map((name) => ({ name, version: GRAPH_API_VERSION })),
    }));
  return { body: { data } };
}

/** `GET /debug_token?input_token=...` with an app token (or a token of the same app). */
export function handleDebugToken(ctx: SimContext, req: GraphRequest): GraphResponse {
  const input = req.params.input_token;
  if (typeof input !== 'string' || !input) throw invalidParam('The parameter input_token is required');
  const { world } = ctx.state;
  const index = indexOf(world);
  const target = index.tokens.get(input);
  if (!target) {
    return {
      body: {
        data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] },
      },
    };
  }
  const problem = tokenProblem(target, ctx.clock.now());
  const sec = (ms: number) => Math.floor(ms / 1000);
  const data: Record<string, unknown> = {
    app_id: world.app.id,
    type: target.type,
    application: world.app.name,
    data_access_expires_at: target.type === 'APP' ? 0 : sec(target.issuedAt) + 90 * 86400,
    expires_at: target.expiresAt === 0 ? 0 : sec(target.expiresAt),
    is_valid: !problem,
    issued_at: sec(target.issuedAt),
    scopes: target.scopes,
    // WhatsApp scopes list the WABAs the token reaches (how a platform finds the WABA of a business token).
    granular_scopes: target.scopes.map((scope) => ({
      scope,
      target_ids: scope.startsWith('whatsapp_')
        ? target.targetIds.filter((id) => index.wabas.has(id))
        : target.targetIds,
    })),
    user_id: target.type === 'PAGE' ? index.tokens.get(world.systemUserToken)?.profileId : target.profileId,
    ...(target.type === 'PAGE' ? { profile_id: target.profileId } : {}),
  };
  if (problem)
    data.error = {
      code: 190,
      message: problem.message,
      ...(problem.subcode !== undefined ? { subcode: problem.subcode } : {}),
    };
  return { body: { data } };
}

/** `GET /me`, `GET /{page-id}`, `GET /{ig-id}` node fields. */
export function handleProfileNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  objectId: string,
): GraphResponse {
  const { world } = ctx.state;
  const fields = requestedFields(req);
  const index = indexOf(world);
  const page = index.pages.get(objectId);
  const ig = index.instagram.get(objectId);
  const app = objectId === world.app.id;
  let all: Record<string, unknown>;
  if (page) {
    all = {
      id: page.id,
      name: page.name,
      ...(page.instagramId ? { instagram_business_account: { id: page.instagramId } } : {}),
      // Conversation Routing with this app as the default app (take works, request only when idle).
      messaging_feature_status: {
        hop_v2: true,
        msgr_multi_app: true,
        ig_multi_app: Boolean(page.instagramId),
      },
    };
  } else if (ig) {
    all = {
      id: ig.id,
      user_id: ig.id,
      username: ig.username,
      name: ig.username,
      messaging_feature_status: { hop_v2: true, ig_multi_app: true },
    };
  } else if (app) {
    all = { id: world.app.id, name: world.app.name };
  } else {
    const user = index.users.get(token.profileId);
    all = {
      id: token.profileId,
      name: user?.name ?? (token.type === 'SYSTEM_USER' ? 'Simulated System User' : token.label),
    };
  }
  const wanted = fields ?? (ig ? ['id', 'username'] : ['id', 'name']);
  const out: Record<string, unknown> = {};
  for (const f of wanted) if (f in all) out[f] = all[f];
  out.id = all.id;
  return { body: out };
}
