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
