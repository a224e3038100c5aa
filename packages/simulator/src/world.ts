import { createPrng, randomAlnum } from './prng.js';
import { IG_LOGIN_SCOPES, PAGE_SCOPES, WA_SCOPES } from './scopes.js';
import type { SimCustomer, SimPhoneNumber, SimToken, SimWorld, WorldSpec } from './types.js';

const FIRST_NAMES = ['Amélie', 'محمد', 'Jonas', 'Øyvind', 'Zoë', 'יעל', 'Siddharth', 'Léa', 'Kenji', 'Chloé'];
const LAST_NAMES = ['Dubois', 'العلي', 'Müller', 'Ñúñez', 'Kowalski', 'כהן', 'Okafor', 'Nakamura'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Builds the simulated world: one app, Pages (some linked to Instagram professional accounts),
 * unlinked Instagram Login accounts, one WABA with phone numbers, customers per account and the
 * tokens to use them. With a `seed` everything is deterministic; without one the layout (ids, names)
 * is seed 1's but the app secret, verify token and access tokens are random for this run, so no two
 * machines share them.
 */
export function createWorld(seed: number | undefined, spec: WorldSpec = {}, now = Date.now()): SimWorld {
  const rng = createPrng(seed ?? 1);
  // The seeded draw always happens, so the layout that follows is the same either way.
  const secret = (length: number) => {
    const seeded = rng.alnum(length);
    return seed === undefined ? randomAlnum(length) : seeded;
  };
  const pageCount = spec.pages ?? 2;
  const linked = Math.min(spec.linkedInstagram ?? 1, pageCount);
  const unlinked = spec.unlinkedInstagram ?? 1;
  const phoneCount = spec.phoneNumbers ?? 2;
  const perAccount = spec.customersPerAccount ?? 3;
  const tokens: SimToken[] = [];
  const token = (prefix: string, t: Omit<SimToken, 'token' | 'issuedAt' | 'expiresAt'>, expiresAt = 0) => {
    const value = `${prefix}${secret(60)}`;
    tokens.push({ ...t, token: value, issuedAt: now - DAY, expiresAt });
    return value;
  };

  const appId = rng.digits(15);
  const seededSecret = secret(32).toLowerCase();
  const seededVerify = `verify-${secret(16)}`;
  const appSecret = spec.appSecret ?? seededSecret;
  const app = {
    id: appId,
    name: 'Switchboard Simulator App',
    secret: appSecret,
    verifyToken: spec.verifyToken ?? seededVerify,
    appToken: `${appId}|${appSecret}`,
  };
  tokens.push({
    token: app.appToken,
    type: 'APP',
    label: 'app',
    profileId: appId,
    scopes: [],
    targetIds: [appId],
    issuedAt: now - DAY,
    expiresAt: 0,
  });

  const customers: SimCustomer[] = [];
  const addCustomers = (channel: SimCustomer['channel'], accountId: string) => {
    for (let i = 0; i < perAccount; i++) {
      const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
      if (channel === 'whatsapp') {
        const waId = `${rng.pick(['33', '49', '971', '972', '1', '44'])}${rng.digits(9)}`;
        customers.push({ channel, accountId, userId: waId, name, bsuid: `US.${rng.digits(20)}` });
      } else {
        const username = channel === 'instagram' ? `user.${rng.alnum(8).toLowerCase()}` : undefined;
        customers.push({
          channel,
          accountId,
          userId: rng.digits(channel === 'instagram' ? 17 : 16),
          name,
          ...(username ? { username } : {}),
        });
      }
    }
  };

  const pages: SimWorld['pages'] = [];
  const instagram: SimWorld['instagram'] = [];
  for (let i = 0; i < pageCount; i++) {
    const id = rng.digits(15);
    const igId = i < linked ? `1784${rng.digits(13)}` : undefined;
    const targetIds = igId ? [id, igId] : [id];
    const accessToken = token('EAA', {
      type: 'PAGE',
      label: `page:${i}`,
      profileId: id,
      scopes: PAGE_SCOPES,
      targetIds,
    });
    pages.push({ id, name: `Simulated Page ${i + 1}`, accessToken, ...(igId ? { instagramId: igId } : {}) });
    addCustomers('messenger', id);
    if (igId) {
      const loginToken = token('IGAA', {
        type: 'USER',
        label: `instagram:${instagram.length}:login`,
        profileId: igId,
        scopes: IG_LOGIN_SCOPES,
        targetIds: [igId],
      });
      instagram.push({ id: igId, username: `simulated.shop${i + 1}`, pageId: id, accessToken, loginToken });
      addCustomers('instagram', igId);
    }
  }
  for (let i = 0; i < unlinked; i++) {
    const igId = `1784${rng.digits(13)}`;
    const label = `instagram:${instagram.length}:login`;
    const loginToken = token('IGAA', {
      type: 'USER',
      label,
      profileId: igId,
      scopes: IG_LOGIN_SCOPES,
      targetIds: [igId],
    });
    instagram.push({ id: igId, username: `simulated.studio${i + 1}`, accessToken: loginToken, loginToken });
    addCustomers('instagram', igId);
  }

  const wabaId = rng.digits(15);
  const phoneNumbers: SimPhoneNumber[] = [];
  for (let i = 0; i < phoneCount; i++) {
    const id = rng.digits(15);
    phoneNumbers.push({
      id,
      wabaId,
      displayPhoneNumber: `1555${rng.digits(7)}`,
      verifiedName: `Simulated Business ${i + 1}`,
    });
    addCustomers('whatsapp', id);
  }
  const wabas = [{ id: wabaId, name: 'Simulated WABA', phoneNumberIds: phoneNumbers.map((p) => p.id) }];
  const waTargets = [wabaId, ...phoneNumbers.map((p) => p.id)];
  const systemUserToken = token('EAA', {
    type: 'SYSTEM_USER',
    label: 'system-user',
    profileId: rng.digits(15),
    scopes: WA_SCOPES,
    targetIds: waTargets,
  });

  const page0 = pages[0];
  const testTarget = page0 ? [page0.id, ...(page0.instagramId ? [page0.instagramId] : [])] : [];
  const testBase = {
    type: 'PAGE' as const,
    profileId: page0?.id ?? appId,
    scopes: PAGE_SCOPES,
    targetIds: testTarget,
  };
  const testTokens = {
    expiring: token('EAA', { ...testBase, label: 'page:0:expiring' }, now + HOUR),
    expired: token('EAA', { ...testBase, label: 'page:0:expired' }, now - HOUR),
    revoked: token('EAA', { ...testBase, label: 'page:0:revoked' }),
    noScopes: token('EAA', { ...testBase, label: 'page:0:no-scopes', scopes: [] }),
  };
  const revoked = tokens.find((t) => t.token === testTokens.revoked);
  if (revoked) revoked.revokedSubcode = 460;

  return {
    app,
    pages,
    instagram,
    wabas,
    phoneNumbers,
    systemUserToken,
    users: [],
    customers,
    tokens,
    testTokens,
    templates: [
      { name: 'hello_world', language: 'en_US', category: 'UTILITY' },
      { name: 'order_update', language: 'en_US', category: 'UTILITY' },
      { name: 'spring_sale', language: 'fr', category: 'MARKETING' },
    ],
  };
}

/** The world without secrets or tokens, for printing and `/_sim/state`. */
export function publicWorld(world: SimWorld): Record<string, unknown> {
  return {
    app: { id: world.app.id, name: world.app.name },
    pages: world.pages.map(({ accessToken: _t, ...p }) => p),
    instagram: world.instagram.map(({ accessToken: _a, loginToken: _l, ...a }) => a),
    wabas: world.wabas,
    phoneNumbers: world.phoneNumbers,
    customers: world.customers,
    templates: world.templates,
  };
}
