import {
  createMemoryStore,
  createSwitchboard,
  type Switchboard,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInstagramAdapter, type InstagramAdapter, META_INBOX_APP_IDS } from '../src/index.js';

let sim: MetaSimulator;
let fbLogin: InstagramAdapter;
let igLogin: InstagramAdapter;
let switchboard: Switchboard;
let igId: string;
let pageId: string;
let loginIgId: string;
let igsid: string;
let quietIgsid: string;
let loginIgsid: string;

beforeAll(async () => {
  // Nobody has written yet: only those who write below give consent.
  sim = await startMetaSimulator({ seed: 19, world: { windowsOpen: false } });
  const linked = sim.world.instagram.find((a) => a.pageId)!;
  const unlinked = sim.world.instagram.find((a) => !a.pageId)!;
  igId = linked.id;
  pageId = linked.pageId!;
  loginIgId = unlinked.id;
  const customers = sim.account('instagram', sim.world.instagram.indexOf(linked)).customers;
  igsid = customers[0]!.userId;
  quietIgsid = customers[1]!.userId;
  loginIgsid = sim.account('instagram', sim.world.instagram.indexOf(unlinked)).customers[0]!.userId;
  const common = {
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    graphBaseUrl: sim.url,
  };
  fbLogin = createInstagramAdapter({
    ...common,
    apiFlavour: 'facebook-login',
    instagramAccountIds: [igId],
    pageIdByInstagramAccountId: { [igId]: pageId },
    accessToken: linked.accessToken,
  });
  igLogin = createInstagramAdapter({
    ...common,
    apiFlavour: 'instagram-login',
    accessTokens: { [loginIgId]: unlinked.loginToken },
  });
  switchboard = createSwitchboard({
    adapters: [fbLogin],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
    tokens: false,
  });
  sim.customerSends({ channel: 'instagram', accountId: igId, userId: igsid, kind: 'text', text: 'hi' });
  sim.customerSends({
    channel: 'instagram',
    accountId: loginIgId,
    userId: loginIgsid,
    kind: 'text',
    text: 'hi',
  });
  await sim.idle();
});
afterAll(() => sim?.stop());

describe('Instagram user profiles', () => {
  it('name, username, avatar and follower facts for a person who wrote', async () => {
    const profile = await switchboard.profiles.get({ channel: 'instagram', accountId: igId, userId: igsid });
    expect(profile).toMatchObject({ name: expect.any(String), username: expect.any(String) });
    expect(profile?.avatarUrl).toMatch(new RegExp(`^${sim.url}/_avatar/instagram/${igsid}\\?ext=`));
    expect(typeof profile?.followerCount).toBe('number');
    expect(typeof profile?.followsBusiness).toBe('boolean');
    expect(typeof profile?.followedByBusiness).toBe('boolean');
    expect(typeof profile?.verified).toBe('boolean');
    const login = await igLogin.userProfile(loginIgId, loginIgsid);
    expect(login).toMatchObject({ found: true, profile: { username: expect.any(String) } });
  });

  it('consent required (#230) for a person who never wrote: absent, cached, not asked again', async () => {
    const lookups = vi.spyOn(fbLogin, 'userProfile');
    const ref = { channel: 'instagram', accountId: igId, userId: quietIgsid };
    expect(await switchboard.profiles.get(ref)).toBeNull();
    expect(await switchboard.profiles.get(ref)).toBeNull();
    expect(lookups).toHaveBeenCalledTimes(1);
    expect((await switchboard.store.profiles.get('instagram', igId, quietIgsid))?.absentReason).toMatch(
      /#230/,
    );
    lookups.mockRestore();
  });
});

describe('Instagram ice breakers and persistent menu', () => {
  const iceBreakers = [
    {
      locale: 'default',
      questions: [
        { question: 'Do you ship abroad?', payload: 'SHIPPING' },
        { question: 'Where is my order?', payload: 'ORDER' },
      ],
    },
  ];

  it('Facebook Login: written through the Page with platform=instagram; Messenger-only settings refused', async () => {
    const result = await fbLogin.ensureProfile(igId, {
      iceBreakers,
      persistentMenu: [
        { locale: 'default', actions: [{ type: 'postback', title: 'Agent', payload: 'HUMAN' }] },
      ],
    });
    expect(result.written.sort()).toEqual(['iceBreakers', 'persistentMenu']);
    expect(sim.people.profileSettings(igId)).toMatchObject({
      ice_breakers: [
        {
          locale: 'default',
          call_to_actions: [
            { question: 'Do you ship abroad?', payload: 'SHIPPING' },
            { question: 'Where is my order?', payload: 'ORDER' },
          ],
        },
      ],
    });
    // The Page's own Messenger settings are untouched.
    expect(sim.people.profileSettings(pageId)).toEqual({});
    const before = sim.people.profileApiCalls(igId);
    for (const bad of [
      { greeting: [{ locale: 'default', text: 'Hi' }] },
      { getStarted: { payload: 'GO' } },
      {
        persistentMenu: [
          {
            locale: 'default',
            composerInputDisabled: true,
            actions: [{ type: 'postback' as const, title: 'A', payload: 'A' }],
          },
        ],
      },
    ]) {
      const error = await fbLogin.ensureProfile(igId, bad).catch((e: unknown) => e);
      expect(SwitchboardError.is(error, 'INVALID_REQUEST'), String(error)).toBe(true);
    }
    expect(sim.people.profileApiCalls(igId)).toBe(before);
  });

  it('Instagram Login: on the IG account itself', async () => {
    await igLogin.profileSettings.set(loginIgId, { iceBreakers });
    expect(await igLogin.profileSettings.get(loginIgId)).toEqual({ iceBreakers });
    await igLogin.profileSettings.delete(loginIgId, ['iceBreakers']);
    expect(await igLogin.profileSettings.get(loginIgId)).toEqual({});
  });
});

describe('Instagram conversation routing', () => {
  it('thread control on the Page node with the IGSID; sends refused while the Instagram Inbox owns it', async () => {
    const control = fbLogin.threadControl(igId);
    await control.pass(igsid, META_INBOX_APP_IDS.instagramInbox);
    expect(await control.owner(igsid)).toMatchObject({
      appId: META_INBOX_APP_IDS.instagramInbox,
      ownedByThisApp: false,
    });
    const error = await fbLogin
      .send({
        to: { channel: 'instagram', accountId: igId, userId: igsid },
        content: { type: 'text', text: 'x' },
      })
      .catch((e: unknown) => e);
    expect(SwitchboardError.is(error, 'THREAD_NOT_OWNED')).toBe(true);
    expect((error as SwitchboardError).platform?.subcode).toBe(2534037);
    await control.take(igsid);
    await fbLogin.send({
      to: { channel: 'instagram', accountId: igId, userId: igsid },
      content: { type: 'text', text: 'Back' },
    });
  });
});
