import {
  type AccountEvent,
  type AccountRecord,
  type Accounts,
  type ConnectAccountInput,
  SwitchboardError,
} from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import {
  describeToken,
  exchangeCode,
  type MetaAppCredentials,
  type OAuthHosts,
  onboardingClient,
} from '@switchboard/meta-graph';
import { z } from 'zod';

/**
 * Options of `completeEmbeddedSignup`.
 *
 * @example
 * const connected = await completeEmbeddedSignup({
 *   accounts: switchboard.accounts,
 *   appId: process.env.WHATSAPP_APP_ID!,
 *   appSecret: process.env.WHATSAPP_APP_SECRET!,
 *   code,                                   // from FB.login, posted by the browser at once (30 s)
 *   wabaId: finish.data.waba_id,            // from the WA_EMBEDDED_SIGNUP FINISH message, if you have it
 *   pin: '581063',                          // the numbers' two-step PIN: keep it
 *   tenantId: 'acme',
 *   overrideCallbackUri: 'https://hooks.example.com/wa/acme',
 *   verifyToken: process.env.WHATSAPP_VERIFY_TOKEN!,
 * });
 */
export interface EmbeddedSignupOptions extends MetaAppCredentials, OAuthHosts {
  /** Where the numbers are connected (`switchboard.accounts`, or anything with that `connect`). */
  accounts: Pick<Accounts, 'connect'>;
  /** `response.authResponse.code` of `FB.login`: it lives 30 s and works once. */
  code: string;
  /** The WABA from the session-logging message; found through `debug_token` when absent (if the token reaches exactly one). */
  wabaId?: string;
  /** Numbers to connect; default every number of the WABA. */
  phoneNumberIds?: string[];
  /**
   * Six-digit two-step verification PIN to register the numbers with (it becomes their PIN, or must
   * match the one they have). Stored with the account's credentials as `registrationPin`.
   */
  pin: string;
  /** Messaging webhooks of this WABA go there instead of the app's callback URL (≤ 200 characters). */
  overrideCallbackUri?: string;
  /** Required with `overrideCallbackUri`: Meta verifies the URL with it (the GET handshake). */
  verifyToken?: string;
  tenantId?: string;
  now?: () => number;
}

export interface EmbeddedSignupResult {
  wabaId: string;
  /** The accounts connected, one per phone number. */
  accounts: AccountRecord[];
}

const PhoneNumber = z.looseObject({
  id: z.string().min(1),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  status: z.string().optional(),
});
const Success = z.looseObject({ success: z.literal(true) });

/**
 * Server side of WhatsApp Embedded Signup, in Meta's order: exchange the code for the customer's
 * business token (first: it lives 30 s), read its expiry and scopes with `debug_token` (which also
 * names the WABA when the browser's session message was lost), list the WABA's numbers, subscribe
 * the app to the WABA (with the optional override callback), register each number with the PIN, then
 * `accounts.connect` each number with the token. Register is never retried (10 requests per number
 * per 72 h): a failure throws and the numbers registered so far stay connected.
 */
export async function completeEmbeddedSignup(options: EmbeddedSignupOptions): Promise<EmbeddedSignupResult> {
  const now = options.now ?? Date.now;
  if (!/^\d{6}$/.test(options.pin))
    throw new SwitchboardError(
      'INVALID_REQUEST',
      'pin must be 6 digits (the numbers’ two-step verification PIN)',
    );
  if (options.overrideCallbackUri !== undefined) {
    if (!options.verifyToken)
      throw new SwitchboardError(
        'INVALID_REQUEST',
        'overrideCallbackUri needs a verifyToken (Meta verifies the URL with it)',
      );
    if (options.overrideCallbackUri.length > 200)
      throw new SwitchboardError('INVALID_REQUEST', 'overrideCallbackUri must be at most 200 characters');
  }
  const app = { appId: options.appId, appSecret: options.appSecret };
  const { access_token: token } = await exchangeCode(app, { code: options.code }, options, 'whatsapp');
  const info = await describeToken(app, token, options, now, 'whatsapp');
  const reachable =
    info.targets.whatsapp_business_management ?? info.targets.whatsapp_business_messaging ?? [];
  if (options.wabaId === undefined && reachable.length > 1)
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `The business token reaches ${reachable.length} WABAs: pass wabaId (waba_id of the WA_EMBEDDED_SIGNUP FINISH message)`,
      { retryable: false },
    );
  const wabaId = options.wabaId ?? reachable[0];
  if (!wabaId)
    throw new SwitchboardError(
      'PERMISSION_DENIED',
      'The business token reaches no WABA: the customer did not share one',
      {
        retryable: false,
      },
    );
  if (reachable.length > 0 && !reachable.includes(wabaId))
    throw new SwitchboardError('PERMISSION_DENIED', `The business token cannot reach WABA ${wabaId}`, {
      retryable: false,
    });
  const graph = onboardingClient(token, 'whatsapp', options);
  const numbers: z.output<typeof PhoneNumber>[] = [];
  for await (const n of graph.paginate(`/${wabaId}/phone_numbers`, PhoneNumber, {
    fields: 'id,display_phone_number,verified_name,status',
  }))
    numbers.push(n);
  const wanted = options.phoneNumberIds
    ? numbers.filter((n) => options.phoneNumberIds?.includes(n.id))
    : numbers;
  const missing = (options.phoneNumberIds ?? []).filter((id) => !numbers.some((n) => n.id === id));
  if (missing.length > 0)
    throw new SwitchboardError('NOT_FOUND', `WABA ${wabaId} has no phone number ${missing.join(', ')}`, {
      retryable: false,
    });

  await graph.post(
    `/${wabaId}/subscribed_apps`,
    options.overrideCallbackUri
      ? { override_callback_uri: options.overrideCallbackUri, verify_token: options.verifyToken }
      : undefined,
    Success,
  );
  const connected: AccountRecord[] = [];
  for (const number of wanted) {
    // A number already CONNECTED (a re-run, a coexistence number) is not registered again: register
    // requests are scarce (10 per 72 h) and coexistence numbers must not be touched.
    if (number.status !== 'CONNECTED')
      await graph.post(
        `/${number.id}/register`,
        { messaging_product: 'whatsapp', pin: options.pin },
        Success,
      );
    const input: ConnectAccountInput = {
      channel: 'whatsapp',
      accountId: number.id,
      ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
      label: number.display_phone_number ?? number.verified_name ?? number.id,
      linkedIds: { wabaId },
      appId: options.appId,
      token: { expiresAt: info.expiresAt, scopes: info.scopes, checkedAt: info.checkedAt },
      credentials: { accessToken: token, registrationPin: options.pin },
    };
    connected.push(await options.accounts.connect(input));
  }
  return { wabaId, accounts: connected };
}

const PartnerValue = z.looseObject({
  event: z.string(),
  waba_info: z
    .looseObject({
      waba_id: z.union([z.string(), z.number()]).transform(String),
      owner_business_id: z.union([z.string(), z.number()]).transform(String).optional(),
    })
    .optional(),
  partner_app_id: z.union([z.string(), z.number()]).transform(String).optional(),
  disconnection_info: z
    .looseObject({ reason: z.string().optional(), initiated_by: z.string().optional() })
    .optional(),
});

/** A partner event of the `account_update` webhook (reference §8.4). */
export interface PartnerEvent {
  event: 'PARTNER_ADDED' | 'PARTNER_REMOVED' | 'PARTNER_APP_INSTALLED' | 'PARTNER_APP_UNINSTALLED';
  wabaId: string;
  ownerBusinessId?: string;
  partnerAppId?: string;
  /** `PARTNER_REMOVED`: why and by whom. */
  disconnection?: { reason?: string; initiatedBy?: string };
}

const PARTNER_EVENTS = new Set([
  'PARTNER_ADDED',
  'PARTNER_REMOVED',
  'PARTNER_APP_INSTALLED',
  'PARTNER_APP_UNINSTALLED',
]);

/**
 * The partner event in an `account` event of the `account_update` field, or undefined for any other
 * account event (ban, review, quality...). A malformed partner value throws PAYLOAD_INVALID.
 *
 * @example
 * switchboard.on('account', async (event) => {
 *   const partner = partnerEventOf(event);
 *   if (partner) await applyPartnerEvent(partner, { accounts: switchboard.accounts });
 * });
 */
export function partnerEventOf(
  event: Pick<AccountEvent, 'accountId' | 'field' | 'data'>,
): PartnerEvent | undefined {
  if (event.field !== 'account_update') return undefined;
  const kind = (event.data as { event?: unknown } | undefined)?.event;
  if (typeof kind !== 'string' || !PARTNER_EVENTS.has(kind)) return undefined;
  const value = parseWith(PartnerValue, event.data, 'account_update partner event');
  return {
    event: kind as PartnerEvent['event'],
    wabaId: value.waba_info?.waba_id ?? event.accountId,
    ...(value.waba_info?.owner_business_id ? { ownerBusinessId: value.waba_info.owner_business_id } : {}),
    ...(value.partner_app_id ? { partnerAppId: value.partner_app_id } : {}),
    ...(value.disconnection_info
      ? {
          disconnection: {
            ...(value.disconnection_info.reason ? { reason: value.disconnection_info.reason } : {}),
            ...(value.disconnection_info.initiated_by
              ? { initiatedBy: value.disconnection_info.initiated_by }
              : {}),
          },
        }
      : {}),
  };
}

/**
 * What a partner event means for the registry: `PARTNER_REMOVED` / `PARTNER_APP_UNINSTALLED` disconnect
 * every number of the WABA (stop sending, keep history); `PARTNER_ADDED` / `PARTNER_APP_INSTALLED` connect
 * nothing by themselves (the numbers need the business token, which `completeEmbeddedSignup` gets).
 * Returns the accounts it disconnected.
 */
export async function applyPartnerEvent(
  event: PartnerEvent,
  deps: { accounts: Pick<Accounts, 'list' | 'disconnect'> },
): Promise<AccountRecord[]> {
  if (event.event !== 'PARTNER_REMOVED' && event.event !== 'PARTNER_APP_UNINSTALLED') return [];
  const done: AccountRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.accounts.list({
      channel: 'whatsapp',
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const account of page.accounts) {
      if (account.linkedIds.wabaId === event.wabaId && account.status !== 'disconnected')
        done.push(await deps.accounts.disconnect('whatsapp', account.accountId));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return done;
}
