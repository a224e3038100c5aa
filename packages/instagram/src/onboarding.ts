import {
  type AccountRecord,
  type Accounts,
  type ConnectAccountInput,
  SwitchboardError,
} from '@switchboard/core';
import {
  exchangeInstagramCode,
  exchangeInstagramToken,
  INSTAGRAM_GRAPH_BASE_URL,
  type MetaAppCredentials,
  type OAuthHosts,
  onboardingClient,
  subscribeAppFields,
} from '@switchboard/meta-graph';
import { z } from 'zod';
import { INSTAGRAM_SUBSCRIBED_FIELDS } from './config.js';

/**
 * Options of `connectInstagramLogin`.
 *
 * @example
 * const account = await connectInstagramLogin({
 *   accounts: switchboard.accounts,
 *   appId: process.env.INSTAGRAM_APP_ID!,
 *   appSecret: process.env.INSTAGRAM_APP_SECRET!,
 *   code: req.query.code,                       // from the redirect of instagram.com/oauth/authorize
 *   redirectUri: 'https://platform.example.com/auth/instagram/callback',
 *   tenantId: 'acme',
 * });
 */
export interface InstagramLoginOptions extends MetaAppCredentials, OAuthHosts {
  accounts: Pick<Accounts, 'connect'>;
  /** `?code=` of the redirect (1 h, once). */
  code: string;
  /** Exactly the `redirect_uri` of the authorize URL. */
  redirectUri: string;
  tenantId?: string;
  /** Webhook fields to add to the app's subscription (default the `instagram-login` set of `INSTAGRAM_SUBSCRIBED_FIELDS`); fields already subscribed stay. */
  subscribedFields?: readonly string[];
  now?: () => number;
}

const Me = z.looseObject({
  id: z.string().min(1),
  user_id: z.union([z.string(), z.number()]).transform(String).optional(),
  username: z.string().optional(),
});

/**
 * Server side of Instagram Login (Instagram API with Instagram Login, no Facebook Page): exchange the
 * code for a short-lived token, that for a 60-day one, read the professional account (`user_id`: the
 * id webhooks carry), subscribe the app to it, then `accounts.connect` it with
 * `loginFlavour: 'instagram-login'` and `token.expiresAt` (refresh it after 24 h, before the 60 days).
 */
export async function connectInstagramLogin(options: InstagramLoginOptions): Promise<AccountRecord> {
  const now = options.now ?? Date.now;
  const app = { appId: options.appId, appSecret: options.appSecret };
  const short = await exchangeInstagramCode(
    app,
    { code: options.code, redirectUri: options.redirectUri },
    options,
  );
  if (!short.permissions.includes('instagram_business_basic') && short.permissions.length > 0)
    throw new SwitchboardError(
      'PERMISSION_DENIED',
      'The person did not grant instagram_business_basic: the token could not be refreshed, ask for it in the authorize URL',
      { retryable: false },
    );
  const long = await exchangeInstagramToken(app, short.accessToken, options, now);
  const base = options.instagramGraphBaseUrl ?? INSTAGRAM_GRAPH_BASE_URL;
  const graph = onboardingClient(long.accessToken, 'instagram', options, base);
  const { data: me } = await graph.get('/me', Me, { fields: 'id,user_id,username' });
  const accountId = me.user_id ?? short.userId;
  await subscribeAppFields(graph, {
    path: '/me/subscribed_apps',
    appId: options.appId,
    fields: options.subscribedFields ?? INSTAGRAM_SUBSCRIBED_FIELDS['instagram-login'],
  });
  const input: ConnectAccountInput = {
    channel: 'instagram',
    accountId,
    ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
    label: me.username ? `@${me.username}` : accountId,
    loginFlavour: 'instagram-login',
    appId: options.appId,
    token: { expiresAt: long.expiresAt, scopes: short.permissions, checkedAt: now() },
    credentials: { accessToken: long.accessToken },
  };
  return options.accounts.connect(input);
}
