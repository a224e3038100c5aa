import type { Clock, TemplateRecord, TemplateStore } from '@switchboard/core';
import type { GraphClient } from '@switchboard/meta-graph';
import type { z } from 'zod';
import { invalid } from '../send/limits.js';
import { TemplateDefinition, TemplateEdit } from './definition.js';
import {
  CreateTemplateResponse,
  GraphTemplate,
  SuccessResponse,
  TEMPLATE_FIELDS,
  TemplateListResponse,
} from './graph-shapes.js';

/** Filters of a template list; Graph matches them (`name` as Graph does: contains). */
export interface TemplateListQuery {
  name?: string;
  status?: string;
  category?: string;
  language?: string;
  /** Page size (Graph default 25). */
  limit?: number;
  /** Cursor of the next page (`page.after` of the previous one). */
  after?: string;
  before?: string;
}

export interface TemplatePage {
  templates: GraphTemplate[];
  /** Cursor for the next page; absent on the last page. */
  after?: string;
  before?: string;
}

/**
 * Template management of a WABA. Every method takes the account (a WABA id, or one of its phone number
 * ids) whose token to use; definitions are checked against Meta's limits before any call
 * (`INVALID_REQUEST` with the path of the first problem); Graph errors arrive classified. Reads and
 * writes update the engine's template cache when the adapter is attached to one.
 *
 * @example
 * const { templates, after } = await whatsapp.templates.list('102290129340398', { status: 'APPROVED' });
 */
export interface WhatsAppTemplates {
  list(accountId: string, query?: TemplateListQuery): Promise<TemplatePage>;
  /** Every page, following Graph's cursors. */
  listAll(
    accountId: string,
    query?: Omit<TemplateListQuery, 'after' | 'before'>,
  ): AsyncIterable<GraphTemplate>;
  get(accountId: string, templateId: string): Promise<GraphTemplate>;
  /** Creates a template (status PENDING until Meta reviews it). */
  create(accountId: string, definition: unknown): Promise<{ id: string; status: string; category: string }>;
  /**
   * Edits category, components or `message_send_ttl_seconds`. Components replace the whole array and are
   * checked as a complete template (name, category, parameter format read from the cache or Graph).
   * Only APPROVED, REJECTED and PAUSED templates can be edited; an approved template keeps its category.
   */
  edit(accountId: string, templateId: string, edit: unknown): Promise<void>;
  /** Deletes one language (`templateId` given) or every language of `name`. DISABLED templates cannot be deleted. */
  delete(accountId: string, target: { name: string; templateId?: string }): Promise<void>;
}

export interface TemplateApiDeps {
  graph: (accountId: string) => GraphClient;
  /** The WABA an account id belongs to. */
  wabaFor: (accountId: string) => string;
  cache: () => TemplateStore | undefined;
  clock: Clock;
}

const EDITABLE = new Set(['APPROVED', 'REJECTED', 'PAUSED']);

/** Validates a definition or an edit: INVALID_REQUEST (never retried, nothing sent) naming the first problem. */
function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? [])
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  throw invalid(`${what}: ${issue?.message ?? 'invalid'}${path ? ` at ${path}` : ''}`, path || undefined);
}

/** What the cache keeps of a template read from Graph. */
export function recordOf(waba: string, t: GraphTemplate, at: number) {
  return {
    channel: 'whatsapp',
    accountId: waba,
    name: t.name,
    language: t.language,
    templateId: t.id,
    status: t.status,
    category: t.category,
    reason: t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null,
    ...(t.quality_score?.score ? { quality: t.quality_score.score } : {}),
    ...(t.components ? { definition: t } : {}),
    at,
  };
}

export function createTemplateApi(deps: TemplateApiDeps): WhatsAppTemplates {
  const remember = async (waba: string, templates: readonly GraphTemplate[]) => {
    const cache = deps.cache();
    if (!cache) return;
    const at = deps.clock.now();
    await Promise.all(templates.map((t) => cache.apply(recordOf(waba, t, at))));
  };
  const params = (query: TemplateListQuery) => ({
    fields: TEMPLATE_FIELDS,
    ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
  });
  const fetchOne = async (accountId: string, templateId: string) => {
    if (!/^\d+$/.test(templateId)) throw invalid('a template id is digits', 'templateId');
    const { data } = await deps
      .graph(accountId)
      .get(`/${templateId}`, GraphTemplate, { fields: TEMPLATE_FIELDS });
    await remember(deps.wabaFor(accountId), [data]);
    return data;
  };

  return {
    async list(accountId, query = {}) {
      const waba = deps.wabaFor(accountId);
      const { data } = await deps
        .graph(accountId)
        .get(`/${waba}/message_templates`, TemplateListResponse, params(query));
      await remember(waba, data.data);
      const cursors = data.paging?.cursors;
      return {
        templates: data.data,
        // Meta: there is a next page only while paging.next is present.
        ...(data.paging?.next && cursors?.after ? { after: cursors.after } : {}),
        ...(data.paging?.previous && cursors?.before ? { before: cursors.before } : {}),
      };
    },
    async *listAll(accountId, query = {}) {
      let after: string | undefined;
      do {
        const page = await this.list(accountId, { ...query, ...(after ? { after } : {}) });
        yield* page.templates;
        after = page.after;
      } while (after);
    },
    get: fetchOne,
    async create(accountId, input) {
      const definition = parseWith(TemplateDefinition, input, 'WhatsApp template definition');
      const waba = deps.wabaFor(accountId);
      const { data } = await deps
        .graph(accountId)
        .post(`/${waba}/message_templates`, definition, CreateTemplateResponse);
      const cache = deps.cache();
      if (cache)
        await cache.apply({
          channel: 'whatsapp',
          accountId: waba,
          name: definition.name,
          language: definition.language,
          templateId: data.id,
          status: data.status,
          category: data.category,
          definition: { ...definition, id: data.id, status: data.status, category: data.category },
          at: deps.clock.now(),
        });
      return { id: data.id, status: data.status, category: data.category };
    },
    async edit(accountId, templateId, input) {
      const edit = parseWith(TemplateEdit, input, 'WhatsApp template edit');
      const current = await fetchOne(accountId, templateId);
      if (!EDITABLE.has(current.status))
        throw invalid(
          `template ${current.name} is ${current.status}: only APPROVED, REJECTED and PAUSED templates can be edited`,
          'templateId',
        );
      if (current.status === 'APPROVED' && edit.category !== undefined && edit.category !== current.category)
        throw invalid('the category of an approved template cannot be edited', 'category');
      if (edit.components) {
        // The components replace the template's: check them as the whole template they will make.
        parseWith(
          TemplateDefinition,
          {
            name: current.name,
            language: current.language,
            category: edit.category ?? current.category,
            ...(current.parameter_format ? { parameter_format: current.parameter_format.toLowerCase() } : {}),
            components: edit.components,
          },
          'WhatsApp template edit',
        );
      }
      await deps.graph(accountId).post(`/${templateId}`, edit, SuccessResponse);
      const cache = deps.cache();
      if (cache)
        await cache.apply({
          channel: 'whatsapp',
          accountId: deps.wabaFor(accountId),
          name: current.name,
          language: current.language,
          templateId,
          // An edit sends the template back to review.
          status: 'PENDING',
          ...(edit.category ? { category: edit.category } : {}),
          ...(edit.components
            ? { definition: { ...current, components: edit.components, status: 'PENDING' } }
            : {}),
          at: deps.clock.now(),
        });
    },
    async delete(accountId, target) {
      if (!/^[a-z0-9_]+$/.test(target.name))
        throw invalid('a template name is lowercase letters, digits and underscores', 'name');
      if (target.templateId !== undefined && !/^\d+$/.test(target.templateId))
        throw invalid('a template id is digits', 'templateId');
      const waba = deps.wabaFor(accountId);
      const cache = deps.cache();
      const known: TemplateRecord[] = cache
        ? (await cache.list({ channel: 'whatsapp', accountId: waba, name: target.name })).filter(
            (t) => target.templateId === undefined || t.templateId === target.templateId,
          )
        : [];
      const disabled = known.find((t) => t.status === 'DISABLED');
      if (disabled)
        throw invalid(
          `template ${target.name} (${disabled.language}) is DISABLED: Meta does not delete disabled templates`,
          'name',
        );
      await deps.graph(accountId).delete(`/${waba}/message_templates`, SuccessResponse, {
        name: target.name,
        ...(target.templateId ? { hsm_id: target.templateId } : {}),
      });
      const at = deps.clock.now();
      if (cache)
        await Promise.all(known.map((t) => cache.apply({ ...t, status: 'DELETED', reason: null, at })));
    },
  };
}
