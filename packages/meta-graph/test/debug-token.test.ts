import { describe, expect, it } from 'vitest';
import { DebugTokenResponse } from '../src/index.js';

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
