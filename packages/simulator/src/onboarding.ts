import type { AccountFactory } from './accounts.js';
import type { SimContext } from './context.js';
import { onboardingState } from './onboarding-state.js';
import { IG_LOGIN_SCOPES } from './scopes.js';
import type { SimUser } from './types.js';
import { indexOf } from './world-index.js';

const SECOND = 1000;
/** Embedded Signup's code lives 30 s (reference §8.4). */
export const EMBEDDED_SIGNUP_CODE_TTL_MS = 30 * SECOND;
/** Facebook Login codes: 10 minutes. */
export const FACEBOOK_LOGIN_CODE_TTL_MS = 10 * 60 * SECOND;
/** Instagram Login codes: 1 hour. */
export const INSTAGRAM_LOGIN_CODE_TTL_MS = 60 * 60 * SECOND;
/** Facebook short-lived user tokens: 1 hour. */
export const SHORT_USER_TOKEN_MS = 60 * 60 * SECOND;
export const USER_SCOPES = [
  'pages_show_list',
  'pages_messaging',
  'pages_manage_metadata',
  'pages_read_engagement',
  'instagram_basic',
  'instagram_manage_messages',
  'business_management',
];

/** What the browser gets at the end of Embedded Signup: the code and the session-logging message. */
export interface EmbeddedSignupSession {
  /** `response.authResponse.code`: exchange within 30 s, once. */
  code: string;
  wabaId: string;
  phoneNumberIds: string[];
  businessId: string;
  /** The `WA_EMBEDDED_SIGNUP` `FINISH` message posted to the page. */
  message: {
    type: 'WA_EMBEDDED_SIGNUP';
    event: 'FINISH';
    data: { phone_number_id: string; waba_id: string; business_id: string };
  };
}

/** What a Facebook Login dialog gives: a short-lived user token (JS SDK) or a code (redirect). */
export interface FacebookLoginSession {
  userId: string;
  /** Short-lived (1 h) user token, as `FB.login` returns it. */
  userAccessToken: string;
  /** Code for the redirect flow (10 min, once), bound to `redirectUri`. */
  code: string;
  redirectUri: string;
  pageIds: string[];
  /** Instagram accounts linked to those Pages. */
  instagramIds: string[];
}

export interface InstagramLoginSession {
  /** `?code=` on the redirect: 1 h, once, bound to `redirectUri`. */
  code: string;
  instagramId: string;
  redirectUri: string;
}

/** The customer side of the three onboarding flows (`sim.onboarding`). */
export interface SimOnboarding {
  /**
   * A customer completes Embedded Signup: a new WABA with `phoneNumbers` numbers (default 1,
   * unregistered, app not subscribed yet) and an `account_update` `PARTNER_ADDED` webhook. With
   * `wabaId`, the customer goes through it again for the WABA of an earlier signup.
   */
  embeddedSignup(input?: {
    wabaId?: string;
    phoneNumbers?: number;
    name?: string;
    tokenExpires?: boolean;
  }): EmbeddedSignupSession;
  /**
   * A person logs in with Facebook: a user managing `pages` new Pages (default 1), the first `instagram`
   * of them (default 0) linked to a new Instagram account, or the existing `pageIds`.
   */
  facebookLogin(input?: {
    pages?: number;
    instagram?: number;
    pageIds?: string[];
    redirectUri?: string;
  }): FacebookLoginSession;
  /** A person logs in with Instagram: a new Instagram Login account (or `instagramId`). */
  instagramLogin(input?: {
    instagramId?: string;
    username?: string;
    redirectUri?: string;
  }): InstagramLoginSession;
}

export function createOnboarding(ctx: SimContext, factory: AccountFactory): SimOnboarding {
  const { state, clock } = ctx;
  const index = indexOf(state.world);
  const codes = onboardingState(state).codes;
  const newCode = (prefix: string) => `${prefix}${factory.secret(60)}`;
  return {
    embeddedSignup(input = {}) {
      const existing = input.wabaId === undefined ? undefined : index.wabas.get(input.wabaId);
      if (input.wabaId !== undefined && !existing?.businessId)
        throw new Error(`no WABA ${input.wabaId} from an earlier Embedded Signup`);
      const { waba, phoneNumbers } = existing
        ? {
            waba: existing,
            phoneNumbers: existing.phoneNumberIds.flatMap((id) => index.phones.get(id) ?? []),
          }
        : factory.createWaba({
            phoneNumbers: input.phoneNumbers ?? 1,
            ...(input.name ? { name: input.name } : {}),
            subscribed: false,
            registered: false,
          });
      const code = newCode('AQ');
      const now = clock.now();
      codes.set(code, {
        kind: 'embedded-signup',
        createdAt: now,
        expiresAt: now + EMBEDDED_SIGNUP_CODE_TTL_MS,
        used: false,
        subject: waba.id,
        ...(input.tokenExpires ? { tokenExpires: true } : {}),
      });
      publishPartnerEvent(ctx, waba.id, {
        event: 'PARTNER_ADDED',
        waba_info: { waba_id: waba.id, owner_business_id: waba.businessId ?? '' },
      });
      const businessId = waba.businessId ?? '';
      const first = phoneNumbers[0]?.id ?? '';
      return {
        code,
        wabaId: waba.id,
        phoneNumberIds: phoneNumbers.map((p) => p.id),
        businessId,
        message: {
          type: 'WA_EMBEDDED_SIGNUP',
          event: 'FINISH',
          data: { phone_number_id: first, waba_id: waba.id, business_id: businessId },
        },
      };
    },
    facebookLogin(input = {}) {
      const pageIds = [...(input.pageIds ?? [])];
      for (const id of pageIds) if (!index.pages.has(id)) throw new Error(`no Page ${id}`);
      for (let i = 0; i < (input.pageIds ? 0 : (input.pages ?? 1)); i++) {
        pageIds.push(factory.addPage({ instagram: i < (input.instagram ?? 0), subscribed: false }).page.id);
      }
      const user: SimUser = { id: factory.digits(16), name: 'Simulated Admin', pageIds };
      state.world.users.push(user);
      index.users.set(user.id, user);
      const instagramIds = pageIds.flatMap((id) => index.pages.get(id)?.instagramId ?? []);
      const now = clock.now();
      const token = factory.newToken('EAA', {
        type: 'USER',
        label: `user:${user.id}:short`,
        profileId: user.id,
        scopes: USER_SCOPES,
        targetIds: [...pageIds, ...instagramIds],
        expiresAt: now + SHORT_USER_TOKEN_MS,
        grant: 'fb-user-short',
      });
      const redirectUri = input.redirectUri ?? 'https://app.example.com/auth/facebook/callback';
      const code = newCode('AQB');
      codes.set(code, {
        kind: 'facebook-login',
        createdAt: now,
        expiresAt: now + FACEBOOK_LOGIN_CODE_TTL_MS,
        used: false,
        redirectUri,
        subject: user.id,
      });
      return { userId: user.id, userAccessToken: token.token, code, redirectUri, pageIds, instagramIds };
    },
    instagramLogin(input = {}) {
      let instagramId = input.instagramId;
      if (instagramId === undefined) {
        instagramId = factory.instagramId();
        // No token until the code is exchanged.
        factory.createInstagram(
          instagramId,
          { ...(input.username ? { username: input.username } : {}), subscribed: false },
          '',
        );
      } else if (!index.instagram.has(instagramId)) {
        throw new Error(`no Instagram account ${instagramId}`);
      }
      const redirectUri = input.redirectUri ?? 'https://app.example.com/auth/instagram/callback';
      const code = newCode('AQD');
      const now = clock.now();
      codes.set(code, {
        kind: 'instagram-login',
        createdAt: now,
        expiresAt: now + INSTAGRAM_LOGIN_CODE_TTL_MS,
        used: false,
        redirectUri,
        subject: instagramId,
      });
      return { code, instagramId, redirectUri };
    },
  };
}

/** Scopes an Instagram Login code grants. */
export const INSTAGRAM_LOGIN_SCOPES = IG_LOGIN_SCOPES;

/**
 * An `account_update` partner webhook for a WABA (`PARTNER_ADDED`, `PARTNER_REMOVED`...). It goes to
 * the app's callback URL whether or not the app is subscribed to that WABA (the app subscribes to
 * `account_update` at app level), never to a WABA override.
 */
export function publishPartnerEvent(ctx: SimContext, wabaId: string, value: Record<string, unknown>): void {
  ctx.publish({
    channel: 'whatsapp',
    accountId: wabaId,
    userId: '',
    type: 'account',
    kind: 'account_update',
    item: value,
  });
}
