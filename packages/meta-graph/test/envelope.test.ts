import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import {
  DebugTokenResponse,
  MessengerPlatformEnvelope,
  parseEnvelope,
  WhatsAppEnvelope,
} from '../src/index.js';

function payloadError(fn: () => unknown): SwitchboardError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError');
}

const messenger = {
  object: 'page',
  future_top_level: { kept: true },
  entry: [
    {
      id: '1234',
      time: 1_700_000_000_000,
      hop_context: [{ app_id: 1 }],
      messaging: [
        {
          sender: { id: 'psid' },
          recipient: { id: '1234' },
          timestamp: 1,
          message: { mid: 'm1', text: 'hi' },
        },
        { sender: { id: 'psid' }, recipient: { id: '1234' }, timestamp: 2, brand_new_event_kind: { x: 1 } },
      ],
      standby: [{ sender: { id: 'psid' }, timestamp: 3, message: { mid: 'm2' } }],
    },
    { id: '5678', time: 1_700_000_000, changes: [{ field: 'comments', value: { id: 'c1' } }] },
  ],
};

const whatsapp = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA_ID',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550001111', phone_number_id: '1065' },
            messages: [
              {
                from: '491701234567',
                id: 'wamid.X',
                timestamp: '1700000000',
                type: 'text',
                text: { body: 'hi' },
              },
            ],
            a_field_from_2027: ['kept'],
          },
        },
        { field: 'an_unknown_field', value: { anything: 1 } },
      ],
    },
  ],
};

describe('MessengerPlatformEnvelope', () => {
  it('accepts and keeps unknown fields and unknown event kinds', () => {
    const body = parseEnvelope(MessengerPlatformEnvelope, JSON.stringify(messenger));
    expect(body).toEqual(messenger);
    expect(body.entry[0]?.messaging?.[1]).toHaveProperty('brand_new_event_kind');
    expect((body as Record<string, unknown>).future_top_level).toEqual({ kept: true });
    expect(body.entry[0]).toHaveProperty('hop_context');
  });

  it.each([
    ['entry[0].time', { ...messenger, entry: [{ id: '1', time: '1700000000000', messaging: [] }] }],
    ['entry[0].id', { ...messenger, entry: [{ id: 1234, time: 1 }] }],
    [
      'entry[1].messaging',
      { ...messenger, entry: [messenger.entry[0], { id: '1', time: 1, messaging: {} }] },
    ],
    ['entry', { object: 'page', entry: {} }],
    ['object', { entry: [] }],
  ])('rejects a wrong type at %s with PAYLOAD_INVALID naming the path', (path, body) => {
    const error = payloadError(() =>
      parseEnvelope(MessengerPlatformEnvelope, new TextEncoder().encode(JSON.stringify(body))),
    );
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('rejects bodies that are not a JSON object', () => {
    expect(payloadError(() => parseEnvelope(MessengerPlatformEnvelope, '[]')).path).toBe('$');
    expect(payloadError(() => parseEnvelope(MessengerPlatformEnvelope, new Uint8Array([0xff]))).code).toBe(
      'PAYLOAD_INVALID',
    );
  });
});

describe('WhatsAppEnvelope', () => {
  it('accepts and keeps unknown fields and unknown change fields', () => {
    const body = parseEnvelope(WhatsAppEnvelope, JSON.stringify(whatsapp));
    expect(body).toEqual(whatsapp);
    expect(body.entry[0]?.changes[1]?.field).toBe('an_unknown_field');
    expect(body.entry[0]?.changes[0]?.value.a_field_from_2027).toEqual(['kept']);
  });

  it.each([
    ['entry[0].changes[0].value', { value: 'text' }],
    ['entry[0].changes[0].field', { field: 7, value: {} }],
  ])('rejects a wrong type at %s', (path, change) => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'W', changes: [{ field: 'messages', ...change }] }],
    };
    const error = payloadError(() => parseEnvelope(WhatsAppEnvelope, JSON.stringify(body)));
    expect([error.code, error.path]).toEqual(['PAYLOAD_INVALID', path]);
  });

  it('requires changes[] and accepts entry[].time as a number only', () => {
    expect(
      payloadError(() => parseEnvelope(WhatsAppEnvelope, '{"object":"x","entry":[{"id":"W"}]}')).path,
    ).toBe('entry[0].changes');
    expect(
      payloadError(() =>
        parseEnvelope(WhatsAppEnvelope, '{"object":"x","entry":[{"id":"W","time":"1","changes":[]}]}'),
      ).path,
    ).toBe('entry[0].time');
  });
});

describe('DebugTokenResponse', () => {
  it('parses a valid token answer and keeps unknown fields', () => {
    const parsed = DebugTokenResponse.parse({
      data: {
        app_id: '138483919580948',
        type: 'SYSTEM_USER',
        application: 'Switchboard',
        is_valid: true,
        issued_at: 1_700_000_000,
        expires_at: 0,
        data_access_expires_at: 0,
        scopes: ['whatsapp_business_messaging', 'whatsapp_business_management'],
        granular_scopes: [{ scope: 'whatsapp_business_messaging', target_ids: ['102290129340398'] }],
        user_id: '10',
        something_new: 1,
      },
    });
    expect(parsed.data.scopes).toHaveLength(2);
    expect(parsed.data.granular_scopes?.[0]?.target_ids).toEqual(['102290129340398']);
    expect(parsed.data).toHaveProperty('something_new', 1);
  });

  it('reads an invalid token answer that omits the usual fields', () => {
    const parsed = DebugTokenResponse.parse({
      data: {
        is_valid: false,
        error: { code: 190, message: 'Session has expired', subcode: 463 },
        scopes: [],
      },
    });
    expect(parsed.data.is_valid).toBe(false);
    expect(parsed.data.error?.subcode).toBe(463);
    expect(parsed.data.expires_at).toBe(0);
  });

  it('rejects a valid token answer with a wrong type', () => {
    const result = DebugTokenResponse.safeParse({
      data: { app_id: '1', type: 'PAGE', application: 'a', is_valid: 'yes', expires_at: 0, scopes: [] },
    });
    expect(result.success).toBe(false);
  });
});
