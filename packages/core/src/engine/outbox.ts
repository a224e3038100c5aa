import { randomUUID } from 'node:crypto';
import type { AccountRegistry } from '../accounts/registry.js';
import type { ChannelAdapter } from '../adapter.js';
import type { Clock } from '../clock.js';
import { SwitchboardError } from '../errors.js';
import type { BucketSpec, RateLimiter } from '../limiter.js';
import type { Logger } from '../logger.js';
import { OutboundMessage, type SendReceipt } from '../model/outbound.js';
import type { OutboxEntry, Store } from '../store/types.js';
import { parseWith } from '../validate.js';
import { fullJitterDelay, type ResolvedWorker } from './backoff.js';
import { checkPrivateReplyWindow, commentBuckets, commentTargetOf, privateReplySlot } from './comments.js';
import type { EngineMetrics } from './metrics.js';
import { groupByConversation } from './ordering.js';
import { OUTBOX_ID_PREFIX } from './persist.js';
import type { SendAndWaitOptions } from './types.js';

export interface Outbox {
  send(message: OutboundMessage): Promise<OutboxEntry>;
  sendAndWait(message: OutboundMessage, options?: SendAndWaitOptions): Promise<SendReceipt>;
  /** Claims and delivers one batch; returns how many entries were claimed. */
  round(): Promise<number>;
  /** Tells waiters about an entry that moved (from the worker or from a platform status). */
  notify(entry: OutboxEntry): void;
}

const toError = (error: unknown): SwitchboardError =>
  SwitchboardError.is(error)
    ? error
    : new SwitchboardError('TEMPORARY', error instanceof Error ? error.message : String(error), {
        cause: error,
      });

export function createOutbox(deps: {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  limiter: RateLimiter;
  owner: string;
  policy: ResolvedWorker;
  random: () => number;
  /** Sends only for connected accounts (ACCOUNT_NOT_CONNECTED otherwise). */
  accounts: Pick<AccountRegistry, 'refresh' | 'refusal'>;
  wake: () => void;
  /** Called once the platform accepted a send (the watch then awaits its echo / status). */
  onSent?: (entry: OutboxEntry, receipt: SendReceipt) => void;
}): Outbox {
  const { adapters, store, clock, logger, metrics, limiter, owner, policy } = deps;
  const waiters = new Map<string, Set<(entry: OutboxEntry) => void>>();

  const notify = (entry: OutboxEntry) => {
    for (const waiter of waiters.get(entry.id) ?? []) waiter(entry);
  };

  const bucketsFor = (adapter: ChannelAdapter, entry: OutboxEntry): BucketSpec[] => {
    const forComment = commentBuckets(adapter, entry);
    if (forComment) return forComment;
    const { limits } = adapter;
    const media = entry.message.content.type === 'audio' || entry.message.content.type === 'video';
    const rate = media && limits.mediaSendPerSecond ? limits.mediaSendPerSecond : limits.sendPerSecond;
    const buckets: BucketSpec[] = [
      {
        key: `send:${entry.channel}:${entry.accountId}${media ? ':media' : ''}`,
        ratePerSecond: rate,
        burst: Math.max(1, Math.ceil(rate)),
      },
    ];
    if (limits.perRecipient) {
      buckets.push({
        key: `send:${entry.channel}:${entry.accountId}:to:${entry.userId}`,
        ratePerSecond: 1000 / limits.perRecipient.intervalMs,
        burst: Math.max(1, limits.perRecipient.burst),
      });
    }
    return buckets;
  };

  /** Waits for tokens while our lease is comfortably valid; false when it would take too long. */
  const acquire = async (buckets: BucketSpec[]): Promise<boolean> => {
    const deadline = clock.now() + policy.leaseMs / 2;
    for (;;) {
      const wait = await limiter.take(buckets);
      if (wait <= 0) return true;
      if (clock.now() + wait > deadline) return false;
      await clock.sleep(wait);
    }
  };

  const failFinal = async (entry: OutboxEntry, error: SwitchboardError) => {
    await store.outbox.markFailed(entry.id, owner, { error: error.toJSON(), at: clock.now() });
    logger.error('send failed permanently', {
      outboxId: entry.id,
      channel: entry.channel,
      code: error.code,
      reason: error.message,
    });
    const after = await store.outbox.get(entry.id);
    if (after) notify(after);
  };

  const deliver = async (entry: OutboxEntry) => {
    const adapter = adapters.get(entry.channel);
    if (!adapter) {
      await failFinal(
        entry,
        new SwitchboardError('UNKNOWN_CHANNEL', `no adapter for channel "${entry.channel}"`),
      );
      return;
    }
    // Disconnected (or paused) after the send was queued.
    const refused = deps.accounts.refusal(entry.channel, entry.accountId);
    if (refused) {
      await failFinal(entry, refused);
      return;
    }
    if (!(await acquire(bucketsFor(adapter, entry)))) {
      await store.outbox.retry(entry.id, owner, {
        nextAttemptAt: clock.now() + policy.baseDelayMs,
        error: new SwitchboardError('RATE_LIMITED', 'local rate limit: waiting for tokens').toJSON(),
        at: clock.now(),
      });
      return;
    }
    const attempt = entry.attempts + 1;
    try {
      const receipt = await adapter.send({ ...entry.message, correlationId: entry.id });
      await store.outbox.markSent(entry.id, owner, { receipt, at: clock.now() });
      metrics.sent.inc({ channel: entry.channel });
      deps.onSent?.(entry, receipt);
      const after = await store.outbox.get(entry.id);
      if (after) notify(after);
    } catch (cause) {
      const error = toError(cause);
      metrics.sendFailures.inc({ channel: entry.channel, code: error.code });
      if (!error.retryable || attempt >= policy.maxAttempts) {
        await failFinal(entry, error);
        return;
      }
      const delay = fullJitterDelay(policy, attempt, deps.random, error.retryAfterMs);
      await store.outbox.retry(entry.id, owner, {
        nextAttemptAt: clock.now() + delay,
        error: error.toJSON(),
        at: clock.now(),
      });
      logger.warn('send failed; will retry', {
        outboxId: entry.id,
        channel: entry.channel,
        code: error.code,
        attempt,
        retryInMs: delay,
      });
    }
  };

  const send = async (input: OutboundMessage): Promise<OutboxEntry> => {
    const message = parseWith(OutboundMessage, input, 'outbound message');
    if (!adapters.has(message.to.channel)) {
      throw new SwitchboardError('UNKNOWN_CHANNEL', `no adapter for channel "${message.to.channel}"`);
    }
    await deps.accounts.refresh();
    const refused = deps.accounts.refusal(message.to.channel, message.to.accountId);
    if (refused) throw refused;
    let idempotencyKey = message.idempotencyKey ?? null;
    const privateReply = commentTargetOf(message) === 'private_reply';
    if (privateReply) {
      const adapter = adapters.get(message.to.channel);
      if (adapter) await checkPrivateReplyWindow(store.messages, adapter, message, clock.now());
      // Once per comment: the key says which attempt this is, so the store's unique index settles races.
      const slot = await privateReplySlot(store.outbox, message);
      if ('existing' in slot) return slot.existing;
      idempotencyKey = slot.key;
    }
    const { entry, created } = await store.outbox.enqueue({
      id: `${OUTBOX_ID_PREFIX}${randomUUID()}`,
      idempotencyKey,
      message: input,
      now: clock.now(),
    });
    if (created) deps.wake();
    else if (
      privateReply &&
      (message.idempotencyKey === undefined || entry.message.idempotencyKey !== message.idempotencyKey)
    ) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `comment ${message.to.commentId} already has a private reply (outbox ${entry.id}); a comment gets one`,
        { retryable: false },
      );
    }
    return entry;
  };

  const settled = (entry: OutboxEntry): SendReceipt | SwitchboardError | undefined => {
    if (entry.state === 'failed') return SwitchboardError.fromJSON(entry.error ?? { code: 'TEMPORARY' });
    if (entry.receipt) return entry.receipt;
    return undefined;
  };

  return {
    send,
    notify,
    async sendAndWait(message, options = {}) {
      const entry = await send(message);
      const timeoutMs = options.timeoutMs ?? 30_000;
      return new Promise<SendReceipt>((resolve, reject) => {
        let done = false;
        const cancels: Array<() => void> = [];
        const finish = (value: SendReceipt | SwitchboardError) => {
          if (done) return;
          done = true;
          for (const cancel of cancels) cancel();
          waiters.get(entry.id)?.delete(onEntry);
          if (value instanceof SwitchboardError) reject(value);
          else resolve(value);
        };
        const onEntry = (e: OutboxEntry) => {
          const value = settled(e);
          if (value) finish(value);
        };
        let set = waiters.get(entry.id);
        if (!set) {
          set = new Set();
          waiters.set(entry.id, set);
        }
        set.add(onEntry);
        cancels.push(() => {
          if (set.size === 0) waiters.delete(entry.id);
        });
        onEntry(entry);
        // Another instance may deliver it: look at the store now and then, too.
        const poll = () => {
          if (done) return;
          store.outbox.get(entry.id).then(
            (e) => e && onEntry(e),
            () => {},
          );
          cancels.push(clock.setTimeout(poll, policy.pollIntervalMs));
        };
        cancels.push(clock.setTimeout(poll, policy.pollIntervalMs));
        cancels.push(
          clock.setTimeout(
            () =>
              finish(
                new SwitchboardError(
                  'TEMPORARY',
                  `no receipt within ${timeoutMs} ms; the message stays queued`,
                  { retryable: true },
                ),
              ),
            timeoutMs,
          ),
        );
      });
    },
    async round() {
      const entries = await store.outbox.claim({
        owner,
        limit: policy.batchSize,
        leaseMs: policy.leaseMs,
        now: clock.now(),
      });
      if (entries.length > 0) await deps.accounts.refresh();
      const groups = groupByConversation(entries, (e) => `${e.channel}:${e.accountId}:${e.userId}`);
      await Promise.all(
        groups.map(async (group) => {
          for (const entry of group) {
            try {
              await deliver(entry);
            } catch (error) {
              logger.error('outbox bookkeeping failed; the entry is retried when its lease expires', {
                outboxId: entry.id,
                error: error instanceof Error ? error.message : String(error),
              });
            }
          }
        }),
      );
      return entries.length;
    },
  };
}
