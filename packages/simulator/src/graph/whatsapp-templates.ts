import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam, objectMissing, waError } from '../graph-error.js';
import {
  findTemplate,
  type SimTemplate,
  scheduleReview,
  templateFields,
  templateState,
} from '../templates.js';
import type { SimToken } from '../types.js';
import { requestedFields } from './whatsapp-account.js';

const MANAGEMENT = 'whatsapp_business_management';
const CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const DAY = 86_400_000;

/** Meta's template errors carry a user title and message; subcodes are those BSPs report ([unconfirmed]). */
const templateError = (subcode: number, title: string, message: string) =>
  new GraphError(400, 100, 'Invalid parameter', { subcode, userTitle: title, userMsg: message });

const cursor = (offset: number) => Buffer.from(`sim:${offset}`).toString('base64url');
const offsetOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = /^sim:(\d+)$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) throw invalidParam('Invalid cursor');
  return Number(match[1]);
};

/** Structural checks Meta makes at creation (a subset: the adapter checks the rest before calling). */
function validateComponents(category: string, components: unknown): Record<string, unknown>[] {
  if (!Array.isArray(components) || components.length === 0)
    throw invalidParam('The parameter components is required.');
  const list = components as Record<string, unknown>[];
  const body = list.find((c) => String(c?.type).toUpperCase() === 'BODY');
  if (!body) throw templateError(2388043, 'Body is required', 'A message template needs a BODY component.');
  if (typeof body.text === 'string' && body.text.length > 1024)
    throw templateError(2388040, 'Body too long', 'The body of a template is at most 1024 characters.');
  if (category !== 'AUTHENTICATION' && typeof body.text !== 'string')
    throw templateError(2388043, 'Body text is required', 'The BODY component needs text.');
  const header = list.find((c) => String(c?.type).toUpperCase() === 'HEADER');
  if (header && typeof header.text === 'string' && header.text.length > 60)
    throw templateError(2388040, 'Header too long', 'A text header is at most 60 characters.');
  return list;
}

/** `GET|POST|DELETE /{waba-id}/message_templates`. */
export function handleWabaTemplates(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  wabaId: string,
): GraphResponse {
  requireTarget(token, wabaId, 'whatsapp');
  requireScope(token, MANAGEMENT);
  const s = templateState(ctx.state);
  const p = req.params;
  if (req.method === 'GET') {
    const match = (t: SimTemplate) =>
      t.wabaId === wabaId &&
      (typeof p.name !== 'string' || t.name.includes(p.name)) &&
      (typeof p.status !== 'string' || p.status.split(',').includes(t.status)) &&
      (typeof p.category !== 'string' || p.category.split(',').includes(t.category)) &&
      (typeof p.language !== 'string' || p.language.split(',').includes(t.language));
    const all = [...s.byId.values()].filter(match).sort((a, b) => Number(a.id) - Number(b.id));
    const limit = Math.min(Math.max(Number(p.limit ?? 25) || 25, 1), 1000);
    const start = (offsetOf(p.after) ?? -1) + 1;
    const page = all.slice(start, start + limit);
    const last = start + page.length - 1;
    const next = new URL(`${ctx.baseUrl}/v25.0/${wabaId}/message_templates`);
    for (const [k, v] of req.query) if (k !== 'after' && k !== 'access_token') next.searchParams.set(k, v);
    next.searchParams.set('after', cursor(last));
    return {
      body: {
        data: page.map((t) => templateFields(t, requestedFields(req))),
        paging: {
          ...(page.length ? { cursors: { before: cursor(start), after: cursor(last) } } : {}),
          ...(last + 1 < all.length ? { next: next.toString() } : {}),
        },
      },
    };
  }
  if (req.method === 'POST') {
    const name = p.name;
    if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name))
      throw invalidParam(
        'Param name must be lowercase letters, digits and underscores, at most 512 characters.',
      );
    if (typeof p.language !== 'string') throw invalidParam('The parameter language is required.');
    const category = String(p.category ?? '').toUpperCase();
    if (!CATEGORIES.includes(category))
      throw invalidParam(`Param category must be one of {${CATEGORIES.join(', ')}}`);
    const components = validateComponents(category, p.components);
    if (findTemplate(ctx.state, wabaId, name, p.language))
      throw templateError(
        2388024,
        'Content in this language already exists',
        `There is already ${p.language} content for this template.`,
      );
    const now = ctx.clock.now();
    const recent = [...s.byId.values()].filter(
      (t) => t.wabaId === wabaId && t.createdAt > now - 3_600_000,
    ).length;
    if (recent >= 100)
      throw new GraphError(400, 80008, '(#80008) Template creation limit reached (100 per hour)');
    const id = String(s.nextId++);
    const t: SimTemplate = {
      id,
      wabaId,
      name,
      language: p.language,
      category,
      status: 'PENDING',
      quality: 'UNKNOWN',
      parameterFormat:
        String(p.parameter_format ?? 'positional').toLowerCase() === 'named' ? 'named' : 'positional',
      components,
      createdAt: now,
      edits: [],
    };
    s.byId.set(id, t);
    scheduleReview(ctx, t);
    return { body: { id, status: 'PENDING', category } };
  }
  if (req.method === 'DELETE') {
    if (typeof p.name !== 'string') throw invalidParam('The parameter name is required.');
    const hsm = typeof p.hsm_id === 'string' ? p.hsm_id : undefined;
    const doomed = [...s.byId.values()].filter(
      (t) => t.wabaId === wabaId && t.name === p.name && (!hsm || t.id === hsm),
    );
    if (doomed.length === 0)
      throw templateError(2593002, 'Template not found', `No template named ${p.name}.`);
    if (doomed.some((t) => t.status === 'DISABLED'))
      throw templateError(2593003, 'Template cannot be deleted', 'Disabled templates cannot be deleted.');
    for (const t of doomed) s.byId.delete(t.id);
    return { body: { success: true } };
  }
  throw invalidParam(`Unsupported ${req.method.toLowerCase()} request.`);
}

/** `GET|POST /{template-id}`: read, or edit (category, components, TTL) which sends it back to review. */
export function handleTemplateNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  id: string,
): GraphResponse {
  const t = templateState(ctx.state).byId.get(id);
  if (!t) throw objectMissing(id);
  requireTarget(token, t.wabaId, 'whatsapp');
  requireScope(token, MANAGEMENT);
  if (req.method === 'GET') return { body: templateFields(t, requestedFields(req)) };
  if (req.method !== 'POST') throw invalidParam(`Unsupported ${req.method.toLowerCase()} request.`);
  if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(t.status))
    throw templateError(2388025, 'Template cannot be edited', `A ${t.status} template cannot be edited.`);
  const p = req.params;
  const category = p.category === undefined ? t.category : String(p.category).toUpperCase();
  if (t.status === 'APPROVED' && category !== t.category)
    throw templateError(
      2388026,
      'Category cannot be edited',
      'The category of an approved template cannot be edited.',
    );
  const now = ctx.clock.now();
  if (t.status === 'APPROVED') {
    t.edits = t.edits.filter((at) => at > now - 30 * DAY);
    if (t.edits.length >= 10 || t.edits.some((at) => at > now - DAY))
      throw templateError(
        2388027,
        'Edit limit reached',
        'An approved template can be edited once a day and 10 times in 30 days.',
      );
    t.edits.push(now);
  }
  if (p.components !== undefined) t.components = validateComponents(category, p.components);
  t.category = category;
  scheduleReview(ctx, t);
  return { body: { success: true } };
}

/** The error Graph answers a send of a template that is not sendable, or undefined when it is. */
export function templateSendError(
  ctx: SimContext,
  wabaId: string,
  name: string,
  language: string,
  bodyParams: number,
): GraphError | undefined {
  const t = findTemplate(ctx.state, wabaId, name, language);
  if (!t || (t.status !== 'APPROVED' && t.status !== 'PAUSED' && t.status !== 'DISABLED'))
    return waError(
      132001,
      'Template name does not exist in the translation',
      `template name (${name}) does not exist in ${language}`,
    );
  if (t.status === 'PAUSED')
    return waError(132015, 'Template is Paused', `template ${name} is paused due to low quality`);
  if (t.status === 'DISABLED')
    return waError(132016, 'Template is disabled', `template ${name} is disabled due to low quality`);
  const body = t.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  const text = typeof body?.text === 'string' ? body.text : t.category === 'AUTHENTICATION' ? '{{1}}' : '';
  const wanted = new Set(text.match(/\{\{[^{}]+\}\}/g) ?? []).size;
  if (wanted !== bodyParams)
    return waError(
      132000,
      'Number of parameters does not match the expected number of params',
      `body: number of localizable_params (${bodyParams}) does not match the expected number of params (${wanted})`,
    );
  return undefined;
}
