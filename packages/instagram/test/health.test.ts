import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstagramAdapter, type InstagramAdapter } from '../src/index.js';

let sim: MetaSimulator;
let fbLogin: InstagramAdapter;
let igLogin: InstagramAdapter;
let igId: string;
let pageId: string;
let pageToken: string;
let loginIgId: string;

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 12 });
  const linked = sim.world.instagram.find((a) => a.pageId)!;
  const unlinked = sim.world.instagram.find((a) => !a.pageId)!;
  igId = linked.id;
  pageId = linked.pageId!;
  pageToken = linked.accessToken;
  loginIgId = unlinked.id;
  const common = {
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: 'v',
    graphBaseUrl: sim.url,
  };
  fbLogin = createInstagramAdapter({
    ...common,
    instagramAccountIds: [igId],
    pageIdByInstagramAccountId: { [igId]: pageId },
    accessToken: pageToken,
  });
  igLogin = createInstagramAdapter({
    ...common,
    apiFlavour: 'instagram-login',
    accessTokens: { [loginIgId]: unlinked.loginToken },
  });
});

afterEach(async () => {
  await sim.stop();
});

const run = async (a: InstagramAdapter) =>
  Object.fromEntries(await Promise.all(a.probes().map(async (p) => [p.name, await p.run()] as const)));

describe('Instagram health probes against the simulator', () => {
  it.each(['facebook-login', 'instagram-login'] as const)('%s: healthy account → all ok', async (flavour) => {
    const results = await run(flavour === 'facebook-login' ? fbLogin : igLogin);
    expect(Object.keys(results)).toEqual(['instagram.token', 'instagram.subscription', 'instagram.graph']);
    for (const r of Object.values(results)) expect(r.status, `${r.probe}: ${r.reason}`).toBe('ok');
  });

  it('expired token → token and Graph probes down', async () => {
    sim.faults.expireToken(pageToken);
    const results = await run(fbLogin);
    expect(results['instagram.token']?.status).toBe('down');
    expect(results['instagram.graph']?.status).toBe('down');
  });

  it('unsubscribed app → subscription down until resubscribe()', async () => {
    sim.faults.unsubscribeApp(igId);
    sim.faults.unsubscribeApp(pageId);
    expect((await fbLogin.probes()[1]!.run()).status).toBe('down');
    await fbLogin.resubscribe(igId);
    const after = await fbLogin.probes()[1]!.run();
    expect(after.status, after.reason).toBe('ok');
  });

  it('instagram-login: unsubscribed account → down; resubscribe repairs it', async () => {
    sim.faults.unsubscribeApp(loginIgId);
    expect((await igLogin.probes()[1]!.run()).status).toBe('down');
    await igLogin.resubscribe(loginIgId);
    expect((await igLogin.probes()[1]!.run()).status).toBe('ok');
  });
});
