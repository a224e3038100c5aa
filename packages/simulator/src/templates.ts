import type { SimContext } from './context.js';
import type { SimState } from './state.js';

/** A message template of a simulated WABA, as Graph reads it back. */
export interface SimTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  quality: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  parameterFormat: 'positional' | 'named';
  components: Record<string, unknown>[];
  rejectedReason?: string;
  createdAt: number;
  /** Edits of an approved template in the last 30 days (epoch ms each): Meta allows 10, and 1 per 24 h. */
  edits: number[];
}

/** A template status change a test (or the review) makes. */
export interface TemplateReview {
  /** The webhook `event`: APPROVED, REJECTED, PAUSED, DISABLED, REINSTATED, FLAGGED... */
  event: string;
  reason?: string;
  /** `other_info` / `rejection_info` objects to send along. */
  otherInfo?: { title: string; description: string };
  rejectionInfo?: { reason: string; recommendation: string };
}

export interface TemplateState {
  byId: Map<string, SimTemplate>;
  nextId: number;
  reviewTimers: Map<string, { cancel(): void }>;
  /** Automatic approval delay of a created or edited template; false: only a test decides. */
  reviewMs: number | false;
}

const states = new WeakMap<SimState, TemplateState>();

/** Default components of the world's seed templates (they had only a name and a category). */
const SEED_COMPONENTS: Record<string, Record<string, unknown>[]> = {
  hello_world: [{ type: 'BODY', text: 'Hello World' }],
  order_update: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZsim'] } },
    { type: 'BODY', text: 'Hi {{1}}, your order is on its way.', example: { body_text: [['Kerry']] } },
    {
      type: 'BUTTONS',
      buttons: [
        {
          type: 'URL',
          text: 'Track',
          url: 'https://shop.example.com/orders/{{1}}',
          example: ['https://shop.example.com/orders/ord-1'],
        },
      ],
    },
  ],
};

/** The templates of a simulator, created on first use from the world's seed list (each WABA gets its own copy). */
export function templateState(state: SimState): TemplateState {
  let s = states.get(state);
  if (!s) {
    s = { byId: new Map(), nextId: 1_750_000_000_000_001, reviewTimers: new Map(), reviewMs: 2000 };
    states.set(state, s);
    for (const waba of state.world.wabas)
      for (const seed of state.world.templates) {
        const id = String(s.nextId++);
        s.byId.set(id, {
          id,
          wabaId: waba.id,
          name: seed.name,
          language: seed.language,
          category: seed.category,
          status: 'APPROVED',
          quality: 'GREEN',
          parameterFormat: 'positional',
          components: SEED_COMPONENTS[seed.name] ?? [
            { type: 'BODY', text: `${seed.name} {{1}}`, example: { body_text: [['value']] } },
          ],
          createdAt: 0,
          edits: [],
        });
      }
  }
  return s;
}

export function findTemplate(
  state: SimState,
  wabaId: string,
  name: string,
  language: string,
): SimTemplate | undefined {
  for (const t of templateState(state).byId.values())
    if (t.wabaId === wabaId && t.name === name && t.language === language) return t;
  return undefined;
}

/** The status a webhook event leaves (FLAGGED/LOCKED change nothing; REINSTATED/UNARCHIVED reinstate). */
const statusAfter = (event: string, before: string) =>
  event === 'FLAGGED' || event === 'LOCKED'
    ? before
    : event === 'REINSTATED' || event === 'UNARCHIVED'
      ? 'APPROVED'
      : event;

/** Changes a template's status and sends `message_template_status_update` like Meta. */
export function reviewTemplate(ctx: SimContext, id: string, review: TemplateReview): SimTemplate {
  const t = templateState(ctx.state).byId.get(id);
  if (!t) throw new Error(`unknown template ${id}`);
  templateState(ctx.state).reviewTimers.get(id)?.cancel();
  templateState(ctx.state).reviewTimers.delete(id);
  t.status = statusAfter(review.event, t.status);
  if (review.event === 'REJECTED') t.rejectedReason = review.reason ?? 'INVALID_FORMAT';
  else if (t.status === 'APPROVED') delete t.rejectedReason;
  ctx.publish({
    channel: 'whatsapp',
    accountId: t.wabaId,
    userId: '',
    type: 'account',
    kind: 'message_template_status_update',
    item: {
      event: review.event,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason: review.reason ?? (review.event === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE'),
      ...(review.otherInfo ? { other_info: review.otherInfo } : {}),
      ...(review.rejectionInfo ? { rejection_info: review.rejectionInfo } : {}),
    },
  });
  return t;
}

/** Changes a template's quality and sends `message_template_quality_update`. */
export function rateTemplate(ctx: SimContext, id: string, quality: SimTemplate['quality']): SimTemplate {
  const t = templateState(ctx.state).byId.get(id);
  if (!t) throw new Error(`unknown template ${id}`);
  const previous = t.quality;
  t.quality = quality;
  ctx.publish({
    channel: 'whatsapp',
    accountId: t.wabaId,
    userId: '',
    type: 'account',
    kind: 'message_template_quality_update',
    item: {
      previous_quality_score: previous,
      new_quality_score: quality,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
    },
  });
  return t;
}

/** Puts a template under review: approved after `reviewMs` unless a test decides first (false: only a test decides). */
export function scheduleReview(ctx: SimContext, t: SimTemplate): void {
  t.status = 'PENDING';
  const reviewMs = templateState(ctx.state).reviewMs;
  if (reviewMs === false) return;
  const s = templateState(ctx.state);
  s.reviewTimers.get(t.id)?.cancel();
  const cancel = ctx.clock.setTimeout(() => {
    s.reviewTimers.delete(t.id);
    if (s.byId.get(t.id)?.status === 'PENDING') reviewTemplate(ctx, t.id, { event: 'APPROVED' });
  }, reviewMs);
  s.reviewTimers.set(t.id, { cancel });
}

/** The template as Graph returns it, limited to `fields` when asked. */
export function templateFields(t: SimTemplate, fields?: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category,
    parameter_format: t.parameterFormat.toUpperCase(),
    components: t.components,
    quality_score: { score: t.quality, date: Math.floor(t.createdAt / 1000) },
    rejected_reason: t.rejectedReason ?? 'NONE',
  };
  const wanted = fields ?? ['id', 'name', 'language', 'status', 'category', 'components'];
  const out: Record<string, unknown> = {};
  for (const f of wanted) if (f in all) out[f] = all[f];
  out.id = t.id;
  return out;
}
