import type { RateLimiter, UserProfileLookup } from '@switchboard/core';
import type { GraphClient, GraphParams } from '../client.js';
import type { DownloadStream } from '../download.js';
import {
  type AttachmentDownloadOptions,
  type DownloadedAttachment,
  downloadMessengerPlatformAttachment,
  openMessengerPlatformAttachment,
} from './attachment-download.js';
import type { MessengerPlatformChannel } from './keys.js';
import {
  type DesiredProfileSettings,
  deleteProfileSettings,
  type EnsureProfileResult,
  ensureProfileSettings,
  getProfileSettings,
  type ProfileApiTarget,
  setProfileSettings,
} from './profile-api.js';
import type { ProfileSettingName, ProfileSettings } from './profile-settings.js';
import { createThreadControl, type ThreadControl } from './thread-control.js';
import { fetchMessengerPlatformUserProfile } from './user-profile.js';

/** Where one account's calls go, per adapter (the two Instagram flavours differ). */
export interface AccountToolsDeps {
  channel: MessengerPlatformChannel;
  clientFor(accountId: string): GraphClient;
  /** Node of the thread-control edges: the Page id (Messenger, Instagram via Facebook Login) or the IG id. */
  routingNode(accountId: string): string;
  /** Profile API path and the query every call carries (`platform=instagram` for Instagram via Facebook Login). */
  profileApi(accountId: string): { path: string; params?: GraphParams };
  limiter: RateLimiter;
  /** This app's id, to tell whether a thread owner is us. */
  appId?: string;
  mediaHosts?: readonly string[];
}

/** The Profile API of one account, rate-limited to Meta's 10 calls per 10 minutes. */
export interface ProfileSettingsApi {
  get(accountId: string, names?: readonly ProfileSettingName[]): Promise<ProfileSettings>;
  set(accountId: string, settings: ProfileSettings): Promise<void>;
  delete(accountId: string, names: readonly ProfileSettingName[]): Promise<void>;
}

/** Account-level tools Messenger and Instagram share: routing, profile settings, user profiles, attachments. */
export interface MessengerPlatformAccountTools {
  /** Thread control (Conversation Routing) of one account: pass, take, request, release, extend, owner. */
  threadControl(accountId: string): ThreadControl;
  profileSettings: ProfileSettingsApi;
  /**
   * Brings the account's profile settings to `settings`: one read, then one write of only what differs
   * (and one delete of settings given as `null`). Invalid settings fail before any call.
   */
  ensureProfile(accountId: string, settings: DesiredProfileSettings): Promise<EnsureProfileResult>;
  /** Name and avatar of a person (uncached: `switchboard.profiles` caches it in the store). */
  userProfile(accountId: string, userId: string): Promise<UserProfileLookup>;
  /** Downloads an inbound attachment (`parts[].url`) from Meta's CDN, capped, before the URL expires. */
  downloadAttachment(
    accountId: string,
    url: string,
    options?: AttachmentDownloadOptions,
  ): Promise<DownloadedAttachment>;
  /** `downloadAttachment` as a stream, to pass a file on without holding it in memory. */
  openAttachment(
    accountId: string,
    url: string,
    options?: AttachmentDownloadOptions,
  ): Promise<DownloadStream>;
}

export function createMessengerPlatformAccountTools(deps: AccountToolsDeps): MessengerPlatformAccountTools {
  const target = (accountId: string): ProfileApiTarget => {
    const api = deps.profileApi(accountId);
    return {
      client: deps.clientFor(accountId),
      path: api.path,
      channel: deps.channel,
      accountId,
      limiter: deps.limiter,
      ...(api.params ? { params: api.params } : {}),
    };
  };
  const downloadOptions = (options?: AttachmentDownloadOptions): AttachmentDownloadOptions => ({
    ...(deps.mediaHosts ? { mediaHosts: deps.mediaHosts } : {}),
    ...options,
  });
  return {
    threadControl: (accountId) =>
      createThreadControl(deps.clientFor(accountId), deps.routingNode(accountId), deps.appId),
    profileSettings: {
      get: (accountId, names) => getProfileSettings(target(accountId), names),
      set: (accountId, settings) => setProfileSettings(target(accountId), settings),
      delete: (accountId, names) => deleteProfileSettings(target(accountId), names),
    },
    ensureProfile: (accountId, settings) => ensureProfileSettings(target(accountId), settings),
    userProfile: (accountId, userId) =>
      fetchMessengerPlatformUserProfile(deps.clientFor(accountId), deps.channel, userId),
    downloadAttachment: (accountId, url, options) =>
      downloadMessengerPlatformAttachment(deps.clientFor(accountId), url, downloadOptions(options)),
    openAttachment: (accountId, url, options) =>
      openMessengerPlatformAttachment(deps.clientFor(accountId), url, downloadOptions(options)),
  };
}
