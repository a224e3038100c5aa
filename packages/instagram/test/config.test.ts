import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveInstagramConfig } from '../src/config.js';
import { createInstagramAdapter, INSTAGRAM_LIMITS, instagramConfigFromEnv } from '../src/index.js';

const env = {
  INSTAGRAM_APP_ID: '1048573296213421',
  INSTAGRAM_APP_SECRET: 'secret-one',
  INSTAGRAM_APP_SECRETS: 'secret-two',
  INSTAGRAM_VERIFY_TOKEN: 'verify-a',
  INSTAGRAM_API_FLAVOUR: 'instagram-login',
  INSTAGRAM_ACCOUNT_IDS: '17841405822304914',
  INSTAGRAM_PAGE_IDS: '17841405822304914:105927095402516',
  INSTAGRAM_ACCESS_TOKEN: 'IGAAdefault000000000',
  INSTAGRAM_ACCESS_TOKENS: '17841463578421093:IGAAsecond00000000',
  INSTAGRAM_GRAPH_BASE_URL: 'http://127.0.0.1:4010',
  INSTAGRAM_GRAPH_VERSION: 'v25.0',
  INSTAGRAM_TIMEOUT_MS: '5000',
  INSTAGRAM_COMMENTS: 'true',
};

describe('Instagram configuration', () => {
  it('reads every documented environment variable', () => {
    expect(instagramConfigFromEnv(env)).toEqual({
      appId: '1048573296213421',
      appSecret: 'secret-one',
      appSecrets: ['secret-two'],
      verifyToken: 'verify-a',
      apiFlavour: 'instagram-login',
      instagramAccountIds: ['17841405822304914'],
      pageIdByInstagramAccountId: { '17841405822304914': '105927095402516' },
      accessToken: 'IGAAdefault000000000',
      accessTokens: { '17841463578421093': 'IGAAsecond00000000' },
      graphBaseUrl: 'http://127.0.0.1:4010',
      graphVersion: 'v25.0',
      timeoutMs: 5000,
      comments: true,
    });
    expect(createInstagramAdapter(instagramConfigFromEnv(env)).accountIds).toEqual([
      '17841405822304914',
      '17841463578421093',
    ]);
  });

  it('the README documents exactly the variables the code reads', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect([...new Set(readme.match(/INSTAGRAM_[A-Z_]+/g))].sort()).toEqual(Object.keys(env).sort());
  });

  it('limits follow the reference: 1000 bytes, the lower 100/s send rate, button templates', () => {
    expect(INSTAGRAM_LIMITS).toMatchObject({
      textMaxLength: 1000,
      textLengthUnit: 'bytes',
      sendPerSecond: 100,
      mediaSendPerSecond: 10,
      backfillPerSecond: 2,
      windowHours: 24,
    });
    expect(INSTAGRAM_LIMITS.supportedContent).toContain('buttons');
  });

  it('rejects an unknown flavour and a missing secret', () => {
    expect(() =>
      createInstagramAdapter({ appSecret: 's', verifyToken: 'v', apiFlavour: 'tiktok' as never }),
    ).toThrow(expect.objectContaining({ code: 'PAYLOAD_INVALID' }));
    expect(() => createInstagramAdapter({ verifyToken: 'v' })).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
  });

  it('names the linked-Page map for what it maps, and still accepts its former name', () => {
    const base = { appSecrets: ['s'], verifyToken: 'v' };
    expect(
      resolveInstagramConfig({ ...base, pageIdByInstagramAccountId: { ig1: 'page1' } })
        .pageIdByInstagramAccountId,
    ).toEqual({ ig1: 'page1' });
    const former = resolveInstagramConfig({
      ...base,
      pageIds: { ig1: 'old', ig2: 'page2' },
      pageIdByInstagramAccountId: { ig1: 'page1' },
    });
    expect(former.pageIdByInstagramAccountId).toEqual({ ig1: 'page1', ig2: 'page2' });
    expect('pageIds' in former).toBe(false);
  });
});
