import { describe, expect, it } from 'vitest';
import { only, P1, parseFixture, parserAdapter, T, WABA } from './helpers.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('parseWebhook: account-level fields', () => {
  it.each([
    ['account-update', 'account_update', 'ACCOUNT_VIOLATION', T + 100],
    ['phone-number-quality-update', 'phone_number_quality_update', 'THROUGHPUT_UPGRADE', T + 200],
    ['user-preferences', 'user_preferences', undefined, T + 500],
    ['business-capability-update', 'business_capability_update', undefined, T + 600],
    ['unknown-field', 'security', 'PIN_CHANGED', T + 700],
  ])('%s → account event of the WABA', (name, field, event, time) => {
    const e = only(name, 'account');
    expect(e.accountId).toBe(WABA);
    expect(e.field).toBe(field);
    expect(e.event).toBe(event);
    expect(e.timestamp).toBe(time * 1000);
    expect(e.key).toMatch(new RegExp(`^whatsapp:account:${WABA}:${field}:${time}:[0-9a-f]{16}$`));
    expect(e.data).toEqual(e.raw);
    // deterministic: the same body gives the same key
    expect(parseFixture(name).events[0]?.key).toBe(e.key);
  });
});

describe('parseWebhook: bad input', () => {
  const adapter = parserAdapter();
  const good = {
    from: '16315551234',
    id: 'wamid.GOOD',
    timestamp: '1795939200',
    type: 'text',
    text: { body: 'ok' },
  };
  const value = (messages: unknown[]) => ({
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: P1 },
    messages,
  });

  it('a malformed item becomes a problem with its path, the rest of the batch is parsed', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          changes: [
            {
              field: 'messages',
              value: value([
                { ...good, timestamp: 'yesterday', id: 'wamid.BAD1' },
                good,
                { ...good, id: 'wamid.BAD2', type: 'location', location: { latitude: 'north' } },
                { id: 'wamid.NOFROM', timestamp: '1795939200', type: 'text', text: { body: 'who?' } },
              ]),
            },
            { field: 'messages', value: { messaging_product: 'whatsapp', messages: [good] } },
            'not a change',
          ],
        },
        { nonsense: true },
      ],
    };
    const { events, problems } = adapter.parseWebhook(enc(body));
    expect(events.map((e) => e.key)).toEqual(['whatsapp:msg:wamid.GOOD']);
    expect(problems.map((p) => p.path)).toEqual([
      'entry[0].changes[0].value.messages[0].timestamp',
      'entry[0].changes[0].value.messages[2].location.latitude',
      'entry[0].changes[0].value.messages[3]',
      'entry[0].changes[1].value.metadata',
      'entry[0].changes[2]',
      'entry[1].id',
    ]);
    expect(problems[0]?.raw).toMatchObject({ id: 'wamid.BAD1' });
  });

  it('an unknown message type is an unsupported part, never an exception', () => {
    const { events } = adapter.parseWebhook(
      enc({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            changes: [
              {
                field: 'messages',
                value: value([{ ...good, id: 'wamid.POLL', type: 'poll', poll: { q: 'a?' } }]),
              },
            ],
          },
        ],
      }),
    );
    expect(events[0]).toMatchObject({
      kind: 'message',
      parts: [{ type: 'unsupported', reason: 'unknown message type poll' }],
    });
  });

  it('a system message without a sender is still an account event', () => {
    const system = {
      id: 'wamid.SYS',
      timestamp: '1795939200',
      type: 'system',
      system: { body: 'identity changed', type: 'customer_identity_changed' },
    };
    const { events, problems } = adapter.parseWebhook(
      enc({
        object: 'whatsapp_business_account',
        entry: [{ id: WABA, changes: [{ field: 'messages', value: value([system]) }] }],
      }),
    );
    expect(problems).toEqual([]);
    expect(events[0]).toMatchObject({
      kind: 'account',
      field: 'messages.system',
      event: 'customer_identity_changed',
      data: { body: 'identity changed' },
    });
  });

  it('an unknown status is an unsupported event', () => {
    const { events } = adapter.parseWebhook(
      enc({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: P1 },
                  statuses: [
                    { id: 'wamid.S', status: 'warning', timestamp: '1795939200', recipient_id: '1' },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    expect(events[0]).toMatchObject({
      kind: 'unsupported',
      itemKind: 'whatsapp.statuses',
      key: 'whatsapp:status:wamid.S:warning',
    });
  });

  it('another object is reported, not parsed', () => {
    expect(adapter.parseWebhook(enc({ object: 'page', entry: [] }))).toEqual({
      events: [],
      problems: [{ path: 'object', message: 'not a WhatsApp webhook: object is page' }],
    });
  });

  it('a body that is not an envelope throws PAYLOAD_INVALID', () => {
    expect(() => adapter.parseWebhook(enc([1, 2]))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
    expect(() => adapter.parseWebhook(new TextEncoder().encode('{"object":'))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
  });
});
