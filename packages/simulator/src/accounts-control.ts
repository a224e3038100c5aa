import { parseWith } from '@switchboard/core/internal';
import { z } from 'zod';
import type { SimAccounts } from './accounts.js';
import type { SimOnboarding } from './onboarding.js';

const customers = z.number().int().min(0).max(1000).optional();
const count = z.number().int().min(1).max(10_000).optional();

/** Body of `POST /_sim/accounts`. */
export const AccountBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('page'),
    name: z.string().min(1).optional(),
    instagram: z.union([z.boolean(), z.object({ username: z.string().min(1).optional() })]).optional(),
    customers,
    subscribed: z.boolean().optional(),
    count,
  }),
  z.object({
    type: z.literal('instagram'),
    username: z.string().min(1).optional(),
    customers,
    subscribed: z.boolean().optional(),
    count,
  }),
  z.object({
    type: z.literal('waba'),
    name: z.string().min(1).optional(),
    phoneNumbers: z.number().int().min(1).max(100).optional(),
    customers,
    subscribed: z.boolean().optional(),
    registered: z.boolean().optional(),
    tokenExpires: z.boolean().optional(),
    count,
  }),
]);

/** Bodies of `POST /_sim/onboarding/{embedded-signup|facebook-login|instagram-login}`. */
export const EmbeddedSignupBody = z.object({
  wabaId: z.string().min(1).optional(),
  phoneNumbers: z.number().int().min(1).max(100).optional(),
  name: z.string().min(1).optional(),
  tokenExpires: z.boolean().optional(),
});
export const FacebookLoginBody = z.object({
  pages: z.number().int().min(0).max(1000).optional(),
  instagram: z.number().int().min(0).max(1000).optional(),
  pageIds: z.array(z.string().min(1)).optional(),
  redirectUri: z.string().url().optional(),
});
export const InstagramLoginBody = z.object({
  instagramId: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  redirectUri: z.string().url().optional(),
});

type Answer = { status: number; body: unknown };

/** `/_sim/accounts` and `/_sim/onboarding/*`; undefined for any other path. */
export function accountsControl(
  accounts: SimAccounts,
  onboarding: SimOnboarding,
  method: string,
  segments: string[],
  body: unknown,
): Answer | undefined {
  const [what, id, extra] = segments;
  if (what !== 'accounts' && what !== 'onboarding') return undefined;
  try {
    if (what === 'accounts' && method === 'GET' && !id) return { status: 200, body: accounts.count() };
    if (what === 'accounts' && method === 'POST' && !id) {
      const input = parseWith(AccountBody, body, 'account');
      const { type, count: n = 1, ...rest } = input;
      const created = [];
      for (let i = 0; i < n; i++) {
        if (type === 'page') created.push(accounts.addPage(rest));
        else if (type === 'instagram') created.push(accounts.addInstagram(rest));
        else created.push(accounts.addWaba(rest));
      }
      return { status: 200, body: input.count === undefined ? created[0] : { data: created } };
    }
    if (what === 'accounts' && method === 'DELETE' && id && !extra) {
      return { status: 200, body: { removed: accounts.remove(id) } };
    }
    if (what === 'onboarding' && method === 'POST' && !extra) {
      if (id === 'embedded-signup')
        return {
          status: 200,
          body: onboarding.embeddedSignup(parseWith(EmbeddedSignupBody, body, 'embedded signup')),
        };
      if (id === 'facebook-login')
        return {
          status: 200,
          body: onboarding.facebookLogin(parseWith(FacebookLoginBody, body, 'facebook login')),
        };
      if (id === 'instagram-login')
        return {
          status: 200,
          body: onboarding.instagramLogin(parseWith(InstagramLoginBody, body, 'instagram login')),
        };
    }
    return { status: 404, body: { error: `no control endpoint ${method} /_sim/${segments.join('/')}` } };
  } catch (err) {
    return { status: 400, body: { error: (err as Error).message } };
  }
}
