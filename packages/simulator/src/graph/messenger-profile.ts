import { requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import type { SimToken } from '../types.js';
import { indexOf } from '../world-index.js';

/** Meta: 10 Messenger Profile API calls per 10-minute interval, per Page. */
const PROFILE_CALLS = 10;
const PROFILE_WINDOW_MS = 10 * 60_000;

const MESSENGER_PROPERTIES = [
  'get_started',
  'greeting',
  'ice_breakers',
  'persistent_menu',
  'whitelisted_domains',
];
const INSTAGRAM_PROPERTIES = ['ice_breakers', 'persistent_menu'];

interface ProfileState {
  /** Settings per account (Page id or IG id). */
  settings: Map<string, Record<string, unknown>>;
  /** Call times per rate-limited node, for the 10-per-10-minutes window. */
  calls: Map<string, number[]>;
}

const states = new WeakMap<object, ProfileState>();
function stateOf(ctx: SimContext): ProfileState {
  let s = states.get(ctx.state);
  if (!s) {
    s = { settings: new Map(), calls: new Map() };
    states.set(ctx.state, s);
  }
  return s;
}

/** Profile API calls counted per account (what a test reads to prove a call was or was not made). */
export function profileApiCalls(ctx: SimContext, accountId: string): number {
  return stateOf(ctx).calls.get(accountId)?.length ?? 0;
}

/** The settings the simulated platform holds for an account. */
export function profileSettingsOf(ctx: SimContext, accountId: string): Record<string, unknown> {
  return structuredClone(stateOf(ctx).settings.get(accountId) ?? {});
}

function spend(ctx: SimContext, node: string): void {
  const now = ctx.clock.now();
  const calls = (stateOf(ctx).calls.get(node) ?? []).filter((at) => at > now - PROFILE_WINDOW_MS);
  if (calls.length >= PROFILE_CALLS)
    throw new GraphError(400, 613, '(#613) Calls to this api have exceeded the rate limit.');
  calls.push(now);
  stateOf(ctx).calls.set(node, calls);
}

const asArray = (v: unknown): Record<string, unknown>[] | undefined =>
  Array.isArray(v) ? (v as Record<string, unknown>[]) : undefined;

function needsDefaultLocale(name: string, list: Record<string, unknown>[]): void {
  if (!list.some((entry) => entry?.locale === 'default'))
    throw invalidParam(`param ${name} must contain an entry with locale default`);
}

function validate(property: string, value: unknown, instagram: boolean): void {
  switch (property) {
    case 'get_started': {
      const payload = (value as { payload?: unknown } | undefined)?.payload;
      if (typeof payload !== 'string' || payload.length === 0 || payload.length > 1000)
        throw invalidParam('param get_started[payload] must be 1 to 1000 characters');
      return;
    }
    case 'greeting': {
      const list = asArray(value);
      if (!list?.length) throw invalidParam('param greeting must be a non-empty array');
      needsDefaultLocale('greeting', list);
      for (const g of list)
        if (typeof g.text !== 'string' || g.text.length > 160)
          throw invalidParam('param greeting[text] must be at most 160 characters');
      return;
    }
    case 'persistent_menu': {
      const list = asArray(value);
      if (!list?.length) throw invalidParam('param persistent_menu must be a non-empty array');
      needsDefaultLocale('persistent_menu', list);
      for (const menu of list) {
        if (instagram && 'composer_input_disabled' in menu)
          throw invalidParam('composer_input_disabled is not supported on Instagram');
        const actions = asArray(menu.call_to_actions);
        if (!actions?.length || actions.length > 20)
          throw invalidParam('param persistent_menu[call_to_actions] must have 1 to 20 items');
        for (const a of actions) {
          if (a.type !== 'postback' && a.type !== 'web_url')
            throw invalidParam('persistent menu buttons must be postback or web_url');
          if (typeof a.title !== 'string' || a.title.length > 30)
            throw invalidParam('param persistent_menu[call_to_actions][title] must be at most 30 characters');
          if (a.type === 'postback' && (typeof a.payload !== 'string' || a.payload.length > 1000))
            throw invalidParam('postback payload must be at most 1000 characters');
        }
      }
      return;
    }
    case 'ice_breakers': {
      const list = asArray(value);
      if (!list?.length) throw invalidParam('param ice_breakers must be a non-empty array');
      needsDefaultLocale('ice_breakers', list);
      for (const entry of list) {
        const questions = asArray(entry.call_to_actions);
        if (!questions?.length || questions.length > 4)
          throw invalidParam('param ice_breakers[call_to_actions] must have 1 to 4 items');
      }
      return;
    }
    case 'whitelisted_domains': {
      const list = Array.isArray(value) ? value : undefined;
      if (!list?.length || list.length > 50)
        throw invalidParam('param whitelisted_domains must have 1 to 50 items');
      for (const d of list)
        if (typeof d !== 'string' || !d.startsWith('https://'))
          throw invalidParam('whitelisted domains must be https URLs');
      return;
    }
  }
}

function fieldList(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      throw invalidParam('param fields must be a JSON array of property names');
    }
  }
  return text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

/**
 * `GET|POST|DELETE /{page-id}/messenger_profile` (`platform=instagram`: the linked Instagram account's)
 * and `/{ig-id}/messenger_profile` (Instagram Login), with Meta's limits and its 10-per-10-minutes rate.
 */
export function handleMessengerProfile(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  nodeId: string,
): GraphResponse {
  requireTarget(token, nodeId);
  const page = indexOf(ctx.state.world).pages.get(nodeId);
  const viaPage = page !== undefined && req.params.platform === 'instagram';
  if (viaPage && !page.instagramId) throw invalidParam('This Page has no linked Instagram account', 2534013);
  const instagram = viaPage || !page;
  const accountId = viaPage ? (page.instagramId as string) : nodeId;
  const allowed = instagram ? INSTAGRAM_PROPERTIES : MESSENGER_PROPERTIES;
  spend(ctx, accountId);
  const settings = stateOf(ctx).settings.get(accountId) ?? {};
  const okBody = instagram && !page ? { success: true } : { result: 'success' };
  if (req.method === 'GET') {
    const fields = fieldList(req.params.fields);
    if (!fields.length) throw invalidParam('The parameter fields is required');
    const bad = fields.find((f) => !allowed.includes(f));
    if (bad) throw invalidParam(`Param fields must be one of {${allowed.join(', ')}} - got "${bad}"`);
    const found = Object.fromEntries(fields.filter((f) => f in settings).map((f) => [f, settings[f]]));
    return { body: { data: Object.keys(found).length ? [found] : [] } };
  }
  if (req.method === 'DELETE') {
    const fields = fieldList(req.params.fields);
    if (!fields.length) throw invalidParam('The parameter fields is required');
    const bad = fields.find((f) => !allowed.includes(f));
    if (bad) throw invalidParam(`Param fields must be one of {${allowed.join(', ')}} - got "${bad}"`);
    for (const f of fields) delete settings[f];
    stateOf(ctx).settings.set(accountId, settings);
    return { body: okBody };
  }
  if (req.method !== 'POST') throw invalidParam('Unsupported method');
  const given = Object.keys(req.params).filter((k) => MESSENGER_PROPERTIES.includes(k));
  if (!given.length) throw invalidParam('No properties to update');
  const bad = given.find((f) => !allowed.includes(f));
  if (bad) throw invalidParam(`${bad} is not supported on ${instagram ? 'Instagram' : 'Messenger'}`);
  for (const property of given) validate(property, req.params[property], instagram);
  // Each property is replaced whole; properties not sent stay as they were.
  for (const property of given) settings[property] = structuredClone(req.params[property]);
  stateOf(ctx).settings.set(accountId, settings);
  return { body: okBody };
}
