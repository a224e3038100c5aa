import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appSecretProof, graphTime, metaStringify, signSha256 } from '../src/meta-json.js';
import { createPrng } from '../src/prng.js';

describe('meta-json', () => {
  it('escapes non-ASCII as lowercase \\uXXXX and / as \\/', () => {
    const out = metaStringify({ text: 'äöå € שלום 👍', url: 'https://a.b/c' });
    expect(out).toBe(
      '{"text":"\\u00e4\\u00f6\\u00e5 \\u20ac \\u05e9\\u05dc\\u05d5\\u05dd \\ud83d\\udc4d","url":"https:\\/\\/a.b\\/c"}',
    );
    expect(/^[\x20-\x7e]*$/.test(out)).toBe(true);
    expect(JSON.parse(out)).toEqual({ text: 'äöå € שלום 👍', url: 'https://a.b/c' });
  });

  it('sends U+007F (DEL, ASCII) as its raw byte, as Meta does, and signs what it sends', () => {
    const out = metaStringify({ text: 'a\u007fb\u0080' });
    expect(out).toBe('{"text":"a\u007fb\\u0080"}');
    expect(signSha256(out, 's')).toBe(`sha256=${createHmac('sha256', 's').update(out).digest('hex')}`);
  });

  it('signs the exact bytes with HMAC-SHA256 of the app secret', () => {
    const body = metaStringify({ a: 'é' });
    expect(signSha256(body, 's3cret')).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
    );
    expect(signSha256(body, 's3cret')).not.toBe(signSha256(JSON.stringify({ a: 'é' }), 's3cret'));
  });

  it('formats created_time like Graph and computes appsecret_proof', () => {
    expect(graphTime(Date.parse('2024-07-11T15:56:00.123Z'))).toBe('2024-07-11T15:56:00+0000');
    expect(appSecretProof('tok', 'sec')).toBe(createHmac('sha256', 'sec').update('tok').digest('hex'));
  });

  it('has a reproducible PRNG', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createPrng(43).next()).not.toBe(xs[0]);
    expect(a.digits(15)).toMatch(/^[1-9]\d{14}$/);
  });
});
