import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { LogLevel } from '@switchboard/core';

export type Channel = 'messenger' | 'instagram' | 'whatsapp';
export const CHANNELS: readonly Channel[] = ['messenger', 'instagram', 'whatsapp'];

/**
 * Everything Switchboard Inbox reads from the environment (see `.env.example`).
 *
 * @example
 * const config = loadConfig(process.env);
 * const inbox = await startInbox(config);
 */
export interface InboxConfig {
  /** HTTP port; 0 = any free port. Env `PORT`, default 3000. */
  port: number;
  /** Env `HOST`, default 127.0.0.1. */
  host: string;
  /** Directory of the SQLite file. Env `DATA_DIR`, default `./data` (of the working directory). */
  dataDir: string;
  /** Env `SIMULATOR`: `on`, `off`, or `auto` (default: on unless a channel has an app secret). */
  simulator: boolean;
  /** Simulator seed. Env `SIMULATOR_SEED`; unset: seed 1's world with secrets generated per run. */
  simulatorSeed: number | undefined;
  /** Demo customer messages per minute per account (simulator only). Env `DEMO_TRAFFIC_PER_MINUTE`, default 3. */
  demoTrafficPerMinute: number;
  /**
   * Env `DEMO_TRAFFIC_MODEL`: `sessions` (default: customers write bursts, the business answers, they
   * follow up) or `poisson` (independent messages of every content kind).
   */
  demoTrafficModel: 'sessions' | 'poisson';
  /** Seed a first message from every demo customer when the store is empty. Env `DEMO_SEED`, default on. */
  demoSeed: boolean;
  /** Graph host for every channel (per channel `<CHANNEL>_GRAPH_BASE_URL` wins). Env `GRAPH_BASE_URL`. */
  graphBaseUrl: string | undefined;
  /** Public URL printed at start (behind a tunnel); its host is allowed in `Host`. Env `PUBLIC_URL`. */
  publicUrl: string | undefined;
  /**
   * The login secret every `/api/*`, `/api/live` and `/metrics` request needs (cookie set by
   * `/?token=…`, or `Authorization: Bearer`). Env `INBOX_TOKEN`, else generated per start;
   * `undefined` when `INBOX_AUTH=off` (allowed only on a loopback `HOST`).
   */
  loginToken: string | undefined;
  /** WhatsApp templates offered by the composer in real mode, `name:language` pairs. Env `WHATSAPP_TEMPLATES`. */
  whatsappTemplates: Array<{ name: string; language: string }>;
  /** Env `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /**
   * The engine's silence watch (silence detection, reconciliation + automatic backfill, probes, alarms).
   * Env `WATCH` (on/off, default on) and `WATCH_*_MS` intervals; unset ones keep the engine defaults.
   */
  watch: WatchConfig | false;
  /**
   * Telegram beside the Meta channels, when `TELEGRAM_BOT_TOKEN` is set: the real Bot API, or in
   * simulator mode the fake Bot API of `@switchboard/telegram/fake` serving that token.
   */
  telegram: boolean;
  /** The raw environment, for the adapters' own `*ConfigFromEnv` readers in real mode. */
  env: Record<string, string | undefined>;
}

/** The watch intervals the environment may override (engine defaults when undefined). */
export interface WatchConfig {
  /** Env `WATCH_SILENCE_CHECK_INTERVAL_MS` (engine default 60 000). */
  silenceCheckIntervalMs?: number;
  /** Env `WATCH_SILENCE_MIN_WINDOW_MS` (engine default 120 000). */
  silenceMinWindowMs?: number;
  /** Env `WATCH_RECONCILE_INTERVAL_MS` (engine default 120 000). */
  reconcileIntervalMs?: number;
  /** Env `WATCH_RECONCILE_GRACE_MS` (engine default 60 000). */
  reconcileGraceMs?: number;
  /** Env `WATCH_DELIVERY_DEADLINE_MS` (engine default 120 000). */
  deliveryDeadlineMs?: number;
  /** Env `WATCH_PROBES_INTERVAL_MS` (engine default 300 000). */
  probesIntervalMs?: number;
  /** Env `WATCH_AUTO_RESUBSCRIBE` (default off). */
  autoResubscribe: boolean;
  /** Env `WATCH_CHART_BUCKET_MS`: bucket of the traffic charts (engine default 300 000). */
  chartBucketMs?: number;
  /** Env `WATCH_CHART_WINDOW_MS`: history the charts show (engine default 6 h). */
  chartWindowMs?: number;
}

const WATCH_MS: Array<[Exclude<keyof WatchConfig, 'autoResubscribe'>, string]> = [
  ['silenceCheckIntervalMs', 'WATCH_SILENCE_CHECK_INTERVAL_MS'],
  ['silenceMinWindowMs', 'WATCH_SILENCE_MIN_WINDOW_MS'],
  ['reconcileIntervalMs', 'WATCH_RECONCILE_INTERVAL_MS'],
  ['reconcileGraceMs', 'WATCH_RECONCILE_GRACE_MS'],
  ['deliveryDeadlineMs', 'WATCH_DELIVERY_DEADLINE_MS'],
  ['probesIntervalMs', 'WATCH_PROBES_INTERVAL_MS'],
  ['chartBucketMs', 'WATCH_CHART_BUCKET_MS'],
  ['chartWindowMs', 'WATCH_CHART_WINDOW_MS'],
];

function watchConfig(env: Record<string, string | undefined>): WatchConfig | false {
  if (!flag(env.WATCH, true, 'WATCH')) return false;
  const config: WatchConfig = {
    autoResubscribe: flag(env.WATCH_AUTO_RESUBSCRIBE, false, 'WATCH_AUTO_RESUBSCRIBE'),
  };
  for (const [key, name] of WATCH_MS) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const ms = int(raw, 0, name);
    if (key !== 'reconcileGraceMs' && ms < 100)
      throw new Error(`${name} must be at least 100 (milliseconds), got "${raw}"`);
    config[key] = ms;
  }
  return config;
}

function trafficModel(value: string | undefined): InboxConfig['demoTrafficModel'] {
  const v = (value ?? '').trim().toLowerCase() || 'sessions';
  if (v !== 'sessions' && v !== 'poisson')
    throw new Error(`DEMO_TRAFFIC_MODEL must be sessions or poisson, got "${value}"`);
  return v;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(v)) return true;
  if (['off', 'false', '0', 'no'].includes(v)) return false;
  throw new Error(`${name} must be on or off, got "${value}"`);
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

function loginToken(env: Record<string, string | undefined>, host: string): string | undefined {
  if (!flag(env.INBOX_AUTH, true, 'INBOX_AUTH')) {
    if (!LOOPBACK.includes(host))
      throw new Error(`INBOX_AUTH=off is allowed only when HOST is a loopback address, got HOST=${host}`);
    return undefined;
  }
  const token = env.INBOX_TOKEN?.trim();
  if (!token) return randomBytes(24).toString('base64url');
  if (token.length < 16) throw new Error('INBOX_TOKEN must be at least 16 characters');
  return token;
}

/** Channels configured with real credentials (an app secret is what receiving needs). */
export function realChannels(env: Record<string, string | undefined>): Channel[] {
  return CHANNELS.filter((c) => {
    const prefix = c.toUpperCase();
    return Boolean(env[`${prefix}_APP_SECRET`] || env[`${prefix}_APP_SECRETS`]);
  });
}

/** Reads and checks the configuration; throws a readable error naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): InboxConfig {
  const mode = (env.SIMULATOR ?? 'auto').trim().toLowerCase();
  if (!['on', 'off', 'auto', ''].includes(mode))
    throw new Error(`SIMULATOR must be on, off or auto, got "${mode}"`);
  const simulator = mode === 'on' || ((mode === 'auto' || mode === '') && realChannels(env).length === 0);
  if (!simulator && realChannels(env).length === 0 && !env.TELEGRAM_BOT_TOKEN?.trim()) {
    throw new Error(
      'SIMULATOR=off but no channel is configured: set MESSENGER_APP_SECRET, INSTAGRAM_APP_SECRET, WHATSAPP_APP_SECRET or TELEGRAM_BOT_TOKEN',
    );
  }
  const level = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const templates = (env.WHATSAPP_TEMPLATES ?? 'hello_world:en_US')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const [name = '', language = 'en_US'] = pair.split(':');
      return { name, language };
    });
  const host = env.HOST?.trim() || '127.0.0.1';
  const publicUrl = env.PUBLIC_URL?.trim() || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl))
    throw new Error(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  return {
    port: int(env.PORT, 3000, 'PORT'),
    host,
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    simulator,
    simulatorSeed: env.SIMULATOR_SEED?.trim() ? int(env.SIMULATOR_SEED, 1, 'SIMULATOR_SEED') : undefined,
    demoTrafficPerMinute: int(env.DEMO_TRAFFIC_PER_MINUTE, 3, 'DEMO_TRAFFIC_PER_MINUTE'),
    demoTrafficModel: trafficModel(env.DEMO_TRAFFIC_MODEL),
    demoSeed: flag(env.DEMO_SEED, true, 'DEMO_SEED'),
    graphBaseUrl: env.GRAPH_BASE_URL?.trim() || undefined,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    loginToken: loginToken(env, host),
    whatsappTemplates: templates,
    logLevel: level,
    watch: watchConfig(env),
    telegram: Boolean(env.TELEGRAM_BOT_TOKEN?.trim()),
    env,
  };
}
