import type { SimState } from './state.js';

/** Per-number Cloud API registration (absent: registered, as every default-world number is). */
export interface Registration {
  registered: boolean;
  /** The two-step verification PIN set by the last successful register. */
  pin?: string;
  /** Register/deregister request times within the last 72 h. */
  attempts: number[];
  blockedUntil?: number;
}

/** Per-simulator state of onboarding: registrations, webhook overrides, one-time codes. */
export interface OnboardingState {
  registrations: Map<string, Registration>;
  /** WABA or phone number id → its `override_callback_uri` (messaging fields go there instead of the app URL). */
  overrides: Map<string, { uri: string; verifyToken: string }>;
  codes: Map<string, OneTimeCode>;
  /** Page tokens `/me/accounts` handed out, per `${userToken}:${pageId}`, so repeated calls agree. */
  pageTokens: Map<string, string>;
}

/** An authorization code the simulated OAuth dialogs gave out. */
export interface OneTimeCode {
  kind: 'embedded-signup' | 'facebook-login' | 'instagram-login';
  createdAt: number;
  expiresAt: number;
  used: boolean;
  redirectUri?: string;
  /** WABA id, Facebook user id or Instagram account id. */
  subject: string;
  /** Embedded Signup: the business token expires after 60 days. */
  tokenExpires?: boolean;
}

const states = new WeakMap<SimState, OnboardingState>();

/** A simulator's onboarding state, created on first use. */
export function onboardingState(state: SimState): OnboardingState {
  let s = states.get(state);
  if (!s) {
    s = { registrations: new Map(), overrides: new Map(), codes: new Map(), pageTokens: new Map() };
    states.set(state, s);
  }
  return s;
}
