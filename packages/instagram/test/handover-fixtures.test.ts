import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createInstagramAdapter } from '../src/index.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url)));
const adapter = createInstagramAdapter({
  appSecret: 'f3a1b2c4d5e6f70812345678abcdef90',
  verifyToken: 'verify-me',
  apiFlavour: 'instagram-login',
  instagramAccountIds: ['17841405822304914'],
  accessToken: 'IGAAtest',
  graphBaseUrl: 'http://127.0.0.1:9',
});

describe('Instagram messaging_handovers', () => {
  it('take_thread_control: the app that lost control learns who took it (mixed string/number ids)', () => {
    const { events, problems } = adapter.parseWebhook(fixture('handover-take-thread-control'));
    expect(problems).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'handover',
      channel: 'instagram',
      action: 'take_thread_control',
      previousOwnerAppId: '1048573296213421',
      newOwnerAppId: '1217981644879628',
      metadata: 'agent took over',
      accountId: '17841405822304914',
      userId: '1254459154682919',
    });
  });
});
