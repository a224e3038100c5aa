import type { AccountFactory } from '../accounts.js';
import { authenticate, requireScope, tokenProblem } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import { INSTAGRAM_LOGIN_SCOPES, SHORT_USER_TOKEN_MS, USER_SCOPES } from '../onboarding.js';
import type { OneTimeCode } from '../onboarding-state.js';
import { onboardingState } from '../onboarding-state.js';
import { PAGE_SCOPES } from '../scopes.js';
import type { SimToken } from '../types.js';
import { indexOf } from '../world-index.js';

const DAY = 86_400_000;
/** `expires_in` of a 60-day token, as Meta answers it (a little under 60 × 86 400). */
const SIXTY_DAYS_S = 5_183_944;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Checks `client_id` / `client_secret` as Graph's OAuth endpoints do. */
function checkClient(ctx: SimContext, req: GraphRequest): void {
  const { app } = ctx.state.world;
  const clientId = str(req.params.client_id);
  if (!clientId) throw new GraphError(400, 101, 'Missing client_id parameter.');
  if (clientId !== app.id)
    throw new GraphError(400, 101, 'Error validating application. Invalid application ID.');
  if (str(req.params.client_secret) !== app.secret)
    throw new GraphError(400, 1, 'Error validating client secret.');
}

/** Why a code cannot be exchanged (Graph wording: 100/36007 expired, 100/36009 used), or undefined. */
function codeProblem(code: OneTimeCode | undefined, now: number): GraphError | undefined {
  if (!code) return new GraphError(400, 100, 'Invalid verification code format.');
  if (code.used)
    return new GraphError(400, 100, 'This authorization code has been used.', { subcode: 36009 });
  if (code.expiresAt <= now)
    return new GraphError(400, 100, 'This authorization code has expired.', { subcode: 36007 });
  return undefined;
}

/**
 * `GET /oauth/access_token` on graph.facebook.com: `grant_type=fb_exchange_token` (short → long-lived
 * user token), or `code` (Embedded Signup → business token; Facebook Login → user token). Every code
 * works once, within its lifetime.
 */
export function handleOAuthAccessToken(
  ctx: SimContext,
  req: GraphRequest,
  factory: AccountFactory,
): GraphResponse {
  if (req.params.grant_type === 'authorization_code') return handleInstagramCode(ctx, req, factory);
  checkClient(ctx, req);
  const now = ctx.clock.now();
  const index = indexOf(ctx.state.world);
  if (req.params.grant_type === 'fb_exchange_token') {
    const value = str(req.params.fb_exchange_token);
    if (!value) throw invalidParam('The parameter fb_exchange_token is required');
    const short = index.tokens.get(value);
    const problem = tokenProblem(short, now);
    if (problem || !short)
      throw new GraphError(400, 190, problem?.message ?? 'Invalid OAuth access token.', {
        ...(problem?.subcode !== undefined ? { subcode: problem.subcode } : {}),
      });
    if (short.grant !== 'fb-user-short' && short.grant !== 'fb-user-long')
      throw invalidParam('fb_exchange_token must be a user access token of this app');
    const long = factory.newToken('EAA', {
      type: 'USER',
      label: `user:${short.profileId}:long`,
      profileId: short.profileId,
      scopes: short.scopes,
      targetIds: short.targetIds,
      expiresAt: now + 60 * DAY,
      grant: 'fb-user-long',
    });
    return { body: { access_token: long.token, token_type: 'bearer', expires_in: SIXTY_DAYS_S } };
  }
  const value = str(req.params.code);
  if (!value) throw invalidParam('Missing grant_type, code or fb_exchange_token parameter.');
  const codes = onboardingState(ctx.state).codes;
  const code = codes.get(value);
  const problem = codeProblem(code?.kind === 'instagram-login' ? undefined : code, now);
  if (problem || !code) throw problem;
  if (code.kind === 'facebook-login' && str(req.params.redirect_uri) !== code.redirectUri)
    throw new GraphError(
      400,
      100,
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      { subcode: 36008 },
    );
  code.used = true;
  if (code.kind === 'embedded-signup') {
    const waba = index.wabas.get(code.subject);
    if (!waba) throw new GraphError(400, 100, 'Invalid verification code format.');
    const token = factory.businessToken(waba, code.tokenExpires === true);
    // Meta's page shows only the token; real responses are JSON with the token type (§8.4).
    return {
      body: {
        access_token: token.token,
        token_type: 'bearer',
        ...(token.expiresAt ? { expires_in: SIXTY_DAYS_S } : {}),
      },
    };
  }
  const user = index.users.get(code.subject);
  if (!user) throw new GraphError(400, 100, 'Invalid verification code format.');
  const token = factory.newToken('EAA', {
    type: 'USER',
    label: `user:${user.id}:short`,
    profileId: user.id,
    scopes: USER_SCOPES,
    targetIds: [...user.pageIds, ...user.pageIds.flatMap((id) => index.pages.get(id)?.instagramId ?? [])],
    expiresAt: now + SHORT_USER_TOKEN_MS,
    grant: 'fb-user-short',
  });
  return {
    body: { access_token: token.token, token_type: 'bearer', expires_in: SHORT_USER_TOKEN_MS / 1000 },
  };
}

/** api.instagram.com answers OAuth errors in its own shape, not Graph's. */
const igOAuthError = (message: string): GraphResponse => ({
  status: 400,
  body: { error_type: 'OAuthException', code: 400, error_message: message },
});

/** `POST https://api.instagram.com/oauth/access_token` (form): Instagram Login code → short-lived (1 h) token. */
function handleInstagramCode(ctx: SimContext, req: GraphRequest, factory: AccountFactory): GraphResponse {
  if (req.method !== 'POST') return igOAuthError('Invalid request: the token endpoint takes a POST');
  const { app } = ctx.state.world;
  if (str(req.params.client_id) !== app.id) return igOAuthError('Invalid platform app');
  if (str(req.params.client_secret) !== app.secret) return igOAuthError('Error validating client secret');
  const now = ctx.clock.now();
  const code = onboardingState(ctx.state).codes.get(str(req.params.code) ?? '');
  if (code?.kind !== 'instagram-login' || code.used)
    return igOAuthError('Matching code was not found or was already used');
  if (code.expiresAt <= now) return igOAuthError('This authorization code has expired');
  if (str(req.params.redirect_uri) !== code.redirectUri)
    return igOAuthError(
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
    );
  code.used = true;
  const token = factory.newToken('IGAA', {
    type: 'USER',
    label: `instagram:${code.subject}:short`,
    profileId: code.subject,
    scopes: INSTAGRAM_LOGIN_SCOPES,
    targetIds: [code.subject],
    expiresAt: now + 3_600_000,
    grant: 'ig-short',
  });
  return { body: { access_token: token.token, user_id: code.subject, permissions: INSTAGRAM_LOGIN_SCOPES } };
}

/** `GET graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=…&access_token=<short>`. */
export function handleInstagramExchange(
  ctx: SimContext,
  req: GraphRequest,
  factory: AccountFactory,
): GraphResponse {
  if (req.params.grant_type !== 'ig_exchange_token')
    throw invalidParam('grant_type must be ig_exchange_token');
  const short = authenticate(req, ctx.state, ctx.clock.now());
  if (str(req.params.client_secret) !== ctx.state.world.app.secret)
    throw new GraphError(400, 1, 'Error validating client secret.');
  if (short.grant !== 'ig-short')
    throw invalidParam('The access token is not a short-lived Instagram User access token');
  return issueLong(ctx, short, factory);
}

/**
 * `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=<long>`: the
 * token must be a 60-day one, at least 24 h old, not expired, with `instagram_business_basic`.
 */
export function handleInstagramRefresh(
  ctx: SimContext,
  req: GraphRequest,
  factory: AccountFactory,
): GraphResponse {
  if (req.params.grant_type !== 'ig_refresh_token') throw invalidParam('grant_type must be ig_refresh_token');
  const now = ctx.clock.now();
  const long = authenticate(req, ctx.state, now);
  if (long.grant !== 'ig-long')
    throw invalidParam('Only long-lived Instagram User access tokens can be refreshed');
  requireScope(long, 'instagram_business_basic');
  if (now - long.issuedAt < DAY)
    throw invalidParam('The access token cannot be refreshed: it must be at least 24 hours old');
  return issueLong(ctx, long, factory);
}

function issueLong(ctx: SimContext, from: SimToken, factory: AccountFactory): GraphResponse {
  const now = ctx.clock.now();
  const long = factory.newToken('IGAA', {
    type: 'USER',
    label: `instagram:${from.profileId}:login`,
    profileId: from.profileId,
    scopes: from.scopes,
    targetIds: from.targetIds,
    expiresAt: now + 60 * DAY,
    grant: 'ig-long',
  });
  const ig = indexOf(ctx.state.world).instagram.get(from.profileId);
  // The account sends with its newest login token (unless it sends through its Page).
  if (ig) {
    ig.loginToken = long.token;
    if (!ig.pageId) ig.accessToken = long.token;
  }
  return { body: { access_token: long.token, token_type: 'bearer', expires_in: SIXTY_DAYS_S } };
}

/**
 * `GET /me/accounts` (user token): the person's Pages with a Page token each, paged (`limit`, default
 * 25, cursor `after`). Page tokens from a long-lived user token never expire; from a short-lived one
 * they expire with it.
 */
export function handleMeAccounts(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  factory: AccountFactory,
): GraphResponse {
  requireScope(token, 'pages_show_list', 200);
  const index = indexOf(ctx.state.world);
  const user = index.users.get(token.profileId);
  if (!user) throw invalidParam('/accounts needs a user access token');
  const limit = Math.min(Math.max(Number(req.params.limit ?? 25) || 25, 1), 100);
  const after = str(req.params.after);
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) + 1 : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParam('Invalid cursor');
  const pageTokens = onboardingState(ctx.state).pageTokens;
  const ids = user.pageIds.slice(start, start + limit);
  const data = ids.flatMap((pageId) => {
    const page = index.pages.get(pageId);
    if (!page) return [];
    const key = `${token.token}:${pageId}`;
    let pageToken = pageTokens.get(key);
    if (!pageToken) {
      pageToken = factory.newToken('EAA', {
        type: 'PAGE',
        label: `page:${pageId}:from-user`,
        profileId: pageId,
        scopes: PAGE_SCOPES,
        targetIds: page.instagramId ? [pageId, page.instagramId] : [pageId],
        expiresAt: token.grant === 'fb-user-long' ? 0 : token.expiresAt,
      }).token;
      pageTokens.set(key, pageToken);
    }
    return [
      {
        access_token: pageToken,
        category: 'Business',
        category_list: [{ id: '2200', name: 'Business' }],
        name: page.name,
        id: page.id,
        tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
      },
    ];
  });
  const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
  const last = start + ids.length - 1;
  const more = last + 1 < user.pageIds.length;
  return {
    body: {
      data,
      paging: {
        cursors: { before: cursor(start), after: cursor(last) },
        ...(more
          ? { next: `${ctx.baseUrl}/v24.0/${user.id}/accounts?limit=${limit}&after=${cursor(last)}` }
          : {}),
      },
    },
  };
}
