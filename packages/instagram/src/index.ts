export {
  type DesiredProfileSettings,
  type EnsureProfileResult,
  META_INBOX_APP_IDS,
  type MenuAction,
  type MessagingFeatureStatus,
  PROFILE_SETTINGS_LIMITS,
  type ProfileSettingName,
  ProfileSettings,
  type ThreadControl,
  type ThreadOwner,
} from '@switchboard/meta-graph';
export { createInstagramAdapter, INSTAGRAM_LIMITS, type InstagramAdapter } from './adapter.js';
export {
  INSTAGRAM_COMMENT_FIELDS,
  INSTAGRAM_COMMENT_SCOPES,
  INSTAGRAM_REQUIRED_FIELDS,
  INSTAGRAM_REQUIRED_SCOPES,
  INSTAGRAM_SUBSCRIBED_FIELDS,
  type InstagramAdapterConfig,
  InstagramAdapterConfigSchema,
  InstagramApiFlavour,
  instagramConfigFromEnv,
} from './config.js';
export { connectInstagramLogin, type InstagramLoginOptions } from './onboarding.js';
export type { UploadableMedia } from './send/index.js';
