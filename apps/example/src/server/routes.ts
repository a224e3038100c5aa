import { readFile } from 'node:fs/promises';
import { type ChannelAdapter, type Switchboard, SwitchboardError } from '@switchboard/core';
import type { MetaSimulator } from '@switchboard/simulator';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { InboxConfig } from '../config.js';
import { describeParts } from '../shared/format.js';
import type { ChaosAction, SendRequest, Thread } from '../shared/types.js';
import { accountRoutes, tenantsByAccount } from './accounts.js';
import type { createChaos } from './chaos.js';
import { commentRoutes, commentThreadInfo } from './comments.js';
import { ComposeError, composeContent } from './compose.js';
import { createHealthView, type HealthDeps } from './health-view.js';
import type { InboxState } from './inbox-state.js';
import { incidentRoutes } from './incidents.js';
import type { LiveHub, watchOutbox } from './live.js';
import { createMediaProxy } from './media.js';
import { pageShell } from './page.js';
import type { People } from './people.js';
import { inboxGuard, securityHeaders } from './security.js';
import { createTemplateService, templateRoutes } from './templates.js';
import { buildThread, partsOfOutbound } from './thread.js';

export interface RouteDeps {
  config: InboxConfig;
  switchboard: Switchboard;
  adapters: readonly ChannelAdapter[];
  state: InboxState;
  people: People;
  hub: LiveHub;
  outboxWatch: ReturnType<typeof watchOutbox>;
  recovery: HealthDeps['recovery'];
  reconcile: HealthDeps['reconcile'];
  chaos: ReturnType<typeof createChaos> | undefined;
  simulator: MetaSimulator | undefined;
  accountLabel: (channel: string, accountId: string) => string;
  /** The port listened on, for the Host allow-list (known only once listening when `PORT=0`). */
  port: () => number;
}

/** The client bundle and stylesheet, built by tsup next to the server (`dist/public`). */
const PUBLIC_DIR = new URL('../dist/public/', import.meta.url);
const VERSION = Date.now().toString(36);
const HOUR = 3_600_000;

async function asset(name: string): Promise<Uint8Array | undefined> {
  // Resolves to apps/example/dist/public both from src/server (tests) and from the dist bundle.
  for (const base of [PUBLIC_DIR, new URL('../../dist/public/', import.meta.url)]) {
    try {
      return await readFile(new URL(name, base));
    } catch {}
  }
  return undefined;
}

/** Every HTTP route of the inbox: webhooks, metrics, pages, the JSON API and live updates. */
export function createRoutes(deps: RouteDeps): Hono {
  const { switchboard, state, hub } = deps;
  const store = switchboard.store;
  const health = createHealthView(deps);
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use(
    '*',
    inboxGuard({
      loginToken: deps.config.loginToken,
      publicUrl: deps.config.publicUrl,
      host: deps.config.host,
      port: deps.port,
    }),
  );

  // Webhooks go to the engine untouched: it reads the raw bytes (the signature covers them).
  app.all('/webhooks/:channel', (c) => switchboard.handleWebhook(c.req.raw));

  app.get('/metrics', async (c) => {
    c.header('content-type', switchboard.metricsContentType);
    return c.body(await switchboard.metrics());
  });

  const templates = createTemplateService(deps);
  const shell = (page: 'inbox' | 'health' | 'accounts' | 'incidents' | 'templates', title: string) =>
    pageShell({ page, title, simulator: Boolean(deps.simulator), version: VERSION });
  app.get('/', (c) => c.html(shell('inbox', 'Inbox')));
  app.get('/c/:id', (c) => c.html(shell('inbox', 'Conversation')));
  app.get('/health', (c) => c.html(shell('health', 'Channel health')));
  app.get('/accounts', (c) => c.html(shell('accounts', 'Accounts')));
  app.get('/templates', (c) => c.html(shell('templates', 'Templates')));
  accountRoutes(app, deps);
  app.get('/incidents', (c) => c.html(shell('incidents', 'Incidents')));
  incidentRoutes(app, {
    switchboard,
    accountLabel: deps.accountLabel,
    ...(deps.config.watch !== false && deps.config.watch.chartWindowMs !== undefined
      ? { chartHours: deps.config.watch.chartWindowMs / 3_600_000 }
      : {}),
  });
  templateRoutes(app, deps, templates);

  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : undefined;
    const body = type && /^[\w.-]+$/.test(name) ? await asset(name) : undefined;
    if (!body || !type) return c.text('not found (run `npm run build -w @switchboard/example`)', 404);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-cache',
    });
  });

  const media = createMediaProxy({ simulator: Boolean(deps.simulator), adapters: deps.adapters });
  app.get('/api/media', (c) =>
    media({
      kind: c.req.query('kind') ?? 'image',
      src: c.req.query('src') ?? '',
      channel: c.req.query('channel') ?? '',
    }),
  );

  app.get('/api/info', (c) =>
    c.json({
      mode: deps.simulator ? 'simulator' : 'meta',
      channels: deps.adapters.map((a) => a.channel),
      simulatorUrl: deps.simulator?.url ?? null,
    }),
  );

  app.get('/api/conversations', async (c) => {
    const tenant = c.req.query('tenant');
    const conversations = await deps.people.enrich(await state.list(500));
    if (!tenant) return c.json(conversations);
    const tenants = await tenantsByAccount(switchboard);
    return c.json(conversations.filter((x) => tenants.get(`${x.channel}:${x.accountId}`) === tenant));
  });

  app.get('/api/conversations/:id', async (c) => {
    const id = c.req.param('id');
    const found = await state.get(id);
    if (!found) return c.json({ error: 'conversation not found' }, 404);
    const [conversation, owner] = await Promise.all([
      deps.people.withProfile(found),
      deps.people.owner(found),
    ]);
    const adapter = deps.adapters.find((a) => a.channel === conversation.channel);
    const hours = adapter?.limits.windowHours ?? 24;
    const lastInboundAt = await state.lastInboundAt(id);
    const closesAt = lastInboundAt === null || !Number.isFinite(hours) ? null : lastInboundAt + hours * HOUR;
    const thread: Thread = {
      conversation,
      ...(owner ? { owner } : {}),
      window: {
        hours: Number.isFinite(hours) ? hours : null,
        open: !Number.isFinite(hours) || (closesAt !== null && closesAt > switchboard.clock.now()),
        lastInboundAt,
        closesAt,
      },
      items: await buildThread(store, id, await state.sendsOf(id), {
        held: ['paused', 'disconnected'].includes(
          (await switchboard.accounts.get(conversation.channel, conversation.accountId))?.status ?? 'active',
        ),
      }),
      templates:
        conversation.channel !== 'whatsapp'
          ? []
          : ((await templates.forNumber(conversation.accountId))?.map((t) => ({
              name: t.name,
              language: t.language,
              parameters: t.parameters,
              named: t.named,
            })) ??
            (deps.simulator
              ? deps.simulator.world.templates.map((t) => ({ name: t.name, language: t.language }))
              : deps.config.whatsappTemplates)),
      supports: [...(adapter?.limits.supportedContent ?? [])],
      quickRepliesMax: adapter?.limits.quickRepliesMax ?? 0,
    };
    const comment = await commentThreadInfo(store, id, await state.sendsOf(id));
    if (comment) {
      thread.comment = comment;
      // A comment opens no messaging window: private replies have their own (once, within 7 days).
      thread.window = { hours: null, open: true, lastInboundAt: null, closesAt: null };
    }
    return c.json(thread);
  });

  // The person's picture, fetched by the server (the platform's URLs expire and are off-origin).
  app.get('/api/avatar/:id', async (c) => {
    const conversation = await state.get(c.req.param('id'));
    if (!conversation) return c.json({ error: 'conversation not found' }, 404);
    try {
      const picture = await deps.people.avatar(conversation);
      if (!picture) return c.json({ error: 'no picture' }, 404);
      return new Response(Buffer.from(picture.bytes), {
        headers: {
          'content-type': picture.type,
          'cache-control': 'private, max-age=3600',
          // An SVG opened directly must not run anything.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'x-content-type-options': 'nosniff',
        },
      });
    } catch (error) {
      const status = SwitchboardError.is(error) ? 502 : 500;
      return c.json({ error: 'picture unavailable' }, status);
    }
  });

  app.post('/api/conversations/:id/read', async (c) => {
    const id = c.req.param('id');
    if (!(await state.get(id))) return c.json({ error: 'conversation not found' }, 404);
    await state.markRead(id);
    return c.json({ ok: true });
  });

  app.post('/api/conversations/:id/send', async (c) => {
    const id = c.req.param('id');
    const conversation = await state.get(id);
    if (!conversation) return c.json({ error: 'conversation not found' }, 404);
    let request: SendRequest;
    try {
      request = (await c.req.json()) as SendRequest;
    } catch {
      return c.json({ error: 'the body must be JSON' }, 400);
    }
    try {
      const content = composeContent(request);
      // A group conversation (`…:group:<id>`) is answered in the group.
      const groupId = conversation.id.split(':group:')[1];
      const entry = await switchboard.send({
        to: {
          channel: conversation.channel,
          accountId: conversation.accountId,
          userId: conversation.userId,
          ...(groupId ? { groupId } : {}),
        },
        content,
        ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey.slice(0, 200) } : {}),
      });
      const { parts, extra } = partsOfOutbound(content);
      const preview = extra?.template ? `📝 Template ${extra.template}` : describeParts(parts);
      await state.recordSend(id, entry.id, preview, entry.createdAt);
      deps.outboxWatch.watch(entry.id, id);
      hub.publish({ type: 'outbox', conversationId: id, id: entry.id, state: entry.state });
      return c.json({ id: entry.id, state: entry.state }, 202);
    } catch (error) {
      if (error instanceof ComposeError) return c.json({ error: error.message }, 400);
      if (error instanceof SwitchboardError)
        return c.json({ error: `${error.code}: ${error.message}` }, error.httpStatus as 400);
      throw error;
    }
  });

  commentRoutes(app, deps);

  app.get('/api/health', async (c) => c.json(await health.get(c.req.query('fresh') === '1')));

  // One reconciliation pass now (the engine also runs them on its own schedule).
  app.post('/api/reconcile', async (c) => {
    if (!deps.switchboard.watch) return c.json({ error: 'the engine watch is off (WATCH=off)' }, 409);
    const runs = await deps.recovery.reconcileNow();
    hub.publish({ type: 'health' });
    return c.json(runs);
  });

  app.post('/api/chaos', async (c) => {
    if (!deps.chaos) return c.json({ error: 'chaos controls exist only in simulator mode' }, 404);
    const action = (await c.req.json().catch(() => undefined)) as ChaosAction | undefined;
    if (!action || typeof action.type !== 'string') return c.json({ error: 'expected { type: … }' }, 400);
    try {
      const message = deps.chaos.apply(action);
      hub.publish({ type: 'health' });
      return c.json({ ok: true, message });
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 400);
    }
  });

  app.get('/api/live', (c) =>
    streamSSE(c, async (stream) => {
      const off = hub.subscribe((message) => {
        void stream.writeSSE({ data: JSON.stringify(message) }).catch(() => {});
      });
      stream.onAbort(off);
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(15_000);
        await stream.writeSSE({ event: 'ping', data: '{}' }).catch(() => {});
      }
      off();
    }),
  );

  app.notFound((c) =>
    c.req.path.startsWith('/api/') ? c.json({ error: 'not found' }, 404) : c.text('not found', 404),
  );
  app.onError((error, c) => {
    const message = error instanceof Error ? error.message : String(error);
    return c.json({ error: message }, 500);
  });
  return app;
}
