import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import {
  type ChannelAdapter,
  type CredentialKey,
  createLogger,
  createSwitchboard,
  credentialKeysFromEnv,
  type Logger,
  type Switchboard,
  systemClock,
  type WatchOptions,
} from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { DEFAULT_ALLOWED_UPDATES } from '@switchboard/telegram';
import { type FakeBotApi, startFakeBotApi } from '@switchboard/telegram/fake';
import { CHANNELS, type InboxConfig } from '../config.js';
import { realAdapters, secretsOf, simulatorAdapters, telegramAdapter } from './channels.js';
import { createChaos } from './chaos.js';
import { seedDemo, seedDemoHistory, subscribeComments } from './demo.js';
import { createInboxState } from './inbox-state.js';
import { createLiveHub, watchOutbox } from './live.js';
import { createPeople } from './people.js';
import { alarmView, createRecovery } from './recovery.js';
import { createRoutes } from './routes.js';
import { loginUrl } from './security.js';

/** A running Switchboard Inbox. */
export interface RunningInbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url` with the login token (`/?token=…`): opening it once logs a browser in. */
  openUrl: string;
  port: number;
  switchboard: Switchboard;
  /** The in-process simulator, in simulator mode. */
  simulator: MetaSimulator | undefined;
  /** The fake Telegram Bot API, in simulator mode with `TELEGRAM_BOT_TOKEN` set. */
  telegramFake: FakeBotApi | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the inbox: the SQLite store, the engine with the three adapters, the web UI and the webhook
 * routes, and (in simulator mode) a fake Meta platform posting demo traffic to this server.
 *
 * @example
 * const inbox = await startInbox(loadConfig({ PORT: '0', DATA_DIR: '/tmp/inbox' }));
 * console.log(`open ${inbox.url}`);
 * await inbox.stop();
 */
export async function startInbox(
  config: InboxConfig,
  options: { logger?: Logger } = {},
): Promise<RunningInbox> {
  const clock = systemClock;
  const simulator = config.simulator
    ? await startMetaSimulator({
        seed: config.simulatorSeed,
        world: {
          pages: 1,
          linkedInstagram: 1,
          unlinkedInstagram: 0,
          phoneNumbers: 1,
          customersPerAccount: 4,
        },
      })
    : undefined;
  const telegramFake =
    simulator && config.telegram
      ? {
          api: await startFakeBotApi({ token: config.env.TELEGRAM_BOT_TOKEN?.trim() }),
          secretToken:
            config.env.TELEGRAM_SECRET_TOKEN?.split(',')[0]?.trim() || randomBytes(24).toString('base64url'),
        }
      : undefined;
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      secrets: [...secretsOf(config, simulator), ...(telegramFake ? [telegramFake.secretToken] : [])],
    });
  const store = createSqliteStore({ path: join(config.dataDir, 'switchboard.db') });
  let adapters: ChannelAdapter[];
  try {
    adapters = simulator ? simulatorAdapters(simulator, clock, logger) : realAdapters(config, clock, logger);
    if (config.telegram) adapters.push(telegramAdapter(config, clock, logger, telegramFake));
  } catch (error) {
    await store.close();
    await simulator?.stop();
    await telegramFake?.api.close();
    throw error;
  }
  const switchboard = createSwitchboard({
    adapters,
    store,
    clock,
    logger,
    watch: watchOptions(config.watch),
    credentials: { keys: credentialKeys(config, logger) },
    // An inbox shows every conversation, including those another app (a human in the Page Inbox) holds.
    standby: 'dispatch',
  });
  const accountLabel = labeller(simulator);

  const names = new Map(simulator?.world.customers.map((c) => [`${c.channel}:${c.userId}`, c.name]) ?? []);
  const state = createInboxState(store, clock, (channel, userId) => names.get(`${channel}:${userId}`));
  const people = createPeople({ switchboard, adapters, clock, logger });
  const hub = createLiveHub();
  const outboxWatch = watchOutbox(store, clock, hub);
  const recovery = createRecovery(switchboard, clock, logger, accountLabel);

  switchboard.on('*', async (event) => {
    if (event.kind === 'handover' && event.conversationId) people.forgetOwner(event.conversationId);
    await state.onEvent(event);
    if (event.kind === 'template') hub.publish({ type: 'templates' });
    else if (event.kind !== 'account' && event.conversationId) {
      hub.publish({ type: 'conversation', conversationId: event.conversationId, kind: event.kind });
    } else hub.publish({ type: 'health' });
  });
  // Alarms raised and cleared by the engine's watch go to every open page as they happen.
  switchboard.on('alarm', async (alarm) => {
    hub.publish({ type: 'alarm', alarm: alarmView(alarm, accountLabel) });
    await recovery.onAlarm(alarm);
  });
  // Incident transitions refresh the Incidents page (and the charts' marks).
  switchboard.on('incident', (incident) => {
    hub.publish({ type: 'incident', id: incident.id, transition: incident.transition });
  });

  let port = config.port; // the real one once listening (PORT=0 picks a free port)
  const app = createRoutes({
    config,
    switchboard,
    people,
    adapters,
    state,
    hub,
    outboxWatch,
    recovery,
    reconcile:
      config.watch === false
        ? null
        : {
            intervalMs: config.watch.reconcileIntervalMs ?? 120_000,
            graceMs: config.watch.reconcileGraceMs ?? 60_000,
          },
    chaos: simulator ? createChaos(simulator) : undefined,
    simulator,
    accountLabel,
    port: () => port,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s as Server),
    );
    (s as Server).once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  // Before the watch starts: it loads the baselines then.
  if (simulator) await seedDemoHistory(store, adapters, config.demoTrafficPerMinute, clock.now());
  await switchboard.start();

  if (simulator) {
    await assignDemoTenants(switchboard);
    for (const channel of CHANNELS) simulator.setWebhook(channel, `${url}/webhooks/${channel}`);
    await subscribeComments(adapters);
    if (telegramFake) await seedTelegram(telegramFake.api, telegramFake.secretToken, url, config.demoSeed);
    if (config.demoSeed) await seedDemo(simulator, store);
    if (config.demoTrafficPerMinute > 0)
      simulator.traffic.start({ perMinute: config.demoTrafficPerMinute, model: config.demoTrafficModel });
  }
  logger.info('switchboard inbox listening', {
    url,
    mode: simulator ? 'simulator' : 'meta',
    channels: adapters.map((a) => a.channel),
  });

  let stopped = false;
  return {
    url,
    openUrl: loginUrl(url, config.loginToken),
    port,
    switchboard,
    simulator,
    telegramFake: telegramFake?.api,
    async stop() {
      if (stopped) return;
      stopped = true;
      outboxWatch.stop();
      simulator?.traffic.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await simulator?.stop();
      await telegramFake?.api.close();
      await switchboard.stop();
      await store.close();
    },
  };
}

/** The engine watch options from the environment; unset intervals keep the engine defaults. */
function watchOptions(w: InboxConfig['watch']): WatchOptions | false {
  if (w === false) return false;
  return {
    autoResubscribe: w.autoResubscribe,
    silence: {
      ...(w.silenceCheckIntervalMs !== undefined ? { checkIntervalMs: w.silenceCheckIntervalMs } : {}),
      ...(w.silenceMinWindowMs !== undefined ? { minWindowMs: w.silenceMinWindowMs } : {}),
    },
    reconcile: {
      ...(w.reconcileIntervalMs !== undefined ? { intervalMs: w.reconcileIntervalMs } : {}),
      ...(w.reconcileGraceMs !== undefined ? { graceMs: w.reconcileGraceMs } : {}),
    },
    delivery: w.deliveryDeadlineMs !== undefined ? { deadlineMs: w.deliveryDeadlineMs } : {},
    probes: w.probesIntervalMs !== undefined ? { intervalMs: w.probesIntervalMs } : {},
    series: {
      ...(w.chartBucketMs !== undefined ? { bucketMs: w.chartBucketMs } : {}),
      ...(w.chartWindowMs !== undefined ? { hours: w.chartWindowMs / 3_600_000 } : {}),
    },
  };
}

/**
 * Keys sealing the tokens of accounts connected at runtime: `SWITCHBOARD_CREDENTIAL_KEY(S)`, else a key
 * generated once into the data directory (readable by this user only) so a restart can still open them.
 */
function credentialKeys(config: InboxConfig, logger: Logger): CredentialKey[] {
  const fromEnv = credentialKeysFromEnv(config.env);
  if (fromEnv.length > 0) return fromEnv;
  const file = join(config.dataDir, 'credential.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.info(
      'generated a credential key for stored account tokens (set SWITCHBOARD_CREDENTIAL_KEY in production)',
      {
        file,
      },
    );
  }
  return credentialKeysFromEnv({ SWITCHBOARD_CREDENTIAL_KEY: readFileSync(file, 'utf8') });
}

/** Demo tenants for the simulator's accounts (once: a tenant set on the Accounts page is kept). */
async function assignDemoTenants(switchboard: Switchboard): Promise<void> {
  const tenantOf: Record<string, string> = { messenger: 'acme', instagram: 'acme', whatsapp: 'globex' };
  for (const account of (await switchboard.accounts.list({ limit: 1000 })).accounts) {
    const tenantId = tenantOf[account.channel];
    if (account.tenantId === null && tenantId)
      await switchboard.accounts.update(account.channel, account.accountId, { tenantId });
  }
}

/** Readable names of channel accounts: the Page name, @username or phone number. */
function labeller(sim: MetaSimulator | undefined) {
  const labels = new Map<string, string>();
  if (sim) {
    for (const p of sim.world.pages) labels.set(`messenger:${p.id}`, p.name);
    for (const a of sim.world.instagram) labels.set(`instagram:${a.id}`, `@${a.username}`);
    for (const p of sim.world.phoneNumbers)
      labels.set(`whatsapp:${p.id}`, `${p.verifiedName} · ${p.displayPhoneNumber}`);
    for (const w of sim.world.wabas) labels.set(`whatsapp:${w.id}`, `Business account · ${w.name}`);
  }
  return (channel: string, accountId: string) => labels.get(`${channel}:${accountId}`) ?? accountId;
}

/**
 * Points the fake Bot API's webhook at this server, as an operator's `setWebhook` would, and (with
 * `DEMO_SEED`) has a customer write the bot once.
 */
async function seedTelegram(
  fake: FakeBotApi,
  secretToken: string,
  url: string,
  seed: boolean,
): Promise<void> {
  const response = await fetch(`${fake.url}/bot${fake.token}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      url: `${url}/webhooks/telegram`,
      secret_token: secretToken,
      allowed_updates: DEFAULT_ALLOWED_UPDATES,
    }),
  });
  if (!response.ok) throw new Error(`fake Bot API setWebhook failed: ${response.status}`);
  if (seed)
    await fake.deliver({
      message: fake.textMessage({
        chatId: 100000001,
        firstName: 'Tess',
        text: 'Hi! Is my parcel on its way?',
      }),
    });
}
