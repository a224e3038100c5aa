import { readFileSync } from 'node:fs';
import { createLogger } from '@switchboard/core';
import { startMetaSimulator } from '@switchboard/simulator';
import { describe, expect, it } from 'vitest';
import { createMessengerAdapter, messengerConfigFromEnv } from '../src/index.js';

const env = {
  MESSENGER_APP_ID: '1048573296213421',
  MESSENGER_APP_SECRET: 'secret-one',
  MESSENGER_APP_SECRETS: 'secret-two,secret-three',
  MESSENGER_VERIFY_TOKEN: 'verify-a,verify-b',
  MESSENGER_PAGE_IDS: '105927095402516, 112233445566778',
  MESSENGER_ACCESS_TOKEN: 'EAAdefault0000000000',
  MESSENGER_ACCESS_TOKENS: '112233445566778:EAAsecond000000000',
  MESSENGER_GRAPH_BASE_URL: 'http://127.0.0.1:4010',
  MESSENGER_GRAPH_VERSION: 'v25.0',
  MESSENGER_TIMEOUT_MS: '5000',
  MESSENGER_COMMENTS: 'true',
};

describe('Messenger configuration', () => {
  it('reads every documented environment variable', () => {
    expect(messengerConfigFromEnv(env)).toEqual({
      appId: '1048573296213421',
      appSecret: 'secret-one',
      appSecrets: ['secret-two', 'secret-three'],
      verifyToken: ['verify-a', 'verify-b'],
      pageIds: ['105927095402516', '112233445566778'],
      accessToken: 'EAAdefault0000000000',
      accessTokens: { '112233445566778': 'EAAsecond000000000' },
      graphBaseUrl: 'http://127.0.0.1:4010',
      graphVersion: 'v25.0',
      timeoutMs: 5000,
      comments: true,
    });
    const adapter = createMessengerAdapter(messengerConfigFromEnv(env));
    expect(adapter.accountIds).toEqual(['105927095402516', '112233445566778']);
    expect(
      adapter.verifyChallenge(
        new URLSearchParams({
          'hub.mode': 'subscribe',
          'hub.verify_token': 'verify-b',
          'hub.challenge': '42',
        }),
      ),
    ).toBe('42');
  });

  it('the README documents exactly the variables the code reads', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = new Set(readme.match(/MESSENGER_[A-Z_]+/g));
    expect([...documented].sort()).toEqual(Object.keys(env).sort());
  });

  it('rejects a configuration without an app secret', () => {
    expect(() => createMessengerAdapter({ verifyToken: 'v' })).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
  });

  it('never logs tokens or the app secret', async () => {
    const sim = await startMetaSimulator({ seed: 5 });
    try {
      const lines: string[] = [];
      const account = sim.account('messenger');
      const adapter = createMessengerAdapter({
        appId: sim.world.app.id,
        appSecret: sim.world.app.secret,
        verifyToken: 'v',
        pageIds: [account.accountId],
        accessToken: account.token,
        graphBaseUrl: sim.url,
        logger: createLogger({ level: 'debug', sink: (line) => lines.push(JSON.stringify(line)) }),
      });
      await Promise.all(adapter.probes().map((p) => p.run()));
      await adapter
        .send({
          to: { channel: 'messenger', accountId: account.accountId, userId: 'nobody' },
          content: { type: 'text', text: 'x' },
        })
        .catch(() => undefined);
      expect(lines.length).toBeGreaterThan(0);
      const text = lines.join('\n');
      expect(text).not.toContain(account.token);
      expect(text).not.toContain(sim.world.app.secret);
    } finally {
      await sim.stop();
    }
  });
});
