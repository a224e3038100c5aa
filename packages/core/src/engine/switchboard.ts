import { randomUUID } from 'node:crypto';
import { createAccountRegistry } from '../accounts/registry.js';
import { createTokenKeeper } from '../accounts/tokens.js';
import type { ChannelAdapter, UnrecoverableGap } from '../adapter.js';
import { systemClock } from '../clock.js';
import { createCredentialVault } from '../credentials/vault.js';
import { createMemoryRateLimiter } from '../limiter.js';
import { createLogger } from '../logger.js';
import type { EventKind } from '../model/events.js';
import { type AlarmHandler, createAlarmCenter } from '../watch/alarms.js';
import type { IncidentHandler } from '../watch/incidents.js';
import { registerWatchMetrics } from '../watch/metrics.js';
import { createWatch, type Watch } from '../watch/watch.js';
import { resolveWorker } from './backoff.js';
import { createDispatcher } from './dispatcher.js';
import { computeHealth, scopeHealth } from './health.js';
import { mergeWatchHealth } from './health-merge.js';
import { createAccountHold } from './hold.js';
import { checkKeptHeaders, createIngress, handleWebRequest } from './ingress.js';
import { createWorkerLoop } from './loop.js';
import { createEngineMetrics } from './metrics.js';
import { createOutbox } from './outbox.js';
import { createProcessor } from './processor.js';
import { createUserProfiles } from './profiles.js';
import type { EventHandler, HandlerOptions, Switchboard, SwitchboardOptions } from './types.js';

const MiB = 1024 * 1024;

/**
 * Creates the engine. Webhooks are acknowledged only once their raw bytes are durably in
 * `store`; `start()` runs the processor (parse → dedup → persist → handlers) and the outbox worker.
 *
 * @example
 * const switchboard = createSwitchboard({
 *   adapters: [createMessengerAdapter({ appSecret, verifyToken, accessToken })],
 *   store: createSqliteStore({ path: './data/switchboard.db' }),
 * });
 * switchboard.on('message', (event) => console.log(event.text));
 * await switchboard.start();
 * http.createServer(toNodeListener(switchboard)).listen(3000);
 */
export function createSwitchboard(options: SwitchboardOptions): Switchboard {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const limiter = options.limiter ?? createMemoryRateLimiter({ clock });
  const owner = options.instanceId ?? `sb-${randomUUID().slice(0, 8)}`;
  const random = options.random ?? Math.random;
  const adapters = new Map<string, ChannelAdapter>();
  for (const adapter of options.adapters) {
    if (adapters.has(adapter.channel)) throw new TypeError(`two adapters for channel "${adapter.channel}"`);
    checkKeptHeaders(adapter);
    adapters.set(adapter.channel, adapter);
  }
  const processorPolicy = resolveWorker(options.processor, {
    batchSize: 200,
    leaseMs: 30_000,
    pollIntervalMs: 500,
    maxAttempts: 5,
    baseDelayMs: 1_000,
    maxDelayMs: 5 * 60_000,
  });
  const outboxPolicy = resolveWorker(options.outbox, {
    batchSize: 20,
    leaseMs: 60_000,
    pollIntervalMs: 500,
    maxAttempts: 8,
    baseDelayMs: 1_000,
    maxDelayMs: 10 * 60_000,
  });

  const metrics = createEngineMetrics(clock, store);
  const vault = createCredentialVault({
    store: store.credentials,
    clock,
    refreshMs: options.accounts?.refreshMs ?? 2_000,
    ...(options.credentials ? { options: options.credentials } : {}),
  });
  const accounts = createAccountRegistry({
    store,
    clock,
    adapters: options.adapters,
    vault,
    ...(options.accounts ? { options: options.accounts } : {}),
  });
  for (const adapter of options.adapters)
    adapter.attach?.({
      async credentials(accountId) {
        const known = accounts.peek(adapter.channel, accountId);
        return vault.account({
          channel: adapter.channel,
          accountId,
          tenantId: known?.tenantId ?? null,
          appId: known?.appId ?? null,
        });
      },
      account: (accountId) => accounts.peek(adapter.channel, accountId),
      appSecrets: vault.appSecrets,
      templates: store.templates,
    });
  const alarms = createAlarmCenter({
    clock,
    logger,
    tenantOf: (channel, accountId) => accounts.peek(channel, accountId)?.tenantId ?? undefined,
  });
  const tokens =
    options.tokens === false
      ? null
      : createTokenKeeper({
          adapters,
          registry: accounts,
          vault,
          store,
          clock,
          logger,
          alarms,
          owner,
          ...(options.tokens ? { options: options.tokens } : {}),
        });
  // Created below once the processor exists; the hooks above only call it after start().
  let watch: Watch | null = null;
  const outboxLoopRef: { wake: () => void } = { wake: () => {} };
  const outbox = createOutbox({
    adapters,
    store,
    clock,
    logger,
    metrics,
    limiter,
    owner,
    policy: outboxPolicy,
    random,
    accounts,
    wake: () => outboxLoopRef.wake(),
    onSent: (entry, receipt) =>
      watch?.noteSent({
        channel: entry.channel,
        accountId: entry.accountId,
        messageId: receipt.messageId,
        at: clock.now(),
        outboxId: entry.id,
      }),
  });
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    metrics,
    owner,
    policy: processorPolicy,
    onAdvanced: outbox.notify,
    accounts,
    hold: createAccountHold({
      store,
      clock,
      logger,
      metrics,
      owner,
      accounts,
      alarms,
      holdMs: options.accounts?.holdMs ?? 24 * 60 * 60_000,
    }),
    readModel: options.readModel ?? true,
    dispatchStandby: options.standby === 'dispatch',
    send: (message) => outbox.send(message),
  });
  const processor = createProcessor({
    adapters,
    store,
    clock,
    logger,
    metrics,
    owner,
    policy: processorPolicy,
    dispatcher,
    onStored: (event, outcome) => watch?.observe(event, outcome),
  });

  const processorLoop = createWorkerLoop({
    name: 'processor',
    clock,
    logger,
    pollIntervalMs: processorPolicy.pollIntervalMs,
    round: async () => (await processor.inboxRound()) + (await processor.eventRound()),
    // Acks first: while webhooks pour in, processing takes at least a quarter of the thread and
    // leaves the rest to the ack path; the stored backlog is worked off at full speed afterwards.
    pace: { share: 0.25 },
  });
  const outboxLoop = createWorkerLoop({
    name: 'outbox',
    clock,
    logger,
    pollIntervalMs: outboxPolicy.pollIntervalMs,
    round: outbox.round,
  });
  outboxLoopRef.wake = outboxLoop.wake;

  const ingress = createIngress({
    adapters,
    store,
    clock,
    logger,
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? 4 * MiB,
    onAppended: processorLoop.wake,
    // App secrets registered at runtime must be current before a signature is checked.
    beforeVerify: () => (vault.stale() ? vault.refresh() : undefined),
  });

  /** The engine's side of a loss: metrics, counter, log. A leaf: it never calls back into the watch. */
  const countUnrecoverable = async (channel: string, gap: UnrecoverableGap) => {
    metrics.unrecoverable.inc({ channel }, gap.missing);
    await store.counters.add('events.unrecoverable', gap.missing);
    logger.error('messages lost beyond recovery', { channel, ...gap });
  };

  if (options.watch !== false)
    watch = createWatch(
      {
        adapters: options.adapters,
        store,
        clock,
        logger,
        ingest: (events, opts) => processor.ingest(events, opts.source),
        countUnrecoverable,
        send: (message) => outbox.send(message),
        alarms,
        serves: accounts.admits,
        accountsOf: function* (channel) {
          for (const account of accounts.entries())
            if (account.channel === channel && account.status === 'active') yield account.accountId;
        },
        accountInfo: (channel, accountId) => accounts.peek(channel, accountId),
      },
      options.watch ?? {},
    );

  const switchboard: Switchboard = {
    ingress,
    store,
    clock,
    metricsContentType: metrics.registry.contentType,
    handleWebhook: (request) => handleWebRequest(ingress, request),
    watch,
    accounts,
    profiles: createUserProfiles({
      adapters,
      store,
      clock,
      logger,
      ...(options.profiles ? { options: options.profiles } : {}),
    }),
    apps: vault.apps,
    credentials: {
      get keyId() {
        return vault.keyId;
      },
      reencrypt: vault.reencrypt,
    },
    tokens: tokens && { pass: tokens.pass, check: tokens.check, status: tokens.status },
    on(
      kind: EventKind | '*' | 'alarm' | 'incident',
      handler: EventHandler<never> | AlarmHandler | IncidentHandler,
      opts?: HandlerOptions,
    ) {
      const tenantId = opts?.tenantId;
      if (kind === 'incident') {
        const onIncident = handler as IncidentHandler;
        if (!watch) return () => {};
        return watch.incidents.on(
          tenantId === undefined
            ? onIncident
            : (i) => (i.scope.tenants.includes(tenantId) ? onIncident(i) : undefined),
        );
      }
      if (kind === 'alarm') {
        const onAlarm = handler as AlarmHandler;
        return alarms.on(
          tenantId === undefined ? onAlarm : (a) => (a.tenantId === tenantId ? onAlarm(a) : undefined),
        );
      }
      const onEvent = handler as EventHandler;
      return dispatcher.on(
        kind,
        tenantId === undefined ? onEvent : (e, c) => (e.tenantId === tenantId ? onEvent(e, c) : undefined),
      );
    },
    async start() {
      // Configured accounts are in the registry, and its copy loaded, before the first webhook is handled.
      await Promise.all([accounts.refresh({ force: true }), vault.refresh({ force: true })]);
      processorLoop.start();
      outboxLoop.start();
      await watch?.start();
      tokens?.start();
      logger.info('switchboard started', { instanceId: owner, channels: [...adapters.keys()] });
    },
    async stop() {
      await watch?.stop();
      await Promise.all([processorLoop.stop(), outboxLoop.stop(), tokens?.stop()]);
      logger.info('switchboard stopped', { instanceId: owner });
    },
    async drain() {
      await accounts.refresh();
      for (;;) {
        const work = (await processor.inboxRound()) + (await processor.eventRound()) + (await outbox.round());
        if (work === 0) return;
      }
    },
    send: outbox.send,
    sendAndWait: outbox.sendAndWait,
    replay: processor.replay,
    ingest: (events, opts) => processor.ingest(events, opts?.source),
    // The watch records the gap against its account, then counts it; without a watch, only the count.
    reportUnrecoverable: (channel, gap) =>
      watch ? watch.recordUnrecoverable(channel, gap) : countUnrecoverable(channel, gap),
    metrics: () => metrics.registry.metrics(),
    async health(scope) {
      await accounts.refresh();
      const report = await computeHealth(options.adapters, store, clock, metrics, accounts);
      const merged = watch ? mergeWatchHealth(report, await watch.health()) : report;
      return scopeHealth(merged, accounts, scope?.tenantId);
    },
  };
  if (watch) registerWatchMetrics(metrics.registry, watch);
  return switchboard;
}
