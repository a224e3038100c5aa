import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter, type MessengerAdapter } from '../src/index.js';

let sim: MetaSimulator;
let adapter: MessengerAdapter;
let pageId: string;
let token: string;

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 11 });
  const account = sim.account('messenger');
  pageId = account.accountId;
  token = account.token;
  adapter = createMessengerAdapter({
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    pageIds: [pageId],
    accessToken: token,
    graphBaseUrl: sim.url,
  });
});

afterEach(async () => {
  await sim.stop();
});

const run = async (a: MessengerAdapter) =>
  Object.fromEntries(await Promise.all(a.probes().map(async (p) => [p.name, await p.run()] as const)));

describe('Messenger health probes against the simulator', () => {
  it('a healthy Page: token, subscription and Graph all ok, with the data behind them', async () => {
    const results = await run(adapter);
    expect(Object.keys(results)).toEqual(['messenger.token', 'messenger.subscription', 'messenger.graph']);
    for (const r of Object.values(results)) {
      expect(r.status, r.reason).toBe('ok');
      expect(r.accountId).toBe(pageId);
    }
    expect(results['messenger.token']?.data?.scopes).toContain('pages_messaging');
    expect(results['messenger.subscription']?.data?.apps).toEqual([
      expect.objectContaining({ id: sim.world.app.id }),
    ]);
  });

  it('expired token → token probe down with the reason; Graph probe down too', async () => {
    sim.faults.expireToken(token);
    const results = await run(adapter);
    expect(results['messenger.token']).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/invalid|expired/i),
    });
    expect(results['messenger.graph']).toMatchObject({
      status: 'down',
      reason: expect.stringContaining('AUTH_FAILED'),
    });
  });

  it('token expiring within 7 days → degraded', async () => {
    const record = sim.world.tokens.find((t) => t.token === token)!;
    record.expiresAt = Date.now() + 2 * 86_400_000;
    const result = await adapter.probes()[0]!.run();
    expect(result.status).toBe('degraded');
    expect(result.reason).toMatch(/expires in 2\.0 days/);
  });

  it('missing permission → token probe down naming it', async () => {
    const custom = createMessengerAdapter({
      appId: sim.world.app.id,
      appSecret: sim.world.app.secret,
      verifyToken: 'v',
      pageIds: [pageId],
      accessToken: token,
      graphBaseUrl: sim.url,
      requiredScopes: ['pages_messaging', 'pages_manage_everything'],
    });
    const result = await custom.probes()[0]!.run();
    expect(result).toMatchObject({ status: 'down', data: { missingScopes: ['pages_manage_everything'] } });
  });

  it('unsubscribed app → subscription probe down; resubscribe() repairs it', async () => {
    sim.faults.unsubscribeApp(pageId);
    const down = await adapter.probes()[1]!.run();
    expect(down.status).toBe('down');
    expect(down.reason).toContain('not subscribed');
    await adapter.resubscribe(pageId);
    const ok = await adapter.probes()[1]!.run();
    expect(ok.status, ok.reason).toBe('ok');
  });

  it('unreachable Graph → probes answer down, never throw', async () => {
    const offline = createMessengerAdapter({
      appId: '1',
      appSecret: 's',
      verifyToken: 'v',
      pageIds: [pageId],
      accessToken: token,
      graphBaseUrl: 'http://127.0.0.1:9',
      timeoutMs: 2000,
    });
    const results = await run(offline);
    for (const r of Object.values(results)) expect(['down', 'degraded']).toContain(r.status);
  });
});

describe('Messenger token probe: granular scopes', () => {
  it('a token whose permissions are granted for another Page only → down', async () => {
    const s = await startMetaSimulator({ seed: 13 });
    try {
      const account = s.account('messenger');
      const record = s.world.tokens.find((t) => t.token === account.token)!;
      record.targetIds = ['999999999999999'];
      const a = createMessengerAdapter({
        appId: s.world.app.id,
        appSecret: s.world.app.secret,
        verifyToken: 'v',
        pageIds: [account.accountId],
        accessToken: account.token,
        graphBaseUrl: s.url,
      });
      const result = await a.probes()[0]!.run();
      expect(result.status).toBe('down');
      expect(result.data?.uncoveredScopes).toEqual(expect.arrayContaining(['pages_messaging']));
    } finally {
      await s.stop();
    }
  });
});
