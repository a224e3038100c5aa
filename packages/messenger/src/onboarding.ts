import {
  type AccountRecord,
  type Accounts,
  type ConnectAccountInput,
  SwitchboardError,
} from '@switchboard/core';
import {
  describeToken,
  exchangeCode,
  exchangeForLongLivedUserToken,
  type MetaAppCredentials,
  type OAuthHosts,
  onboardingClient,
  subscribeAppFields,
} from '@switchboard/meta-graph';
import { z } from 'zod';
import { MESSENGER_SUBSCRIBED_FIELDS } from './config.js';

/**
 * Options of `connectFacebookLogin`: the person's short-lived user token (`FB.login`) or the code of
 * the redirect flow with its `redirectUri`.
 *
 * @example
 * const { pages, instagram } = await connectFacebookLogin({
 *   accounts: switchboard.accounts,
 *   appId: process.env.MESSENGER_APP_ID!,
 *   appSecret: process.env.MESSENGER_APP_SECRET!,
 *   userAccessToken,           // authResponse.accessToken from FB.login
 *   tenantId: 'acme',
 * });
 */
export type FacebookLoginOptions = MetaAppCredentials &
  OAuthHosts & {
    accounts: Pick<Accounts, 'connect'>;
    tenantId?: string;
    /** Only these Pages (default: every Page the person can message from). */
    pageIds?: string[];
    /** Connect the Instagram accounts linked to the Pages (default true). */
    instagram?: boolean;
    /** Page webhook fields to add to the app's subscription (default `MESSENGER_SUBSCRIBED_FIELDS`); fields already subscribed stay. */
    subscribedFields?: readonly string[];
    now?: () => number;
  } & ({ userAccessToken: string } | { code: string; redirectUri: string });

export interface FacebookLoginResult {
  pages: AccountRecord[];
  /** Instagram accounts connected as `facebook-login` accounts of their Page. */
  instagram: AccountRecord[];
  /** Pages the person cannot message from (no `MESSAGING` task), left out. */
  skipped: Array<{ pageId: string; reason: string }>;
}

const PageEntry = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  access_token: z.string().min(1),
  tasks: z.array(z.string()).optional(),
});
const PageNode = z.looseObject({
  id: z.string(),
  instagram_business_account: z.looseObject({ id: z.string().min(1) }).optional(),
});

/**
 * Server side of Facebook Login for Messenger (and Instagram through a Page): turn the person's
 * token into a long-lived one (so the Page tokens never expire), list their Pages with `/me/accounts`,
 * and for each Page they can message from: read the token with `debug_token`, find the linked
 * Instagram account, subscribe the app to the Page (adding its fields to those already there), then `accounts.connect` the Page (and the
 * Instagram account, `loginFlavour: 'facebook-login'`, `linkedIds.pageId`) with the Page token.
 */
export async function connectFacebookLogin(options: FacebookLoginOptions): Promise<FacebookLoginResult> {
  const now = options.now ?? Date.now;
  const app = { appId: options.appId, appSecret: options.appSecret };
  const short =
    'userAccessToken' in options
      ? options.userAccessToken
      : (
          await exchangeCode(
            app,
            { code: options.code, redirectUri: options.redirectUri },
            options,
            'messenger',
          )
        ).access_token;
  const { access_token: userToken } = await exchangeForLongLivedUserToken(app, short, options);
  const user = onboardingClient(userToken, 'messenger', options);
  const entries: z.output<typeof PageEntry>[] = [];
  for await (const page of user.paginate('/me/accounts', PageEntry, { fields: 'id,name,access_token,tasks' }))
    entries.push(page);
  const result: FacebookLoginResult = { pages: [], instagram: [], skipped: [] };
  const wanted = options.pageIds ? entries.filter((p) => options.pageIds?.includes(p.id)) : entries;
  for (const id of options.pageIds ?? [])
    if (!entries.some((p) => p.id === id))
      result.skipped.push({ pageId: id, reason: 'not among the person’s Pages' });
  for (const entry of wanted) {
    if (entry.tasks && !entry.tasks.includes('MESSAGING')) {
      result.skipped.push({ pageId: entry.id, reason: 'the person has no MESSAGING task on this Page' });
      continue;
    }
    const info = await describeToken(app, entry.access_token, options, now, 'messenger');
    const token = { expiresAt: info.expiresAt, scopes: info.scopes, checkedAt: info.checkedAt };
    const page = onboardingClient(entry.access_token, 'messenger', options);
    const { data: node } = await page.get(`/${entry.id}`, PageNode, {
      fields: 'id,instagram_business_account',
    });
    await subscribeAppFields(page, {
      path: `/${entry.id}/subscribed_apps`,
      appId: options.appId,
      fields: options.subscribedFields ?? MESSENGER_SUBSCRIBED_FIELDS,
    });
    const shared = {
      ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
      appId: options.appId,
      token,
      credentials: { accessToken: entry.access_token },
    };
    const pageInput: ConnectAccountInput = {
      channel: 'messenger',
      accountId: entry.id,
      label: entry.name ?? entry.id,
      ...shared,
    };
    result.pages.push(await options.accounts.connect(pageInput));
    const igId = node.instagram_business_account?.id;
    if (igId && options.instagram !== false) {
      const igInput: ConnectAccountInput = {
        channel: 'instagram',
        accountId: igId,
        label: entry.name ?? igId,
        loginFlavour: 'facebook-login',
        linkedIds: { pageId: entry.id },
        ...shared,
      };
      result.instagram.push(await options.accounts.connect(igInput));
    }
  }
  if (result.pages.length === 0 && wanted.length === 0 && !options.pageIds)
    throw new SwitchboardError('PERMISSION_DENIED', 'The person granted no Page: nothing to connect', {
      retryable: false,
    });
  return result;
}
