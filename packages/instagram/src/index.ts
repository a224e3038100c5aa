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
