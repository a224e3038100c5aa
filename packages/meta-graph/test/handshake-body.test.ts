import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { decodeJsonBody, verifyMetaChallenge } from '../src/index.js';

const query = (q: string) => new URLSearchParams(q);

describe('verifyMetaChallenge', () => {
  it('echoes hub.challenge verbatim when mode and token match', () => {
    expect(
      verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444'), 'tok'),
    ).toBe('1158201444');
    expect(
      verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=b&hub.challenge=abc%20x'), ['a', 'b']),
    ).toBe('abc x');
  });

  it('returns null on a wrong token, mode or a missing challenge', () => {
    expect(
      verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=bad&hub.challenge=1'), 'tok'),
    ).toBeNull();
    expect(
      verifyMetaChallenge(query('hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1'), 'tok'),
    ).toBeNull();
    expect(verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=tok'), 'tok')).toBeNull();
    expect(verifyMetaChallenge(query('hub.mode=subscribe&hub.challenge=1'), 'tok')).toBeNull();
    expect(
      verifyMetaChallenge(query('hub_mode=subscribe&hub_verify_token=tok&hub_challenge=1'), 'tok'),
    ).toBeNull();
  });

  it('never accepts an empty configured token', () => {
    expect(verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=&hub.challenge=1'), '')).toBeNull();
    expect(verifyMetaChallenge(query('hub.mode=subscribe&hub.verify_token=&hub.challenge=1'), [])).toBeNull();
  });
});

describe('decodeJsonBody', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('decodes a JSON object, including \\uXXXX escapes and a UTF-8 BOM', () => {
    expect(decodeJsonBody(enc('{"a":"\\u00e4"}'))).toEqual({ a: 'ä' });
    expect(decodeJsonBody(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('{"a":1}')]))).toEqual({ a: 1 });
  });

  it.each([
    ['non-UTF-8 bytes', new Uint8Array([0x7b, 0xff, 0x7d]), /UTF-8/],
    ['invalid JSON', enc('{"a":'), /not valid JSON/],
    ['an empty body', new Uint8Array(), /empty/],
    ['an array', enc('[1,2]'), /not a JSON object/],
    ['null', enc('null'), /not a JSON object/],
    ['a string', enc('"x"'), /not a JSON object/],
  ])('throws PAYLOAD_INVALID for %s', (_name, body, message) => {
    let caught: unknown;
    try {
      decodeJsonBody(body);
    } catch (error) {
      caught = error;
    }
    expect(SwitchboardError.is(caught, 'PAYLOAD_INVALID')).toBe(true);
    expect((caught as SwitchboardError).message).toMatch(message);
    expect((caught as SwitchboardError).path).toBe('$');
  });
});
