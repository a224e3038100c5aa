import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../src/index.js';
import { ACCOUNT, body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';

const message = (idempotencyKey?: string, userId = 'user1') => ({
  to: { channel: 'fake', accountId: ACCOUNT, userId },
  content: { type: 'text' as const, text: 'Your order shipped' },
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

describe('outbox', () => {
  it('records durably, delivers with the outbox id as correlationId, and returns the same entry for the same key', async () => {
    const { switchboard, fake, store } = setup();
    const a = await switchboard.send(message('order-1'));
    const b = await switchboard.send(message('order-1'));
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^ob_/);
    expect(a.state).toBe('pending');
    await switchboard.drain();
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.correlationId).toBe(a.id);
    expect(await store.outbox.get(a.id)).toMatchObject({ state: 'sent', platformMessageId: 'mid.1' });
    const c = await switchboard.send(message('order-1'));
    expect(c).toMatchObject({ id: a.id, state: 'sent' });
    await switchboard.drain();
    expect(fake.sent).toHaveLength(1);
    expect(await switchboard.metrics()).toContain('switchboard_outbox_sent_total{channel="fake"} 1');
  });

  it('rejects a message of the wrong shape or for an unknown channel before storing it', async () => {
    const { switchboard, store } = setup();
    await expect(
      switchboard.send({ ...message(), content: { type: 'text', text: '' } }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_INVALID' });
    await expect(
      switchboard.send({ ...message(), to: { channel: 'nope', accountId: 'a', userId: 'u' } }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_CHANNEL',
    });
    expect(await store.outbox.list({ limit: 10 })).toHaveLength(0);
  });

  it('retries retryable errors with exponential backoff and full jitter on the clock, honouring retryAfterMs', async () => {
    const { switchboard, fake, clock, store } = setup({
      outbox: { baseDelayMs: 1_000, maxAttempts: 5 },
      random: () => 0.5,
    });
    fake.setSend((_m, call) => {
      if (call === 1) return new SwitchboardError('TEMPORARY', 'graph 500');
      if (call === 2) return new SwitchboardError('RATE_LIMITED', 'slow down', { retryAfterMs: 60_000 });
      return { messageId: 'mid.ok', acceptedAt: clock.now(), raw: {} };
    });
    const entry = await switchboard.send(message());
    await switchboard.drain();
    expect(fake.sent).toHaveLength(1);
    // attempt 1 failed: delay = 0.5 × 1000
    await clock.advance(499);
    await switchboard.drain();
    expect(fake.sent).toHaveLength(1);
    await clock.advance(1);
    await switchboard.drain();
    expect(fake.sent).toHaveLength(2);
    // attempt 2: jitter would be 0.5 × 2000 = 1000, but the platform asked for 60 s
    await clock.advance(59_999);
    await switchboard.drain();
    expect(fake.sent).toHaveLength(2);
    await clock.advance(1);
    await switchboard.drain();
    expect(fake.sent).toHaveLength(3);
    expect(await store.outbox.get(entry.id)).toMatchObject({
      state: 'sent',
      attempts: 3,
      platformMessageId: 'mid.ok',
    });
    const text = await switchboard.metrics();
    expect(text).toContain('switchboard_outbox_send_failures_total{channel="fake",code="TEMPORARY"} 1');
    expect(text).toContain('switchboard_outbox_send_failures_total{channel="fake",code="RATE_LIMITED"} 1');
  });

  it('ends in failed with the SwitchboardError on a permanent error, and sendAndWait rejects with it', async () => {
    const { switchboard, fake, store } = setup();
    fake.setSend(
      () =>
        new SwitchboardError('OUTSIDE_WINDOW', 'window closed', { platform: { code: 10, subcode: 2018278 } }),
    );
    const waiting = switchboard.sendAndWait(message('late'));
    const settled = waiting.catch((e: unknown) => e);
    await switchboard.drain();
    const error = await settled;
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: 'OUTSIDE_WINDOW', platform: { code: 10, subcode: 2018278 } });
    const entry = await store.outbox.getByIdempotencyKey('late');
    expect(entry).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'OUTSIDE_WINDOW', message: 'window closed' },
    });
    expect(fake.sent).toHaveLength(1);
  });

  it('gives up on a retryable error after maxAttempts', async () => {
    const { switchboard, fake, clock, store } = setup({ outbox: { maxAttempts: 3, baseDelayMs: 10 } });
    fake.setSend(() => new SwitchboardError('TEMPORARY', 'still down'));
    const entry = await switchboard.send(message());
    for (let i = 0; i < 5; i++) {
      await switchboard.drain();
      await clock.advance(1_000);
    }
    expect(fake.sent).toHaveLength(3);
    expect(await store.outbox.get(entry.id)).toMatchObject({ state: 'failed', error: { code: 'TEMPORARY' } });
  });

  it('sendAndWait resolves with the receipt', async () => {
    const { switchboard } = setup();
    const waiting = switchboard.sendAndWait(message());
    await switchboard.drain();
    await expect(waiting).resolves.toMatchObject({ messageId: 'mid.1' });
  });

  it('sendAndWait times out on the clock, leaving the entry queued', async () => {
    const { switchboard, clock, store } = setup();
    const waiting = switchboard.sendAndWait(message('slow'), { timeoutMs: 5_000 }).catch((e: unknown) => e);
    await clock.advance(5_000);
    expect(await waiting).toMatchObject({ code: 'TEMPORARY' });
    expect(await store.outbox.getByIdempotencyKey('slow')).toMatchObject({ state: 'pending' });
  });

  it('moves the entry sent → delivered → read from statuses, by correlation id or platform id, never backwards', async () => {
    const { switchboard, store } = setup();
    const entry = await switchboard.send(message());
    await switchboard.drain();
    await switchboard.handleWebhook(
      signedRequest(
        body([{ type: 'status', id: 'mid.1', status: 'delivered', ts: 2, correlationId: entry.id }]),
      ),
    );
    await switchboard.drain();
    expect((await store.outbox.get(entry.id))?.state).toBe('delivered');
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'status', id: 'mid.1', status: 'read', ts: 3 }])),
    );
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'status', id: 'mid.1', status: 'sent', ts: 1 }])),
    );
    await switchboard.drain();
    expect((await store.outbox.get(entry.id))?.state).toBe('read');
  });

  it('marks an entry failed from a failed status, and an echo marks an entry sent', async () => {
    const { switchboard, store } = setup();
    const a = await switchboard.send(message(undefined, 'u-a'));
    await switchboard.drain();
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'status', id: 'mid.1', status: 'failed', ts: 2, correlationId: a.id }])),
    );
    await switchboard.drain();
    expect(await store.outbox.get(a.id)).toMatchObject({
      state: 'failed',
      error: { code: 'RECIPIENT_UNAVAILABLE' },
    });

    const b = await switchboard.send(message(undefined, 'u-b'));
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'echo', id: 'mid.echo', ts: 5, user: 'u-b', correlationId: b.id }])),
    );
    await switchboard.drain();
    const after = await store.outbox.get(b.id);
    expect(after?.state).toBe('sent');
  });

  it("fails an entry with the code the adapter classified the failed status as (core keeps no platform's error table)", async () => {
    const { switchboard, store } = setup();
    const a = await switchboard.send(message(undefined, 'u-a'));
    await switchboard.drain();
    await switchboard.handleWebhook(
      signedRequest(
        body([
          {
            type: 'status',
            id: 'mid.1',
            status: 'failed',
            ts: 2,
            correlationId: a.id,
            errorCode: 'OUTSIDE_WINDOW',
          },
        ]),
      ),
    );
    await switchboard.drain();
    expect(await store.outbox.get(a.id)).toMatchObject({
      state: 'failed',
      error: { code: 'OUTSIDE_WINDOW', message: 'said no', platform: { code: 42 } },
    });
  });

  it('applies per-recipient token buckets from the adapter limits', async () => {
    const { switchboard, fake, clock } = setup();
    fake.adapter.limits = { ...fake.adapter.limits, perRecipient: { intervalMs: 1_000, burst: 1 } };
    await switchboard.send(message(undefined, 'same'));
    await switchboard.send(message(undefined, 'same'));
    await switchboard.send(message(undefined, 'other'));
    const draining = switchboard.drain();
    for (let i = 0; i < 20 && fake.sent.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(fake.sent.map((m) => m.to.userId).sort()).toEqual(['other', 'same']);
    await clock.advance(1_000);
    await draining;
    expect(fake.sent.map((m) => m.to.userId).sort()).toEqual(['other', 'same', 'same']);
  });

  it('reports the outbox backlog and probes in health()', async () => {
    const { switchboard, clock } = setup();
    await switchboard.send(message());
    await clock.advance(6 * 60_000);
    const report = await switchboard.health();
    expect(report.accounts).toHaveLength(1);
    expect(report.accounts[0]).toMatchObject({
      channel: 'fake',
      accountId: ACCOUNT,
      outboxBacklog: 1,
      status: 'degraded',
    });
    expect(report.accounts[0]?.checks[0]).toMatchObject({ probe: 'token', status: 'ok' });
    await switchboard.drain();
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'message', id: 'in', ts: clock.now() - 1_000 }])),
    );
    await switchboard.drain();
    const after = await switchboard.health();
    expect(after).toMatchObject({ status: 'ok' });
    expect(after.accounts[0]).toMatchObject({ outboxBacklog: 0, lastEventAgeMs: 1_000 });
    expect(await switchboard.metrics()).toContain(
      'switchboard_last_event_age_seconds{channel="fake",account="acct1"} 1',
    );
  });
});
