import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/**
 * What went wrong:
 * - `silence`: no inbound traffic for longer than the account's baseline makes plausible;
 * - `webhook_gap`: reconciliation found conversations that moved without a webhook (confirmed loss);
 * - `delivery_pipeline`: a business send got no echo / status webhook within the deadline;
 * - `subscription`: the app is not subscribed to the account's webhooks (resubscribed or not);
 * - `token`: the access token is invalid, expired or about to expire;
 * - `probe`: another health probe is down;
 * - `account_unknown`: webhooks arrive for an account that is not connected (held, then dead-lettered);
 * - `token_invalid` / `token_expiring`: the daily token check of a registered account (`switchboard.tokens`)
 *   found its token invalid or short of permissions / expiring within `tokens.expiringWithinDays`;
 * - `platform_outage`: the accounts of one (channel, app) pool went silent together, improbably and
 *   broadly (`accountId` is `app:<appId>`; `data.scope` says `platform` or `app`).
 */
export type AlarmType =
  | 'silence'
  | 'webhook_gap'
  | 'delivery_pipeline'
  | 'subscription'
  | 'token'
  | 'probe'
  | 'account_unknown'
  | 'token_invalid'
  | 'token_expiring'
  | 'platform_outage';

/**
 * An alarm event, emitted through `switchboard.on('alarm', handler)` when raised and again when cleared.
 *
 * @example
 * switchboard.on('alarm', (alarm) => {
 *   if (alarm.state === 'raised') pager.notify(`${alarm.type} on ${alarm.channel}:${alarm.accountId}: ${alarm.message}`);
 * });
 */
export interface Alarm {
  /** Stable per condition: `${type}:${channel}:${accountId}`. A clear carries the id of what it clears. */
  id: string;
  type: AlarmType;
  state: 'raised' | 'cleared';
  severity: 'warning' | 'critical';
  channel: string;
  accountId: string;
  /** Tenant of the account (`switchboard.accounts`) when it has one. */
  tenantId?: string;
  /** One readable sentence. */
  message: string;
  /** The numbers behind it (probability and window, gap counts, overdue sends...). */
  data: Record<string, unknown>;
  /** When the condition was first raised (epoch ms). */
  raisedAt: number;
  /** When this event was emitted. */
  at: number;
  /** Times it was raised again while already raised (new gaps found...). */
  repeats: number;
}

export type AlarmHandler = (alarm: Alarm) => void | Promise<void>;

export interface AlarmCenter {
  /** Raises (or, when already raised, updates and re-emits if `repeat`) the alarm with this id. */
  raise(input: {
    type: AlarmType;
    channel: string;
    accountId: string;
    severity: Alarm['severity'];
    message: string;
    data?: Record<string, unknown>;
    /** Emit again when already raised (default false: only the first raise is emitted). */
    repeat?: boolean;
  }): Alarm;
  /** Clears the alarm if raised; emits the cleared event. */
  clear(type: AlarmType, channel: string, accountId: string, message: string): Alarm | undefined;
  isRaised(type: AlarmType, channel: string, accountId: string): boolean;
  /** Currently raised alarms. */
  active(): Alarm[];
  /** Every alarm event emitted, oldest first (bounded). */
  history(): Alarm[];
  on(handler: AlarmHandler): () => void;
}

const HISTORY_MAX = 1000;

export const alarmId = (type: AlarmType, channel: string, accountId: string) =>
  `${type}:${channel}:${accountId}`;

/** Keeps raised alarms and emits raise/clear events to handlers; a failing handler is logged, never thrown. */
export function createAlarmCenter(deps: {
  clock: Clock;
  logger: Logger;
  /** The tenant of an account, to tag alarms with. */
  tenantOf?: (channel: string, accountId: string) => string | undefined;
}): AlarmCenter {
  const raised = new Map<string, Alarm>();
  /**
   * Raised alarms per account id: `isRaised` and `clear` run for every inbound event and every account at
   * every check, and most accounts have none (no id to build and hash then).
   */
  const perAccount = new Map<string, number>();
  const log: Alarm[] = [];
  const handlers = new Set<AlarmHandler>();

  const emit = (alarm: Alarm) => {
    log.push(alarm);
    if (log.length > HISTORY_MAX) log.shift();
    const fields = {
      alarm: alarm.id,
      channel: alarm.channel,
      accountId: alarm.accountId,
      ...(alarm.tenantId ? { tenantId: alarm.tenantId } : {}),
      message: alarm.message,
    };
    if (alarm.state === 'raised') deps.logger.warn(`alarm raised: ${alarm.type}`, fields);
    else deps.logger.info(`alarm cleared: ${alarm.type}`, fields);
    for (const handler of handlers) {
      Promise.resolve()
        .then(() => handler(alarm))
        .catch((error: unknown) =>
          deps.logger.error('alarm handler failed', {
            alarm: alarm.id,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
    }
  };

  return {
    raise(input) {
      const id = alarmId(input.type, input.channel, input.accountId);
      const now = deps.clock.now();
      const previous = raised.get(id);
      const tenantId = deps.tenantOf?.(input.channel, input.accountId);
      const alarm: Alarm = {
        id,
        type: input.type,
        state: 'raised',
        severity: input.severity,
        channel: input.channel,
        accountId: input.accountId,
        ...(tenantId ? { tenantId } : {}),
        message: input.message,
        data: input.data ?? {},
        raisedAt: previous?.raisedAt ?? now,
        at: now,
        repeats: previous ? previous.repeats + 1 : 0,
      };
      raised.set(id, alarm);
      if (!previous) perAccount.set(input.accountId, (perAccount.get(input.accountId) ?? 0) + 1);
      if (!previous || input.repeat) emit(alarm);
      return alarm;
    },
    clear(type, channel, accountId, message) {
      if (!perAccount.has(accountId)) return undefined;
      const id = alarmId(type, channel, accountId);
      const previous = raised.get(id);
      if (!previous) return undefined;
      raised.delete(id);
      const left = (perAccount.get(accountId) ?? 1) - 1;
      if (left > 0) perAccount.set(accountId, left);
      else perAccount.delete(accountId);
      const alarm: Alarm = { ...previous, state: 'cleared', message, at: deps.clock.now() };
      emit(alarm);
      return alarm;
    },
    isRaised: (type, channel, accountId) =>
      perAccount.has(accountId) && raised.has(alarmId(type, channel, accountId)),
    active: () => [...raised.values()],
    history: () => [...log],
    on(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
  };
}
