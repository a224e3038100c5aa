import { type RateLimiter, SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient, GraphParams } from '../client.js';
import type { MessengerPlatformChannel } from './keys.js';
import {
  checkSettingNames,
  fromGraphProfile,
  PROFILE_FIELDS,
  PROFILE_SETTINGS_BY_CHANNEL,
  type ProfileSettingName,
  type ProfileSettings,
  sameSetting,
  toGraphProfile,
  validateProfileSettings,
} from './profile-settings.js';

/** Meta: 10 Messenger Profile API calls per 10-minute interval, per Page. */
export const PROFILE_API_RATE = { calls: 10, perMs: 10 * 60_000 } as const;

/** Where one account's Profile API lives and how calls are counted. */
export interface ProfileApiTarget {
  client: GraphClient;
  /** `/{page-id}/messenger_profile`, or `/{ig-id}/messenger_profile` on graph.instagram.com. */
  path: string;
  channel: MessengerPlatformChannel;
  /** Query parameters every call carries (Instagram via Facebook Login: `platform=instagram`). */
  params?: GraphParams;
  /** Bucket owner of the 10-per-10-minutes budget (the Page / IG account id). */
  accountId: string;
  limiter: RateLimiter;
}

/** What `ensureProfile` did. */
export interface EnsureProfileResult {
  /** Settings written (in one POST), because they differed. */
  written: ProfileSettingName[];
  /** Settings deleted (in one DELETE), because they were `null` and present. */
  deleted: ProfileSettingName[];
  /** Settings already as wanted. */
  unchanged: ProfileSettingName[];
}

/** Desired state: a value to hold, or `null` for "must not be set". */
export type DesiredProfileSettings = { [K in ProfileSettingName]?: ProfileSettings[K] | null };

const Data = z.looseObject({ data: z.array(z.record(z.string(), z.unknown())) });
const Result = z.looseObject({ result: z.string().optional(), success: z.boolean().optional() });

/** Takes one call from the account's profile bucket, or throws RATE_LIMITED with the wait. */
async function spendCall(target: ProfileApiTarget): Promise<void> {
  const wait = await target.limiter.take([
    {
      key: `meta-profile-api:${target.channel}:${target.accountId}`,
      ratePerSecond: PROFILE_API_RATE.calls / (PROFILE_API_RATE.perMs / 1000),
      burst: PROFILE_API_RATE.calls,
    },
  ]);
  if (wait > 0)
    throw new SwitchboardError(
      'RATE_LIMITED',
      `the Profile API allows ${PROFILE_API_RATE.calls} calls per 10 minutes per account; ${target.accountId} may call again in ${Math.ceil(wait / 1000)} s`,
      { retryAfterMs: wait },
    );
}

function succeeded(data: z.output<typeof Result>, what: string): void {
  if (data.result === 'success' || data.success === true) return;
  throw new SwitchboardError('TEMPORARY', `the Profile API did not confirm the ${what}`, { retryable: true });
}

/** Reads settings (all the channel has, or `names`). Costs one call of the budget. */
export async function getProfileSettings(
  target: ProfileApiTarget,
  names?: readonly ProfileSettingName[],
): Promise<ProfileSettings> {
  const wanted = checkSettingNames(target.channel, names ?? PROFILE_SETTINGS_BY_CHANNEL[target.channel]);
  await spendCall(target);
  const { data } = await target.client.get(target.path, Data, {
    ...target.params,
    fields: wanted.map((n) => PROFILE_FIELDS[n]).join(','),
  });
  const merged = Object.assign({}, ...data.data) as Record<string, unknown>;
  const settings = fromGraphProfile(merged);
  for (const name of Object.keys(settings) as ProfileSettingName[])
    if (!wanted.includes(name)) delete settings[name];
  return settings;
}

/**
 * Writes the given settings in one POST (each one replaced whole, others untouched), after checking them
 * against the documented limits: nothing is sent when one is over. Costs one call of the budget.
 */
export async function setProfileSettings(target: ProfileApiTarget, input: ProfileSettings): Promise<void> {
  const settings = validateProfileSettings(target.channel, input);
  const body = toGraphProfile(settings);
  if (Object.keys(body).length === 0)
    throw new SwitchboardError('INVALID_REQUEST', 'no profile settings given');
  await spendCall(target);
  const { data } = await target.client.post(
    target.path,
    { ...body, ...target.params },
    Result,
    target.params,
  );
  succeeded(data, 'update');
}

/** Deletes the named settings in one call (`DELETE` with `fields`). Costs one call of the budget. */
export async function deleteProfileSettings(
  target: ProfileApiTarget,
  names: readonly ProfileSettingName[],
): Promise<void> {
  checkSettingNames(target.channel, names);
  if (names.length === 0)
    throw new SwitchboardError('INVALID_REQUEST', 'no profile settings named to delete');
  await spendCall(target);
  const { data } = await target.client.delete(target.path, Result, {
    ...target.params,
    fields: JSON.stringify(names.map((n) => PROFILE_FIELDS[n])),
  });
  succeeded(data, 'deletion');
}

/**
 * Brings the account's settings to `desired`: reads the named ones (one call), then writes only those that
 * differ (one POST) and deletes those wanted `null` that are set (one DELETE). Settings not named are left
 * alone. At most three calls of the 10-per-10-minutes budget; one when nothing differs.
 */
export async function ensureProfileSettings(
  target: ProfileApiTarget,
  desired: DesiredProfileSettings,
): Promise<EnsureProfileResult> {
  const names = checkSettingNames(
    target.channel,
    Object.keys(desired).filter((k) => desired[k as ProfileSettingName] !== undefined),
  );
  const wanted: ProfileSettings = {};
  for (const name of names) {
    const value = desired[name];
    if (value !== null) Object.assign(wanted, { [name]: value });
  }
  // Validate everything before the first call.
  const checked = validateProfileSettings(target.channel, wanted);
  const result: EnsureProfileResult = { written: [], deleted: [], unchanged: [] };
  if (names.length === 0) return result;
  const current = await getProfileSettings(target, names);
  const toWrite: ProfileSettings = {};
  for (const name of names) {
    const want = desired[name] === null ? undefined : checked[name];
    const have = current[name];
    if (want === undefined) {
      if (have === undefined) result.unchanged.push(name);
      else result.deleted.push(name);
    } else if (have !== undefined && sameSetting(name, want, have)) result.unchanged.push(name);
    else {
      Object.assign(toWrite, { [name]: want });
      result.written.push(name);
    }
  }
  if (result.written.length) await setProfileSettings(target, toWrite);
  if (result.deleted.length) await deleteProfileSettings(target, result.deleted);
  return result;
}
