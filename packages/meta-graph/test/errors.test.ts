import type { SwitchboardErrorCode } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  classifyTransportError,
  META_ERROR_TABLE,
  type MetaChannel,
} from '../src/index.js';

type Expect = [
  code: number,
  subcode: number | undefined,
  cls: SwitchboardErrorCode,
  retryable: boolean,
  retryAfterMs?: number,
];

// Each row of meta-platform.md §7.1 (Graph-wide / Messenger / Instagram), with the class we decided.
const MESSENGER_PLATFORM: Expect[] = [
  [1, undefined, 'TEMPORARY', true],
  [1, 99, 'TEMPORARY', true],
  [1, 1357046, 'TEMPORARY', false],
  [2, undefined, 'TEMPORARY', true],
  [2, 2018344, 'PERMISSION_DENIED', false],
  [4, undefined, 'RATE_LIMITED', true],
  [4, 2018354, 'POLICY_BLOCKED', false],
  [9, 2018352, 'RATE_LIMITED', true],
  [10, undefined, 'PERMISSION_DENIED', false],
  [10, 2018278, 'OUTSIDE_WINDOW', false],
  [10, 2534022, 'OUTSIDE_WINDOW', false],
  [10, 2018065, 'OUTSIDE_WINDOW', false],
  [10, 2018108, 'RECIPIENT_UNAVAILABLE', false],
  [10, 1893063, 'POLICY_BLOCKED', false],
  [10, 2018336, 'RECIPIENT_UNAVAILABLE', false],
  [10, 2534077, 'PERMISSION_DENIED', false],
  [10, 1404170, 'POLICY_BLOCKED', false],
  [10, 1893015, 'RECIPIENT_UNAVAILABLE', false],
  [17, undefined, 'RATE_LIMITED', true],
  [32, undefined, 'RATE_LIMITED', true],
  [100, undefined, 'INVALID_REQUEST', false],
  [100, 33, 'NOT_FOUND', false],
  [100, 2018001, 'RECIPIENT_UNAVAILABLE', false],
  [100, 2018008, 'TEMPORARY', true],
  [100, 2018047, 'INVALID_REQUEST', false],
  [100, 2018074, 'INVALID_REQUEST', false],
  [100, 2018109, 'INVALID_REQUEST', false],
  [100, 2018294, 'TEMPORARY', true],
  [100, 2534013, 'PERMISSION_DENIED', false],
  [100, 2534014, 'RECIPIENT_UNAVAILABLE', false],
  [100, 2534015, 'INVALID_REQUEST', false],
  [100, 2534029, 'POLICY_BLOCKED', false],
  [100, 2534025, 'INVALID_REQUEST', false],
  [100, 2018292, 'INVALID_REQUEST', false],
  [10902, undefined, 'INVALID_REQUEST', false],
  [1705, undefined, 'PERMISSION_DENIED', false],
  [100, 2534037, 'THREAD_NOT_OWNED', false],
  [10, 2534037, 'THREAD_NOT_OWNED', false],
  [10, 2018300, 'THREAD_NOT_OWNED', false],
  [100, 2018218, 'NOT_FOUND', false],
  [100, 2018247, 'PERMISSION_DENIED', false],
  [230, undefined, 'PERMISSION_DENIED', false],
  [27, undefined, 'NOT_SUPPORTED', false],
  [190, undefined, 'AUTH_FAILED', false],
  [190, 458, 'AUTH_FAILED', false],
  [190, 459, 'AUTH_FAILED', false],
  [190, 460, 'AUTH_FAILED', false],
  [190, 463, 'AUTH_FAILED', false],
  [190, 464, 'AUTH_FAILED', false],
  [190, 467, 'AUTH_FAILED', false],
  [190, 492, 'AUTH_FAILED', false],
  [200, undefined, 'PERMISSION_DENIED', false],
  [230, undefined, 'PERMISSION_DENIED', false],
  [299, undefined, 'PERMISSION_DENIED', false],
  [200, 1545041, 'RECIPIENT_UNAVAILABLE', false],
  [551, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [551, 1545041, 'RECIPIENT_UNAVAILABLE', false],
  [200, 2018021, 'PERMISSION_DENIED', false],
  [200, 2018027, 'PERMISSION_DENIED', false],
  [200, 2018028, 'PERMISSION_DENIED', false],
  [200, 2534041, 'PERMISSION_DENIED', false],
  [368, undefined, 'POLICY_BLOCKED', true, 3_600_000],
  [613, undefined, 'RATE_LIMITED', true],
  [613, 2534040, 'RATE_LIMITED', true],
  [613, 2018338, 'POLICY_BLOCKED', false],
  [613, 1893016, 'INVALID_REQUEST', false],
  [2018300, undefined, 'THREAD_NOT_OWNED', false],
  [2018321, undefined, 'TEMPORARY', true],
  [2022, undefined, 'NOT_SUPPORTED', false],
  [9000001, undefined, 'NOT_FOUND', false],
  [36103, undefined, 'PERMISSION_DENIED', false],
  [80001, undefined, 'RATE_LIMITED', true],
  [80002, undefined, 'RATE_LIMITED', true],
  [80004, undefined, 'RATE_LIMITED', true],
  [80006, undefined, 'RATE_LIMITED', true],
  [341, undefined, 'RATE_LIMITED', true],
  [506, undefined, 'INVALID_REQUEST', false],
];

// Each row of meta-platform.md §7.2 (WhatsApp Cloud API).
const WHATSAPP: Expect[] = [
  [0, undefined, 'AUTH_FAILED', false],
  [3, undefined, 'PERMISSION_DENIED', false],
  [10, undefined, 'PERMISSION_DENIED', false],
  [131005, undefined, 'PERMISSION_DENIED', false],
  [190, undefined, 'AUTH_FAILED', false],
  [200, undefined, 'PERMISSION_DENIED', false],
  [250, undefined, 'PERMISSION_DENIED', false],
  [4, undefined, 'RATE_LIMITED', true],
  [80007, undefined, 'RATE_LIMITED', true],
  [130429, undefined, 'RATE_LIMITED', true, 1_000],
  [131056, undefined, 'RATE_LIMITED', true, 6_000],
  [131048, undefined, 'POLICY_BLOCKED', false],
  [131064, undefined, 'POLICY_BLOCKED', false],
  [133016, undefined, 'RATE_LIMITED', true],
  [368, undefined, 'POLICY_BLOCKED', false],
  [130497, undefined, 'POLICY_BLOCKED', false],
  [131031, undefined, 'POLICY_BLOCKED', false],
  [1, undefined, 'TEMPORARY', true],
  [2, undefined, 'TEMPORARY', true],
  [131000, undefined, 'TEMPORARY', true],
  [131016, undefined, 'TEMPORARY', true],
  [133004, undefined, 'TEMPORARY', true],
  [131057, undefined, 'TEMPORARY', true, 60_000],
  [33, undefined, 'NOT_FOUND', false],
  [100, undefined, 'INVALID_REQUEST', false],
  [131008, undefined, 'INVALID_REQUEST', false],
  [131009, undefined, 'INVALID_REQUEST', false],
  [135000, undefined, 'INVALID_REQUEST', false],
  [130403, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [130472, undefined, 'POLICY_BLOCKED', false],
  [131021, undefined, 'INVALID_REQUEST', false],
  [131026, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [131037, undefined, 'POLICY_BLOCKED', false],
  [131042, undefined, 'POLICY_BLOCKED', false],
  [131045, undefined, 'POLICY_BLOCKED', false],
  [131047, undefined, 'OUTSIDE_WINDOW', false],
  [131049, undefined, 'POLICY_BLOCKED', false, 86_400_000],
  [131050, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [131051, undefined, 'NOT_SUPPORTED', false],
  [131052, undefined, 'INVALID_REQUEST', false],
  [131053, undefined, 'INVALID_REQUEST', false],
  [131062, undefined, 'NOT_SUPPORTED', false],
  [131063, undefined, 'POLICY_BLOCKED', false],
  [132000, undefined, 'INVALID_REQUEST', false],
  [132001, undefined, 'INVALID_REQUEST', false],
  [132005, undefined, 'INVALID_REQUEST', false],
  [132007, undefined, 'POLICY_BLOCKED', false],
  [132008, undefined, 'INVALID_REQUEST', false],
  [132012, undefined, 'INVALID_REQUEST', false],
  [132015, undefined, 'POLICY_BLOCKED', false],
  [132016, undefined, 'POLICY_BLOCKED', false],
  [132018, undefined, 'INVALID_REQUEST', false],
  [132068, undefined, 'POLICY_BLOCKED', false],
  [132069, undefined, 'RATE_LIMITED', true, 3_600_000],
  [133000, undefined, 'INVALID_REQUEST', false],
  [133005, undefined, 'INVALID_REQUEST', false],
  [133006, undefined, 'PERMISSION_DENIED', false],
  [133008, undefined, 'RATE_LIMITED', true],
  [133009, undefined, 'RATE_LIMITED', true],
  [133010, undefined, 'PERMISSION_DENIED', false],
  [133015, undefined, 'RATE_LIMITED', true, 300_000],
  [134011, undefined, 'POLICY_BLOCKED', false],
  [137000, undefined, 'RECIPIENT_UNAVAILABLE', false],
  // Groups and Calling (reference §7.2, §7.3).
  [131020, undefined, 'INVALID_REQUEST', false],
  [131041, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [131059, undefined, 'INVALID_REQUEST', false],
  [131202, undefined, 'INVALID_REQUEST', false],
  [131203, undefined, 'RECIPIENT_UNAVAILABLE', false],
  [131204, undefined, 'INVALID_REQUEST', false],
  [131207, undefined, 'POLICY_BLOCKED', false],
  [131208, undefined, 'RATE_LIMITED', true],
  [131209, undefined, 'INVALID_REQUEST', false],
  [131210, undefined, 'INVALID_REQUEST', false],
  [131211, undefined, 'POLICY_BLOCKED', false],
  [131212, undefined, 'INVALID_REQUEST', false],
  [138006, undefined, 'PERMISSION_DENIED', false],
  [141006, undefined, 'POLICY_BLOCKED', false],
  [141010, undefined, 'POLICY_BLOCKED', false],
  [2388000, undefined, 'INVALID_REQUEST', false],
  [2388019, undefined, 'INVALID_REQUEST', false],
  [2388001, undefined, 'INVALID_REQUEST', false],
  [2593107, undefined, 'INVALID_REQUEST', false],
  [2593108, undefined, 'INVALID_REQUEST', false],
  // WhatsApp deprecated error_subcode but Meta's own example still sends one: the code decides.
  [131056, 2494055, 'RATE_LIMITED', true, 6_000],
];

function check(channel: MetaChannel, [code, subcode, cls, retryable, retryAfterMs]: Expect) {
  // HTTP 400 on purpose: the table must win over the status fallback.
  const error = classifyGraphError(
    {
      code,
      error_subcode: subcode,
      message: `(#${code}) test`,
      type: 'OAuthException',
      fbtrace_id: 'Atrace',
    },
    { channel, httpStatus: 400 },
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  expect({ code: error.code, retryable: error.retryable, retryAfterMs: error.retryAfterMs }).toEqual({
    code: cls,
    retryable,
    retryAfterMs,
  });
  expect(error.platform).toMatchObject({
    code,
    fbtraceId: 'Atrace',
    type: 'OAuthException',
    httpStatus: 400,
  });
  if (subcode !== undefined) expect(error.platform?.subcode).toBe(subcode);
}

describe('classifyGraphError: reference §7.1 row by row', () => {
  it.each(MESSENGER_PLATFORM)('messenger %i/%s → %s (retryable %s)', (...row) => check('messenger', row));
  it.each(MESSENGER_PLATFORM)('instagram %i/%s → %s (retryable %s)', (...row) => check('instagram', row));
});

describe('classifyGraphError: reference §7.2 row by row', () => {
  it.each(WHATSAPP)('whatsapp %i/%s → %s (retryable %s)', (...row) => check('whatsapp', row));
});

describe('classifyGraphError: the table itself', () => {
  it('has a test row for every table row (no untested rule)', () => {
    const tested = new Set([
      ...MESSENGER_PLATFORM.map(([c, s]) => `messenger-platform:${c}/${s ?? ''}`),
      ...WHATSAPP.map(([c, s]) => `whatsapp:${c}/${s ?? ''}`),
    ]);
    for (const rule of META_ERROR_TABLE) {
      const code = typeof rule.code === 'number' ? rule.code : rule.code[0];
      expect(tested.has(`${rule.family}:${code}/${rule.subcode ?? ''}`), JSON.stringify(rule)).toBe(true);
    }
  });
});

describe('classifyGraphError: channel and context', () => {
  it('reads a bare "(#10) another app is controlling this thread" as THREAD_NOT_OWNED, never retried', () => {
    const message =
      '(#10) This message is sent outside of allowed window. Another app is controlling this thread.';
    const error = classifyGraphError({ code: 10, message }, { channel: 'instagram', httpStatus: 400 });
    expect(error.code).toBe('THREAD_NOT_OWNED');
    expect(error.retryable).toBe(false);
    const plain = classifyGraphError(
      { code: 10, message: '(#10) Permission denied' },
      { channel: 'instagram' },
    );
    expect(plain.code).toBe('PERMISSION_DENIED');
    const wa = classifyGraphError({ code: 10, message }, { channel: 'whatsapp' });
    expect(wa.code).toBe('PERMISSION_DENIED');
  });

  it('distinguishes the same code on WhatsApp and Messenger', () => {
    expect(classifyGraphError({ code: 368 }, { channel: 'messenger' }).retryable).toBe(true);
    expect(classifyGraphError({ code: 368 }, { channel: 'whatsapp' }).retryable).toBe(false);
    expect(classifyGraphError({ code: 10, error_subcode: 2018278 }, { channel: 'messenger' }).code).toBe(
      'OUTSIDE_WINDOW',
    );
    // WhatsApp does not use Messenger subcodes: code 10 stays a permission error there.
    expect(classifyGraphError({ code: 10, error_subcode: 2018278 }, { channel: 'whatsapp' }).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(classifyGraphError({ code: 131047 }, { channel: 'whatsapp' }).code).toBe('OUTSIDE_WINDOW');
    expect(classifyGraphError({ code: 131047 }, { channel: 'messenger', httpStatus: 400 }).code).toBe(
      'INVALID_REQUEST',
    );
    expect(classifyGraphError({ code: 3 }, { channel: 'messenger', httpStatus: 400 }).code).toBe(
      'INVALID_REQUEST',
    );
    expect(classifyGraphError({ code: 3 }, { channel: 'whatsapp', httpStatus: 400 }).code).toBe(
      'PERMISSION_DENIED',
    );
  });

  it('takes the rate-limit delay from the usage headers (BUC or Retry-After)', () => {
    const usage = { retryAfterMs: 12 * 60_000 };
    expect(classifyGraphError({ code: 32 }, { channel: 'messenger', usage }).retryAfterMs).toBe(720_000);
    expect(classifyGraphError({ code: 80007 }, { channel: 'whatsapp', usage }).retryAfterMs).toBe(720_000);
    // 131056 keeps its own floor and is per-recipient: the app-wide BUC delay does not apply.
    expect(classifyGraphError({ code: 131056 }, { channel: 'whatsapp', usage }).retryAfterMs).toBe(6_000);
    expect(
      classifyGraphError({ code: 130429 }, { channel: 'whatsapp', usage: { retryAfterMs: 500 } })
        .retryAfterMs,
    ).toBe(1_000);
    // Usage delays do not make a non-rate-limit error wait.
    expect(classifyGraphError({ code: 100 }, { channel: 'messenger', usage }).retryAfterMs).toBeUndefined();
  });

  it('keeps error_data.details, the message and the trace id on platform', () => {
    const error = classifyGraphError(
      {
        code: 131047,
        message: 'Re-engagement message',
        fbtrace_id: 'AbC',
        error_data: {
          messaging_product: 'whatsapp',
          details: 'Message failed to send because more than 24 hours',
        },
      },
      { channel: 'whatsapp', httpStatus: 400 },
    );
    expect(error.platform).toEqual({
      code: 131047,
      fbtraceId: 'AbC',
      message: 'Re-engagement message',
      details: 'Message failed to send because more than 24 hours',
      httpStatus: 400,
    });
    expect(error.message).toContain('#131047');
  });

  it.each([
    [{ code: 999999, is_transient: true }, 400, 'TEMPORARY', true],
    [{ code: 999999 }, 429, 'RATE_LIMITED', true],
    [{ code: 999999 }, 500, 'TEMPORARY', true],
    [{ code: 999999 }, 503, 'TEMPORARY', true],
    [{ code: 999999 }, 400, 'INVALID_REQUEST', false],
    [{ code: 999999 }, 401, 'AUTH_FAILED', false],
    [{ code: 999999 }, 403, 'PERMISSION_DENIED', false],
    [{ code: 999999 }, 404, 'NOT_FOUND', false],
    [{}, 502, 'TEMPORARY', true],
    [{ code: 999999 }, undefined, 'TEMPORARY', true],
    [{ code: 999999, is_transient: false }, undefined, 'TEMPORARY', false],
  ] as const)(
    'unknown %j with HTTP %s falls back to %s (retryable %s)',
    (body, httpStatus, cls, retryable) => {
      const error = classifyGraphError(body, { channel: 'messenger', ...(httpStatus ? { httpStatus } : {}) });
      expect(error.code).toBe(cls);
      expect(error.retryable).toBe(retryable);
    },
  );

  it('never throws on odd input and reads numeric strings', () => {
    expect(classifyGraphError(null as never, { channel: 'whatsapp', httpStatus: 500 }).code).toBe(
      'TEMPORARY',
    );
    expect(classifyGraphError({ code: '131047' as never }, { channel: 'whatsapp' }).code).toBe(
      'OUTSIDE_WINDOW',
    );
  });
});

describe('classifyTransportError', () => {
  it('makes network failures and timeouts retryable TEMPORARY without leaking the query string', () => {
    const timeout = Object.assign(new Error('timeout of 10ms exceeded'), { code: 'ECONNABORTED' });
    const t = classifyTransportError(timeout);
    expect([t.code, t.retryable]).toEqual(['TEMPORARY', true]);
    expect(t.message).toMatch(/timed out/);
    const refused = Object.assign(
      new Error('connect ECONNREFUSED for https://graph.facebook.com/v24.0/me?access_token=EAAsecret'),
      { code: 'ECONNREFUSED' },
    );
    const r = classifyTransportError(refused);
    expect(r.message).toContain('ECONNREFUSED');
    expect(r.message).not.toContain('EAAsecret');
    expect(JSON.stringify(r.cause)).not.toContain('EAAsecret');
  });

  it('passes a SwitchboardError through', () => {
    const original = new SwitchboardError('PAYLOAD_TOO_LARGE', 'x');
    expect(classifyTransportError(original)).toBe(original);
    expect(classifyTransportError('boom').code).toBe('TEMPORARY');
  });
});
