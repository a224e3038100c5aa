import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Alarm,
  type ChannelEvent,
  createLogger,
  createMemoryRateLimiter,
  createMemoryStore,
  createSwitchboard,
  type LossAccount,
  ManualClock,
  type Store,
  type Switchboard,
  type WatchOptions,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { importTrafficHistory } from '@switchboard/core/watch';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { type AccountTraffic, DAY_SHAPE, ratePerMinute } from './traffic.js';

const HOUR = 3_600_000;

/** Everything one drill run needs: the simulator, the engine behind a real HTTP server, the record. */
export interface DrillWorld {
  clock: ManualClock;
  sim: MetaSimulator;
  store: Store;
  switchboard: Switchboard;
  /** The engine's loss accounting (`switchboard.watch.loss()`). */
  loss(): Promise<LossAccount[]>;
  accounts: AccountTraffic[];
  /** Every alarm event, in order. */
  alarms: Alarm[];
  /** Handler calls per event key (a value above 1 is a duplicate delivered to the app). */
  handled: Map<string, number>;
  /** Keys of events handled, by source. */
  handledBySource: { webhook: Set<string>; backfill: Set<string> };
  /** The simulator's session traffic at each account's day-shaped rate. */
  startTraffic(): void;
  stopTraffic(): void;
  /** Moves the clock to `target` in `stepMs` steps, letting webhooks and Graph calls finish in between. */
  runUntil(target: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DrillWorldOptions {
  seed: number;
  start: number;
  /** Peak customer messages per minute for each account of each channel, in world order. */
  peaks: { messenger: number[]; instagram: number[]; whatsapp: number[] };
  customersPerAccount?: number;
  watch?: WatchOptions;
  /** Weeks of learned traffic history imported before the run (the engine had been running). */
  historyWeeks?: number;
  /** Default `memory`; `sqlite` runs the embedded store in `:memory:` (slower here: every write is a transaction). */
  store?: 'sqlite' | 'memory';
}

export async function createDrillWorld(options: DrillWorldOptions): Promise<DrillWorld> {
  const clock = new ManualClock(options.start);
  const appSecret = 'drill-app-secret-0123456789abcdef';
  const verifyToken = 'drill-verify-token';
  const sim = await startMetaSimulator({
    clock,
    seed: options.seed,
    world: {
      pages: options.peaks.messenger.length,
      linkedInstagram: options.peaks.instagram.length,
      unlinkedInstagram: 0,
      phoneNumbers: options.peaks.whatsapp.length,
      customersPerAccount: options.customersPerAccount ?? 60,
      appSecret,
      verifyToken,
    },
  });
  const w = sim.world;
  const limiter = createMemoryRateLimiter({ clock });
  const silent = createLogger({ level: 'silent' });
  const common = { appId: w.app.id, appSecret, verifyToken, graphBaseUrl: sim.url, clock, logger: silent };
  const messenger = createMessengerAdapter({
    ...common,
    limiter,
    pageIds: w.pages.map((p) => p.id),
    accessTokens: Object.fromEntries(w.pages.map((p) => [p.id, p.accessToken])),
  });
  const linked = w.instagram.filter((a) => a.pageId);
  const instagram = createInstagramAdapter({
    ...common,
    limiter,
    apiFlavour: 'facebook-login',
    instagramAccountIds: linked.map((a) => a.id),
    pageIdByInstagramAccountId: Object.fromEntries(linked.map((a) => [a.id, a.pageId as string])),
    accessTokens: Object.fromEntries(linked.map((a) => [a.id, a.accessToken])),
  });
  const whatsapp = createWhatsAppAdapter({
    ...common,
    accessToken: w.systemUserToken,
    phoneNumberIds: w.phoneNumbers.map((p) => p.id),
    wabaIds: w.wabas.map((x) => x.id),
  });
  const store = options.store === 'sqlite' ? createSqliteStore({ path: ':memory:' }) : createMemoryStore();
  const accounts: AccountTraffic[] = [
    ...w.pages.map((p, i) => ({
      channel: 'messenger' as const,
      accountId: p.id,
      peakPerMinute: options.peaks.messenger[i] ?? 0,
    })),
    ...linked.map((a, i) => ({
      channel: 'instagram' as const,
      accountId: a.id,
      peakPerMinute: options.peaks.instagram[i] ?? 0,
    })),
    ...w.phoneNumbers.map((p, i) => ({
      channel: 'whatsapp' as const,
      accountId: p.id,
      peakPerMinute: options.peaks.whatsapp[i] ?? 0,
    })),
  ].filter((a) => a.peakPerMinute > 0);

  // The engine has been running for weeks: import that history into its baselines.
  const weeks = options.historyWeeks ?? 4;
  for (const a of accounts) {
    const hours: Array<{ at: number; count: number }> = [];
    const from = Math.floor(options.start / HOUR) * HOUR - weeks * 168 * HOUR;
    for (let at = from; at < options.start - HOUR; at += HOUR)
      hours.push({ at, count: Math.round(ratePerMinute(a, at) * 60) });
    await importTrafficHistory(store, { channel: a.channel, accountId: a.accountId, hours });
  }

  const switchboard = createSwitchboard({
    adapters: [messenger, instagram, whatsapp],
    store,
    clock,
    limiter,
    logger: silent,
    random: () => 0.5,
    // Webhooks wake the processor at once; a slow idle poll keeps the memory store's scans rare.
    processor: { pollIntervalMs: 60_000 },
    outbox: { pollIntervalMs: 60_000 },
    watch: { autoResubscribe: true, ...options.watch },
  });
  const alarms: Alarm[] = [];
  switchboard.on('alarm', (alarm) => {
    alarms.push(alarm);
  });
  const handled = new Map<string, number>();
  const handledBySource = { webhook: new Set<string>(), backfill: new Set<string>() };
  switchboard.on('*', (event: ChannelEvent) => {
    handled.set(event.key, (handled.get(event.key) ?? 0) + 1);
    handledBySource[event.source].add(event.key);
  });
  const server: Server = createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  for (const channel of ['messenger', 'instagram', 'whatsapp'] as const)
    sim.setWebhook(channel, `${base}/${channel}`);
  await switchboard.start();

  const watch = switchboard.watch;
  if (!watch) throw new Error('the drill needs the engine watch');
  return {
    clock,
    sim,
    store,
    switchboard,
    loss: () => watch.loss(),
    accounts,
    alarms,
    handled,
    handledBySource,
    startTraffic() {
      sim.traffic.start({
        model: 'sessions',
        perMinute: 0,
        perMinuteByAccount: Object.fromEntries(accounts.map((a) => [a.accountId, a.peakPerMinute])),
        dayShape: DAY_SHAPE,
      });
    },
    stopTraffic() {
      sim.traffic.stop();
    },
    async runUntil(target, stepMs = 10_000) {
      while (clock.now() < target) {
        await clock.advance(Math.min(stepMs, target - clock.now()));
        await sim.idle();
        // While the watch talks to the Graph API (real HTTP), move in small steps so its calls, the
        // rate limiter's waits and the alarms land at the right simulated time.
        while (switchboard.watch?.busy() && clock.now() < target) {
          await clock.advance(Math.min(200, target - clock.now()));
          await sim.idle();
        }
      }
    },
    async close() {
      sim.traffic.stop();
      await switchboard.stop();
      await sim.stop();
      await store.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
