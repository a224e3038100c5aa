export {
  type DesiredProfileSettings,
  type EnsureProfileResult,
  META_INBOX_APP_IDS,
  type MenuAction,
  type MessagingFeatureStatus,
  type Persona,
  type Personas,
  PROFILE_SETTINGS_LIMITS,
  type ProfileSettingName,
  ProfileSettings,
  type ThreadControl,
  type ThreadOwner,
} from '@switchboard/meta-graph';
export { createMessengerAdapter, MESSENGER_LIMITS, type MessengerAdapter } from './adapter.js';
export {
  MESSENGER_COMMENT_FIELDS,
  MESSENGER_COMMENT_SCOPES,
  MESSENGER_REQUIRED_FIELDS,
  MESSENGER_REQUIRED_SCOPES,
  MESSENGER_SUBSCRIBED_FIELDS,
  type MessengerAdapterConfig,
  MessengerAdapterConfigSchema,
  messengerConfigFromEnv,
} from './config.js';
export {
  connectFacebookLogin,
  type FacebookLoginOptions,
  type FacebookLoginResult,
} from './onboarding.js';
export type { UploadableMedia } from './send/index.js';
