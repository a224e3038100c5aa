import { SwitchboardError, type TemplateRecord } from '@switchboard/core';
import { type WhatsAppAdapter, whatsAppConfigFromEnv } from '@switchboard/whatsapp';
import type { Hono } from 'hono';
import type { TemplateCreateRequest, TemplateView } from '../shared/types.js';
import type { RouteDeps } from './routes.js';

const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;

/** The body parameters of a cached definition, in order: names, or numbers of positional ones. */
function parametersOf(definition: unknown): { named: boolean; parameters: string[] } {
  const def = (definition ?? {}) as {
    parameter_format?: string;
    components?: { type?: string; text?: string }[];
  };
  const body = def.components?.find((c) => c.type?.toUpperCase() === 'BODY')?.text ?? '';
  const parameters = [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
  return { named: def.parameter_format?.toLowerCase() === 'named', parameters };
}

const viewOf = (t: TemplateRecord): TemplateView => ({
  wabaId: t.accountId,
  id: t.templateId,
  name: t.name,
  language: t.language,
  status: t.status,
  category: t.category,
  quality: t.quality,
  reason: t.reason,
  ...parametersOf(t.definition),
});

/** The WhatsApp side of the inbox's templates: the adapter, its WABAs, and the cache. */
export function createTemplateService(deps: RouteDeps) {
  const whatsapp = deps.adapters.find((a) => a.channel === 'whatsapp') as WhatsAppAdapter | undefined;
  const wabas = (): string[] => {
    if (deps.simulator) return deps.simulator.world.wabas.map((w) => w.id);
    const config = whatsAppConfigFromEnv(deps.config.env);
    return [...new Set([...(config.wabaIds ?? []), ...Object.values(config.wabaIdByPhoneNumberId ?? {})])];
  };
  const cached = async (wabaId: string) =>
    (await deps.switchboard.store.templates.list({ channel: 'whatsapp', accountId: wabaId })).map(viewOf);
  /** Reads every WABA's templates from Graph into the cache (when asked), then answers from the cache. */
  const list = async (refresh: boolean) => {
    const errors: string[] = [];
    if (refresh && whatsapp?.templates)
      for (const waba of wabas()) {
        try {
          for await (const _ of whatsapp.templates.listAll(waba)) {
            // listAll fills the cache page by page.
          }
        } catch (error) {
          errors.push(`${waba}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    const templates = (await Promise.all(wabas().map(cached))).flat();
    return { templates, errors };
  };
  /** The approved templates a conversation's number can send (its WABA's), read from Graph once when none is cached. */
  const forNumber = async (phoneNumberId: string): Promise<TemplateView[] | undefined> => {
    if (!whatsapp?.templates) return undefined;
    const waba = deps.simulator?.world.phoneNumbers.find((p) => p.id === phoneNumberId)?.wabaId ?? wabas()[0];
    if (!waba) return undefined;
    let views = await cached(waba);
    if (views.length === 0) {
      try {
        await whatsapp.templates.list(waba, { limit: 100 });
      } catch {
        return undefined;
      }
      views = await cached(waba);
    }
    return views.filter((t) => t.status === 'APPROVED');
  };
  return { whatsapp, wabas, list, forNumber };
}

/** Builds a template from the page's simple form: one body with its examples, an optional footer. */
function definitionOf(input: TemplateCreateRequest) {
  const body = input.body ?? '';
  const names = [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
  const named = names.some((n) => !/^\d+$/.test(n));
  const examples = (input.examples ?? []).map((e) => e.trim());
  const example = !names.length
    ? {}
    : named
      ? {
          example: {
            body_text_named_params: names.map((n, i) => ({ param_name: n, example: examples[i] ?? '' })),
          },
        }
      : { example: { body_text: [examples] } };
  return {
    name: input.name,
    language: input.language,
    category: input.category,
    ...(named ? { parameter_format: 'named' } : {}),
    components: [
      { type: 'BODY', text: body, ...example },
      ...(input.footer?.trim() ? [{ type: 'FOOTER', text: input.footer.trim() }] : []),
    ],
  };
}

/** `GET /api/templates[?refresh=1]`, `POST /api/templates` (simulator mode). Behind the inbox's login and Origin check. */
export function templateRoutes(
  app: Hono,
  deps: RouteDeps,
  service: ReturnType<typeof createTemplateService>,
) {
  app.get('/api/templates', async (c) => c.json(await service.list(c.req.query('refresh') === '1')));
  app.post('/api/templates', async (c) => {
    if (!deps.simulator) return c.json({ error: 'templates are created here only in simulator mode' }, 404);
    if (!service.whatsapp) return c.json({ error: 'no WhatsApp adapter' }, 404);
    const input = (await c.req.json().catch(() => undefined)) as TemplateCreateRequest | undefined;
    if (!input || typeof input !== 'object') return c.json({ error: 'the body must be a JSON object' }, 400);
    const waba = input.wabaId && service.wabas().includes(input.wabaId) ? input.wabaId : service.wabas()[0];
    if (!waba) return c.json({ error: 'no WhatsApp Business Account' }, 404);
    try {
      const created = await service.whatsapp.templates.create(waba, definitionOf(input));
      return c.json(created, 201);
    } catch (error) {
      if (error instanceof SwitchboardError) return c.json({ error: error.message }, error.httpStatus as 400);
      throw error;
    }
  });
}
