import { z } from 'zod';
import type { SimContext } from './context.js';
import {
  rateTemplate,
  reviewTemplate,
  type SimTemplate,
  type TemplateReview,
  templateState,
} from './templates.js';

/**
 * The review side of WhatsApp message templates: Meta's decisions, made by a test (also `/_sim/templates`).
 * Created and edited templates are PENDING and approved after `templateReviewMs` unless decided first;
 * every change sends Meta's status or quality webhook.
 *
 * @example
 * const [t] = sim.templates.list(wabaId).filter((x) => x.name === 'order_update');
 * sim.templates.review(t.id, { event: 'PAUSED', otherInfo: { title: 'FIRST_PAUSE', description: '…' } });
 */
export interface SimTemplates {
  /** Templates of one WABA (all without one), oldest first. */
  list(wabaId?: string): SimTemplate[];
  /** Meta decides: APPROVED, REJECTED (with reason), PAUSED, DISABLED, REINSTATED, FLAGGED... */
  review(templateId: string, review: TemplateReview): SimTemplate;
  /** The quality rating changes (GREEN, YELLOW, RED, UNKNOWN). */
  rate(templateId: string, quality: SimTemplate['quality']): SimTemplate;
}

export function createTemplatesApi(ctx: SimContext, reviewMs: number | false): SimTemplates {
  templateState(ctx.state).reviewMs = reviewMs;
  return {
    list: (wabaId) =>
      [...templateState(ctx.state).byId.values()]
        .filter((t) => wabaId === undefined || t.wabaId === wabaId)
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((t) => structuredClone(t)),
    review: (id, review) => structuredClone(reviewTemplate(ctx, id, review)),
    rate: (id, quality) => structuredClone(rateTemplate(ctx, id, quality)),
  };
}

const ReviewBody = z.union([
  z.object({
    event: z.string().regex(/^[A-Z_]+$/),
    reason: z.string().optional(),
    otherInfo: z.object({ title: z.string(), description: z.string() }).optional(),
    rejectionInfo: z.object({ reason: z.string(), recommendation: z.string() }).optional(),
  }),
  z.object({ quality: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']) }),
]);

/** `GET /_sim/templates[?wabaId=]`, `POST /_sim/templates/{id}` `{event, reason?}` or `{quality}`. */
export function templatesControl(
  templates: SimTemplates,
  method: string,
  segments: string[],
  query: URLSearchParams,
  body: unknown,
): { status: number; body: unknown } | undefined {
  const [what, id] = segments;
  if (what !== 'templates') return undefined;
  try {
    if (method === 'GET' && !id)
      return { status: 200, body: { data: templates.list(query.get('wabaId') ?? undefined) } };
    if (method === 'POST' && id) {
      const input = ReviewBody.parse(body);
      const t =
        'quality' in input
          ? templates.rate(id, input.quality)
          : templates.review(id, input as TemplateReview);
      return { status: 200, body: t };
    }
    return { status: 404, body: { error: `no control endpoint ${method} /_sim/${segments.join('/')}` } };
  } catch (err) {
    return {
      status: 400,
      body: { error: err instanceof z.ZodError ? err.issues[0]?.message : (err as Error).message },
    };
  }
}
