import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import {
  appSecretProof,
  GRAPH_API_VERSION,
  metaJsonStringify,
  signMetaBody,
  signMetaBodySha1,
} from '../src/wire.js';

describe('the Meta wire module', () => {
  it('escapes from U+0080 up, and leaves ASCII, U+007F (DEL) included, as raw bytes', () => {
    // PHP json_encode, Meta's sender: DEL is ASCII; the first escaped unit is U+0080.
    expect(metaJsonStringify({ t: 'a\u007fb' })).toBe('{"t":"a\u007fb"}');
    expect(metaJsonStringify({ t: '\u0080\u00ff\u0100' })).toBe('{"t":"\\u0080\\u00ff\\u0100"}');
    expect(metaJsonStringify({ t: '~' })).toBe('{"t":"~"}');
    // Control characters below 0x20 keep JSON's own escapes; astral characters become surrogate pairs.
    expect(metaJsonStringify({ t: '\n\u0001😀' })).toBe('{"t":"\\n\\u0001\\ud83d\\ude00"}');
    expect(metaJsonStringify({ u: 'a/b' })).toBe('{"u":"a\\/b"}');
    expect(metaJsonStringify(undefined)).toBe('null');
  });

  it('signs with sha256= and the legacy sha1=, lowercase hex over the exact bytes', () => {
    const body = metaJsonStringify({ t: 'ä\u007f' });
    expect(signMetaBody(body, 's')).toBe(`sha256=${createHmac('sha256', 's').update(body).digest('hex')}`);
    expect(signMetaBodySha1(new TextEncoder().encode(body), 's')).toBe(
      `sha1=${createHmac('sha1', 's').update(body).digest('hex')}`,
    );
    expect(appSecretProof('token', 'secret')).toBe(
      createHmac('sha256', 'secret').update('token').digest('hex'),
    );
  });

  it('is what the package root exports (one implementation, one Graph version)', () => {
    expect(root.metaJsonStringify).toBe(metaJsonStringify);
    expect(root.signMetaBody).toBe(signMetaBody);
    expect(root.GRAPH_API_VERSION).toBe(GRAPH_API_VERSION);
    expect(GRAPH_API_VERSION).toMatch(/^v\d+\.0$/);
  });
});
