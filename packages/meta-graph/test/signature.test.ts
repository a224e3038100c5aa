import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metaJsonStringify, signMetaBody, verifyMetaSignature } from '../src/index.js';
import { HINT_MAX_BYTES } from '../src/signature.js';

const SECRET = 'app-secret-1';
const OLD_SECRET = 'app-secret-0';
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (secret: string, body: string | Uint8Array) =>
  createHmac('sha256', secret).update(body).digest('hex');

// What Meta sends: ASCII only, non-ASCII as lowercase \uXXXX, slashes as \/.
const META_BODY =
  '{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"message":{"text":"\\u00e4\\u00f6\\u00e5 https:\\/\\/example.com\\/a \\ud83d\\ude00"}}]}]}';

describe('signMetaBody', () => {
  it('is sha256= plus the lowercase hex HMAC of the bytes', () => {
    expect(signMetaBody(META_BODY, SECRET)).toBe(`sha256=${hex(SECRET, META_BODY)}`);
    expect(signMetaBody(enc(META_BODY), SECRET)).toBe(`sha256=${hex(SECRET, META_BODY)}`);
  });
});

describe('metaJsonStringify', () => {
  it('escapes non-ASCII as lowercase \\uXXXX and / as \\/', () => {
    const value = JSON.parse(META_BODY);
    expect(metaJsonStringify(value)).toBe(META_BODY);
    expect(metaJsonStringify({ a: 'É' })).toBe('{"a":"\\u00c9"}');
  });
});

describe('verifyMetaSignature', () => {
  // The mismatch hint is rate-limited per process: every test starts a minute later, with a full bucket.
  let shift = 0;
  beforeEach(() => {
    shift += 60_000;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + shift);
  });
  afterEach(() => vi.useRealTimers());

  it('accepts a body with \\uXXXX and \\/ escapes signed over its exact bytes', () => {
    expect(verifyMetaSignature(enc(META_BODY), signMetaBody(META_BODY, SECRET), [SECRET])).toEqual({
      ok: true,
      secretIndex: 0,
    });
  });

  it('accepts raw non-ASCII bytes when they are what was signed', () => {
    const body = '{"text":"grüße 😀"}';
    expect(verifyMetaSignature(enc(body), signMetaBody(body, SECRET), [SECRET]).ok).toBe(true);
  });

  it('accepts an empty body signed as empty', () => {
    const empty = new Uint8Array();
    expect(verifyMetaSignature(empty, `sha256=${hex(SECRET, '')}`, [SECRET])).toEqual({
      ok: true,
      secretIndex: 0,
    });
    expect(verifyMetaSignature(empty, signMetaBody('x', SECRET), [SECRET])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('accepts upper-case hex digits and surrounding whitespace', () => {
    const header = `sha256=${hex(SECRET, META_BODY).toUpperCase()}`;
    expect(verifyMetaSignature(enc(META_BODY), header, [SECRET]).ok).toBe(true);
    expect(verifyMetaSignature(enc(META_BODY), `  ${signMetaBody(META_BODY, SECRET)} `, [SECRET]).ok).toBe(
      true,
    );
  });

  it('reports a missing header', () => {
    for (const header of [undefined, null, '', '   ']) {
      expect(verifyMetaSignature(enc(META_BODY), header, [SECRET])).toEqual({ ok: false, reason: 'missing' });
    }
  });

  it.each([
    ['wrong prefix sha1=', `sha1=${hex(SECRET, META_BODY)}`],
    ['no prefix', hex(SECRET, META_BODY)],
    ['wrong prefix md5=', `md5=${hex(SECRET, META_BODY)}`],
    ['too short', `sha256=${hex(SECRET, META_BODY).slice(0, 63)}`],
    ['too long', `sha256=${hex(SECRET, META_BODY)}0`],
    ['non-hex digits', `sha256=${'g'.repeat(64)}`],
    ['two values', `sha256=${hex(SECRET, META_BODY)}, sha256=${hex(SECRET, META_BODY)}`],
  ])('reports a malformed header: %s', (_name, header) => {
    expect(verifyMetaSignature(enc(META_BODY), header, [SECRET])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('reports a mismatch for a wrong secret or a changed body, without a hint when nothing explains it', () => {
    const check = verifyMetaSignature(enc(META_BODY), signMetaBody(META_BODY, 'other'), [SECRET]);
    expect(check).toEqual({ ok: false, reason: 'mismatch' });
    const tampered = META_BODY.replace('"id":"1"', '"id":"2"');
    expect(verifyMetaSignature(enc(tampered), signMetaBody(META_BODY, SECRET), [SECRET])).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('supports secret rotation and several apps: the index of the secret that matched', () => {
    const header = signMetaBody(META_BODY, OLD_SECRET);
    expect(verifyMetaSignature(enc(META_BODY), header, [SECRET, OLD_SECRET])).toEqual({
      ok: true,
      secretIndex: 1,
    });
    expect(
      verifyMetaSignature(enc(META_BODY), signMetaBody(META_BODY, SECRET), [SECRET, OLD_SECRET]),
    ).toEqual({
      ok: true,
      secretIndex: 0,
    });
    expect(verifyMetaSignature(enc(META_BODY), header, [SECRET])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('never matches an empty secret and keeps the configured indices', () => {
    expect(verifyMetaSignature(enc('{}'), signMetaBody('{}', ''), [''])).toMatchObject({
      ok: false,
      reason: 'mismatch',
      hint: expect.stringContaining('no app secret is configured'),
    });
    expect(verifyMetaSignature(enc('{}'), signMetaBody('{}', SECRET), ['', SECRET])).toEqual({
      ok: true,
      secretIndex: 1,
    });
    expect(verifyMetaSignature(enc('{}'), signMetaBody('{}', SECRET), [])).toMatchObject({
      reason: 'mismatch',
    });
  });

  it('hints that a middleware decoded \\uXXXX escapes into raw non-ASCII bytes', () => {
    const decoded = META_BODY.replace('\\u00e4\\u00f6\\u00e5', 'äöå').replace('\\ud83d\\ude00', '😀');
    const check = verifyMetaSignature(enc(decoded), signMetaBody(META_BODY, SECRET), [SECRET]);
    expect(check).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(!check.ok && check.hint).toMatch(/non-ASCII.*raw/);
  });

  it('hints that a middleware re-serialized the body (JSON.parse + JSON.stringify)', () => {
    const reserialized = JSON.stringify(JSON.parse(META_BODY));
    expect(reserialized).not.toBe(META_BODY);
    const check = verifyMetaSignature(enc(reserialized), signMetaBody(META_BODY, SECRET), [SECRET]);
    expect(check).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(!check.ok && check.hint).toMatch(/re-serialized/);
  });

  it('hints when only the \\/ escapes were lost', () => {
    const signed = '{"url":"https:\\/\\/example.com\\/x"}';
    const received = '{"url":"https://example.com/x"}';
    const check = verifyMetaSignature(enc(received), signMetaBody(signed, SECRET), [SECRET]);
    expect(!check.ok && check.hint).toMatch(/"\\\/"/);
  });

  it('hints when the body was pretty-printed', () => {
    const signed = metaJsonStringify({ object: 'page', entry: [{ id: '1', text: 'é/' }] });
    const pretty = JSON.stringify(JSON.parse(signed), null, 2);
    const check = verifyMetaSignature(enc(pretty), signMetaBody(signed, SECRET), [SECRET]);
    expect(check).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(!check.ok && check.hint).toMatch(/re-serialized/);
  });

  it('never throws, even on garbage bytes or odd inputs', () => {
    const garbage = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x2f]);
    expect(verifyMetaSignature(garbage, signMetaBody('x', SECRET), [SECRET])).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyMetaSignature(garbage, signMetaBody(garbage, SECRET), [SECRET]).ok).toBe(true);
    expect(() =>
      verifyMetaSignature(garbage, 42 as unknown as string, [undefined as unknown as string, SECRET]),
    ).not.toThrow();
    expect(verifyMetaSignature(garbage, 42 as unknown as string, [SECRET])).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('gives a forged 4 MiB non-ASCII body no hint, so rejecting it costs about what accepting it costs', () => {
    const text = metaJsonStringify({ entry: [{ text: 'ä/'.repeat(HINT_MAX_BYTES) }] });
    const decoded = enc(JSON.stringify(JSON.parse(text)).padEnd(4 * 1024 * 1024, ' '));
    const valid = signMetaBody(decoded, SECRET);
    const forged = signMetaBody(text, SECRET); // what a re-serializing middleware would have us compare
    const fastest = (header: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        verifyMetaSignature(decoded, header, [SECRET, OLD_SECRET]);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const ratio = fastest(forged) / fastest(valid);
    console.log(`signature check, 4 MiB non-ASCII body: mismatch/valid = ${ratio.toFixed(2)}`);
    expect(ratio).toBeLessThan(3); // the old hint made it ~100x
    expect(verifyMetaSignature(decoded, forged, [SECRET])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('tries the hint at most 10 times a minute, so forged small bodies cannot buy its CPU at will', () => {
    const reserialized = enc(JSON.stringify(JSON.parse(META_BODY)));
    const header = signMetaBody(META_BODY, SECRET);
    const hinted = () => {
      const check = verifyMetaSignature(reserialized, header, [SECRET]);
      return !check.ok && check.hint !== undefined;
    };
    const first = Array.from({ length: 15 }, hinted);
    expect(first.filter(Boolean)).toHaveLength(10);
    vi.setSystemTime(Date.now() + 6_000);
    expect(hinted()).toBe(true);
    expect(hinted()).toBe(false);
  });
});
