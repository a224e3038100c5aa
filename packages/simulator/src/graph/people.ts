import { createHash } from 'node:crypto';
import { requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import type { SimCustomer, SimToken } from '../types.js';
import { canAct, indexOf } from '../world-index.js';
import { requestedFields } from './whatsapp-account.js';

const DAY = 24 * 60 * 60_000;
/** profile_pic URLs expire (Instagram: "after a few days"). */
const PICTURE_TTL_MS = 3 * DAY;

/** The customer a PSID / IGSID names, among the accounts this token may act for. */
export function customerForToken(ctx: SimContext, token: SimToken, userId: string): SimCustomer | undefined {
  const index = indexOf(ctx.state.world);
  for (const id of [token.profileId, ...token.targetIds]) {
    const page = index.pages.get(id);
    const found =
      index.customer('messenger', id, userId) ??
      index.customer('instagram', id, userId) ??
      (page?.instagramId ? index.customer('instagram', page.instagramId, userId) : undefined);
    if (found && (canAct(token, found.accountId) || (page && canAct(token, page.id)))) return found;
  }
  return undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `GET /{psid|igsid}?fields=…`: only after the person wrote (consent), like Meta. */
export function handleUserProfile(ctx: SimContext, req: GraphRequest, customer: SimCustomer): GraphResponse {
  const { state, clock } = ctx;
  // Consent exists once the person wrote (or tapped Get Started / an ice breaker / a menu item).
  const wrote = state.lastInbound.has(state.windowKey(customer.channel, customer.accountId, customer.userId));
  if (!wrote) {
    if (customer.channel === 'instagram')
      throw new GraphError(400, 230, '(#230) User consent is required to access user profile');
    throw new GraphError(400, 100, '(#100) Insufficient permission to access user profile', {
      subcode: 2018247,
    });
  }
  const fields = requestedFields(req) ?? ['id', 'name'];
  const [first = customer.name, ...rest] = customer.name.split(' ');
  const hash = digest(customer.userId);
  const ext = Math.floor((clock.now() + PICTURE_TTL_MS) / 1000);
  // Served by the simulator itself (Meta's would be on its CDN), so an offline demo can show it.
  const picture = `${ctx.baseUrl}/_avatar/${customer.channel}/${customer.userId}?ext=${ext}&oh=${hash.toString('hex', 0, 8)}`;
  const all: Record<string, unknown> = {
    id: customer.userId,
    name: customer.name,
    first_name: first,
    last_name: rest.join(' '),
    profile_pic: picture,
  };
  if (customer.channel === 'instagram') {
    Object.assign(all, {
      username: customer.username ?? customer.name.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      follower_count: hash.readUInt16BE(0),
      is_user_follow_business: (hash[2] ?? 0) % 2 === 0,
      is_business_follow_user: (hash[3] ?? 0) % 3 === 0,
      is_verified_user: (hash[4] ?? 0) % 10 === 0,
    });
    delete all.first_name;
    delete all.last_name;
  }
  const body: Record<string, unknown> = { id: customer.userId };
  for (const f of fields) {
    if (!(f in all) && !['locale', 'timezone', 'gender'].includes(f))
      throw invalidParam(`Tried accessing nonexisting field (${f}) on node type (User)`);
    if (f in all) body[f] = all[f];
  }
  return { body };
}

interface SimPersona {
  id: string;
  pageId: string;
  name: string;
  pictureUrl: string;
}

const personaMaps = new WeakMap<object, Map<string, SimPersona>>();
function personasOf(ctx: SimContext): Map<string, SimPersona> {
  let map = personaMaps.get(ctx.state);
  if (!map) {
    map = new Map();
    personaMaps.set(ctx.state, map);
  }
  return map;
}

/** Whether `id` is a persona of `pageId` (sends with `persona_id` check it). */
export function personaOf(ctx: SimContext, id: string): SimPersona | undefined {
  return personasOf(ctx).get(id);
}

const toGraph = (p: SimPersona) => ({ id: p.id, name: p.name, profile_picture_url: p.pictureUrl });

/** `POST|GET /{page-id}/personas`. */
export function handlePersonaList(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  pageId: string,
): GraphResponse {
  requireTarget(token, pageId);
  if (req.method === 'GET')
    return { body: { data: [...personasOf(ctx).values()].filter((p) => p.pageId === pageId).map(toGraph) } };
  if (req.method !== 'POST') throw invalidParam('Unsupported method');
  const name = req.params.name;
  const pictureUrl = req.params.profile_picture_url;
  if (typeof name !== 'string' || !name.trim()) throw invalidParam('The parameter name is required');
  if (typeof pictureUrl !== 'string' || !/^https:\/\//.test(pictureUrl))
    throw invalidParam('The parameter profile_picture_url must be an https URL');
  const id = ctx.state.newMediaId();
  personasOf(ctx).set(id, { id, pageId, name: name.trim(), pictureUrl });
  return { body: { id } };
}

/** `GET|DELETE /{persona-id}`. */
export function handlePersonaNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  id: string,
): GraphResponse {
  const persona = personasOf(ctx).get(id);
  if (!persona) throw invalidParam(`Object with ID '${id}' does not exist`, 33);
  requireTarget(token, persona.pageId);
  if (req.method === 'GET') return { body: toGraph(persona) };
  if (req.method === 'DELETE') {
    personasOf(ctx).delete(id);
    return { body: { success: true } };
  }
  throw invalidParam('Unsupported method');
}

/** Checkbox / opt-in plugin references: `user_ref` → the person it stands for on a Page. */
const userRefMaps = new WeakMap<object, Map<string, { pageId: string; userId: string }>>();
function userRefsOf(ctx: Pick<SimContext, 'state'>): Map<string, { pageId: string; userId: string }> {
  let map = userRefMaps.get(ctx.state);
  if (!map) {
    map = new Map();
    userRefMaps.set(ctx.state, map);
  }
  return map;
}

/** Registers a plugin reference (what the checkbox plugin's opt-in gives the business). */
export function registerUserRef(
  ctx: Pick<SimContext, 'state'>,
  pageId: string,
  userRef: string,
  userId: string,
): void {
  userRefsOf(ctx).set(userRef, { pageId, userId });
}

/** The person a `user_ref` stands for on this Page. */
export function resolveUserRef(
  ctx: Pick<SimContext, 'state'>,
  pageId: string,
  userRef: string,
): string | undefined {
  const found = userRefsOf(ctx).get(userRef);
  return found && found.pageId === pageId ? found.userId : undefined;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/**
 * `GET /_avatar/{channel}/{user-id}?ext=…`: the picture a profile_pic URL points at, a drawn portrait
 * with the person's initials; 404 once `ext` passed, like Meta's expiring CDN URLs. No token needed.
 */
export function avatarImage(
  ctx: SimContext,
  channel: string,
  userId: string,
  query: URLSearchParams,
): { status: number; contentType: string; body: string } {
  const ext = Number(query.get('ext'));
  const customer = ctx.state.world.customers.find((c) => c.channel === channel && c.userId === userId);
  if (!customer) return { status: 404, contentType: 'text/plain', body: 'Not Found' };
  if (!Number.isFinite(ext) || ext * 1000 <= ctx.clock.now())
    return { status: 403, contentType: 'text/plain', body: 'URL signature expired' };
  const hue = digest(userId).readUInt16BE(0) % 360;
  const initials = customer.name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return {
    status: 200,
    contentType: 'image/svg+xml',
    body: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96"><rect width="96" height="96" fill="hsl(${hue} 60% 55%)"/><circle cx="48" cy="38" r="18" fill="rgba(255,255,255,.35)"/><path d="M14 96c4-22 18-32 34-32s30 10 34 32z" fill="rgba(255,255,255,.35)"/><text x="48" y="56" font-family="sans-serif" font-size="30" font-weight="700" text-anchor="middle" fill="#fff">${escapeXml(initials)}</text></svg>`,
  };
}
