import { parseWith } from '@switchboard/core/internal';
import type { SimComments } from './comments-api.js';
import type { SimContext } from './context.js';
import {
  CommentBody,
  CustomerSendBody,
  FaultBody,
  PostBody,
  TrafficBody,
  WebhookBody,
} from './control-schemas.js';
import type { SimFaults } from './faults-api.js';
import type { ControlHandler } from './server.js';
import type { TrafficGenerator } from './traffic.js';
import type { CustomerSendInput, SimChannel, TruthFilter, TruthRecord, TruthType } from './types.js';
import { publicWorld } from './world.js';

function filterFrom(query: URLSearchParams): TruthFilter {
  const f: TruthFilter = {};
  const channel = query.get('channel');
  const accountId = query.get('accountId');
  const type = query.get('type');
  if (channel) f.channel = channel as SimChannel;
  if (accountId) f.accountId = accountId;
  if (type) f.type = type as TruthType;
  return f;
}

/** `/_sim/...` JSON control endpoints. */
export function createControl(
  ctx: SimContext,
  faults: SimFaults,
  traffic: TrafficGenerator,
  customerSends: (input: CustomerSendInput) => TruthRecord,
  verify: (channel: SimChannel) => Promise<unknown>,
  comments: SimComments,
): ControlHandler {
  return async (method, segments, query, body) => {
    const [what, id] = segments;
    try {
      if (what === 'state' && method === 'GET') {
        const w = ctx.state.world;
        return {
          status: 200,
          body: {
            now: ctx.clock.now(),
            url: ctx.baseUrl,
            world: publicWorld(w),
            ...(query.get('secrets') === '1'
              ? {
                  secrets: {
                    appSecret: w.app.secret,
                    verifyToken: w.app.verifyToken,
                    tokens: w.tokens.map((t) => ({ label: t.label, token: t.token })),
                  },
                }
              : {}),
            subscriptions: Object.fromEntries(ctx.state.subscriptions),
            faults: faults.list(),
            failingSince: ctx.sender.failingSince(),
            phoneHealth: Object.fromEntries(ctx.state.phoneHealth),
            webhooks: ctx.targets,
            traffic: traffic.running,
            businessSends: ctx.state.sends.length,
          },
        };
      }
      if (what === 'truth' && method === 'GET') {
        const filter = filterFrom(query);
        return {
          status: 200,
          body: {
            summary: ctx.truth.summary(filter),
            alerts: ctx.truth.alerts,
            records: ctx.truth.all(filter),
          },
        };
      }
      if (what === 'sends' && method === 'GET') return { status: 200, body: { data: ctx.state.sends } };
      if (what === 'faults' && method === 'GET') return { status: 200, body: { data: faults.list() } };
      if (what === 'faults' && method === 'DELETE') {
        faults.clear(id);
        return { status: 200, body: { success: true } };
      }
      if (what === 'faults' && method === 'POST') {
        const f = parseWith(FaultBody, body, 'fault');
        if (f.type === 'expire-token') faults.expireToken(f.token);
        else if (f.type === 'revoke-token') faults.revokeToken(f.token, f.subcode);
        else if (f.type === 'unsubscribe') faults.unsubscribeApp(f.accountId);
        else if (f.type === 'whatsapp-quality') faults.whatsappQuality(f);
        else return { status: 200, body: { id: faults.add(f) } };
        return { status: 200, body: { success: true } };
      }
      if (what === 'customer-sends' && method === 'POST') {
        return { status: 200, body: customerSends(parseWith(CustomerSendBody, body, 'customer send')) };
      }
      if (what === 'posts' && method === 'POST') {
        return { status: 200, body: comments.post(parseWith(PostBody, body, 'post')) };
      }
      if (what === 'comments' && method === 'POST') {
        const input = parseWith(CommentBody, body, 'comment');
        return { status: 200, body: comments.customerComments(input).comment };
      }
      if (what === 'comments' && method === 'GET') {
        const channel = query.get('channel');
        return {
          status: 200,
          body: {
            data: comments.list({
              ...(channel === 'messenger' || channel === 'instagram' ? { channel } : {}),
              ...(query.get('postId') ? { postId: query.get('postId') ?? '' } : {}),
            }),
          },
        };
      }
      if (what === 'traffic' && method === 'POST') {
        traffic.start(parseWith(TrafficBody, body, 'traffic'));
        return { status: 200, body: { success: true } };
      }
      if (what === 'traffic' && method === 'DELETE') {
        traffic.stop();
        return { status: 200, body: { success: true } };
      }
      if (what === 'verify' && method === 'POST') {
        const { channel } = parseWith(WebhookBody.pick({ channel: true }), body, 'verify');
        return { status: 200, body: await verify(channel) };
      }
      if (what === 'webhooks' && method === 'POST') {
        const w = parseWith(WebhookBody, body, 'webhook');
        ctx.sender.setTarget(w.channel, w.url);
        return { status: 200, body: { success: true, webhooks: ctx.targets } };
      }
      return { status: 404, body: { error: `no control endpoint ${method} /_sim/${segments.join('/')}` } };
    } catch (err) {
      return { status: 400, body: { error: (err as Error).message } };
    }
  };
}
