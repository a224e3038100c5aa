import { describe, expect, it } from 'vitest';
import { BSUID, only, P1, P2, parseFixture, T, U1, U2, WABA, wamid } from './helpers.js';

describe('parseWebhook: statuses', () => {
  it('sent with pricing, conversation and correlation', () => {
    expect(only('status-sent', 'status')).toMatchObject({
      key: `whatsapp:status:${wamid(100)}:sent`,
      accountId: P1,
      userId: U1,
      conversationId: `whatsapp:${P1}:${U1}`,
      messageId: wamid(100),
      status: 'sent',
      timestamp: T * 1000,
      correlationId: 'outbox_01JDX7Q8',
      pricing: { pricing_model: 'PMP', category: 'service', type: 'free_customer_service', billable: false },
      conversation: { id: 'CONVERSATION_ID_4f1b', origin: { type: 'service' } },
    });
  });

  it('each transition of one message is its own event', () => {
    const keys = ['status-sent', 'status-delivered', 'status-read'].map(
      (f) => parseFixture(f).events[0]?.key,
    );
    expect(new Set(keys).size).toBe(3);
    expect(only('status-delivered', 'status').status).toBe('delivered');
    expect(only('status-read', 'status').status).toBe('read');
  });

  it('played (voice note) maps to read with its own key', () => {
    expect(only('status-played', 'status')).toMatchObject({
      status: 'read',
      key: `whatsapp:status:${wamid(101)}:played`,
    });
  });

  it('failed keeps the error', () => {
    const e = only('status-failed', 'status');
    expect(e.status).toBe('failed');
    expect(e.error).toEqual({
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      details: expect.stringContaining('24 hours'),
    });
    expect(e.errors).toHaveLength(1);
    expect(e.correlationId).toBe('outbox_01JDX9ZZ');
  });

  it("failed carries the code Meta's error table gives it, which the engine fails the send with", () => {
    // 131047: more than 24 hours since the customer wrote (meta-graph's WhatsApp table).
    expect(only('status-failed', 'status').errorCode).toBe('OUTSIDE_WINDOW');
    expect(only('status-sent', 'status').errorCode).toBeUndefined();
  });

  it('deleted and BSUID recipients', () => {
    expect(only('status-deleted', 'status').status).toBe('deleted');
    expect(only('status-bsuid', 'status')).toMatchObject({ userId: BSUID, correlationId: 'outbox_01JDXBSU' });
  });

  it('value-level errors become unsupported events with the errors kept', () => {
    const e = only('value-errors', 'unsupported');
    expect(e).toMatchObject({
      accountId: P1,
      itemKind: 'whatsapp.errors',
      errors: [{ code: 131000, title: 'Something went wrong', details: 'Unsupported webhook payload' }],
    });
    expect(parseFixture('value-errors').events[0]?.key).toBe(e.key);
  });
});

describe('parseWebhook: a batch of two numbers', () => {
  it('walks every entry, change, message and status and routes by phone_number_id', () => {
    const { events, problems } = parseFixture('batch-two-numbers');
    expect(problems).toEqual([]);
    expect(events.map((e) => [e.kind, e.accountId, 'userId' in e ? e.userId : undefined])).toEqual([
      ['message', P1, U1],
      ['message', P1, U2],
      ['status', P1, U1],
      ['status', P1, U1],
      ['message', P2, U2],
      ['status', P2, U2],
      ['status', P2, U2],
    ]);
    // contacts[] are matched by wa_id, not by index (they are listed in the other order)
    expect(events[0]).toMatchObject({ profile: { name: 'Kerry Fisher' } });
    expect(events[1]).toMatchObject({ profile: { name: 'Ana Sousa' } });
    expect(events[4]).toMatchObject({ parts: [{ type: 'image', mediaId: '4410293847561029' }] });
    expect(events[6]).toMatchObject({ status: 'failed', error: { code: 131026 } });
    expect(new Set(events.map((e) => e.key)).size).toBe(events.length);
    expect(events.every((e) => e.kind !== 'account' || e.accountId === WABA)).toBe(true);
  });
});
