import { SwitchboardError, type UserProfile, type UserProfileLookup } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';
import type { MessengerPlatformChannel } from './keys.js';

/** Fields asked for by default: the ones every business app may read (§4 gotchas: no locale/gender/timezone). */
export const USER_PROFILE_FIELDS: Record<MessengerPlatformChannel, readonly string[]> = {
  messenger: ['name', 'first_name', 'last_name', 'profile_pic'],
  instagram: [
    'name',
    'username',
    'profile_pic',
    'follower_count',
    'is_user_follow_business',
    'is_business_follow_user',
    'is_verified_user',
  ],
};

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const optionalBool = z
  .boolean()
  .nullish()
  .transform((v) => v ?? undefined);

/** What Graph answers for a PSID / IGSID; every field may be missing or null (Messenger may answer `{}`). */
const GraphUserProfile = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  name: optionalString,
  first_name: optionalString,
  last_name: optionalString,
  username: optionalString,
  profile_pic: optionalString,
  follower_count: z
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((v) => v ?? undefined),
  is_user_follow_business: optionalBool,
  is_business_follow_user: optionalBool,
  is_verified_user: optionalBool,
  locale: optionalString,
  timezone: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
});

/**
 * Graph errors that mean "no profile for this person", not "cannot ask": no consent yet (the person never
 * wrote: Instagram code 230, Messenger 2018247), no profile (2018218), an unknown or foreign id (100/33,
 * 2018001, 2534014), a person not available to this business (551, 200/1545041).
 */
const ABSENT_SUBCODES = new Set([2018218, 2018247, 2018001, 2534014, 1545041, 33]);
const ABSENT_CODES = new Set([230, 551]);
const CONSENT_TEXT = /consent is required/i;

/** The reason a profile is absent, when the error says so; undefined for errors that must propagate. */
export function profileAbsence(error: unknown): string | undefined {
  if (!(error instanceof SwitchboardError) || !error.platform) return undefined;
  const { code, subcode, message } = error.platform;
  if (code !== undefined && ABSENT_CODES.has(code)) return reasonOf(error);
  if (subcode !== undefined && ABSENT_SUBCODES.has(subcode)) return reasonOf(error);
  if (typeof message === 'string' && CONSENT_TEXT.test(message)) return reasonOf(error);
  return undefined;
}

function reasonOf(error: SwitchboardError): string {
  const { code, subcode, message } = error.platform ?? {};
  const tag = `#${code ?? '?'}${subcode === undefined ? '' : `/${subcode}`}`;
  const consent =
    code === 230 || subcode === 2018247 || (message !== undefined && CONSENT_TEXT.test(message));
  return consent
    ? `no consent: the person has not written to the account yet (${tag})`
    : `no profile available (${tag}: ${message ?? error.message})`;
}

function toProfile(data: z.output<typeof GraphUserProfile>): UserProfile {
  const name = data.name ?? ([data.first_name, data.last_name].filter(Boolean).join(' ') || undefined);
  const entries: Array<[keyof UserProfile, unknown]> = [
    ['name', name],
    ['firstName', data.first_name],
    ['lastName', data.last_name],
    ['username', data.username],
    ['avatarUrl', data.profile_pic],
    ['followerCount', data.follower_count],
    ['followsBusiness', data.is_user_follow_business],
    ['followedByBusiness', data.is_business_follow_user],
    ['verified', data.is_verified_user],
    ['locale', data.locale],
    ['timezone', data.timezone],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as UserProfile;
}

/**
 * `GET /{psid|igsid}?fields=…`: the person's profile, `{ found: false, reason }` when Meta will not give
 * one (no consent, no profile, unknown id, or an empty answer), a classified error otherwise (token,
 * rate limit, outage: the caller must not cache those).
 */
export async function fetchMessengerPlatformUserProfile(
  client: GraphClient,
  channel: MessengerPlatformChannel,
  userId: string,
  fields: readonly string[] = USER_PROFILE_FIELDS[channel],
): Promise<UserProfileLookup> {
  if (!/^\d+$/.test(userId))
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `not a ${channel === 'messenger' ? 'PSID' : 'IGSID'}: ${userId}`,
    );
  try {
    const { data } = await client.get(`/${userId}`, GraphUserProfile, { fields: fields.join(',') });
    const profile = toProfile(data);
    if (Object.keys(profile).length === 0)
      return { found: false, reason: 'the platform returned an empty profile (inaccessible)' };
    return { found: true, profile };
  } catch (error) {
    const absent = profileAbsence(error);
    if (absent !== undefined) return { found: false, reason: absent };
    throw error;
  }
}
