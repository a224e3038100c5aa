export { createMetaAccess, type MetaAccess, type MetaAccessConfig } from './access.js';
export { decodeJsonBody } from './body.js';
export { META_ACK_BODY, META_SIGNATURE_HEADERS, metaCapabilities } from './capabilities.js';
export {
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
  type GraphCredentials,
  type GraphParams,
  type GraphResult,
} from './client.js';
export { GRAPH_API_VERSION, GRAPH_BASE_URL, INSTAGRAM_GRAPH_BASE_URL } from './constants.js';
export { DebugTokenResponse } from './debug-token.js';
export { collect, type DownloadStream } from './download.js';
export { META_ERROR_TABLE, type MetaErrorFamily, type MetaErrorRule } from './error-table.js';
export {
  type ClassifyContext,
  classifyGraphError,
  classifyTransportError,
  findMetaErrorRule,
  type MetaChannel,
  type MetaErrorBody,
  usageOfGraphError,
} from './errors.js';
export { verifyMetaChallenge } from './handshake.js';
export { JsonArray, JsonObject } from './json-shapes.js';
export { META_MEDIA_HOSTS } from './media-hosts.js';
// The Messenger Platform pieces the Messenger and Instagram adapters are built from (its mappers,
// schemas and key helpers stay internal).
// Conversation routing, profile settings, user profiles, personas and attachment downloads (issue 16).
export {
  type AccountToolsDeps,
  ATTACHMENT_DOWNLOAD_MAX_BYTES,
  type AttachmentDownloadOptions,
  backfillMessengerPlatform,
  buildCommentActionRequest,
  buildMessengerPlatformSendRequest,
  COMMENT_TEXT_MAX,
  type ConversationsAccess,
  commentKeys,
  commentThreadId,
  conversationMessagesMessengerPlatform,
  createMessengerPlatformAccountTools,
  createMessengerPlatformProbes,
  createPersonas,
  createThreadControl,
  type DesiredProfileSettings,
  type DownloadedAttachment,
  deleteProfileSettings,
  downloadMessengerPlatformAttachment,
  type EnsureProfileResult,
  ensureProfileSettings,
  fetchMessengerPlatformUserProfile,
  getProfileSettings,
  listMessengerPlatformConversations,
  MESSENGER_PLATFORM_PRIVATE_REPLIES,
  MESSENGER_PLATFORM_SUPPORTED_CONTENT,
  META_INBOX_APP_IDS,
  type MenuAction,
  type MessagingFeatureStatus,
  type MessengerPlatformAccountTools,
  type MessengerPlatformChannel,
  type MessengerPlatformProbeOptions,
  type MessengerPlatformSendRequest,
  openMessengerPlatformAttachment,
  type ParseMessengerPlatformOptions,
  type Persona,
  type Personas,
  PROFILE_API_RATE,
  PROFILE_SETTINGS_BY_CHANNEL,
  PROFILE_SETTINGS_LIMITS,
  type ProfileApiTarget,
  type ProfileSettingName,
  ProfileSettings,
  type ProfileSettingsApi,
  parseMessengerPlatformWebhook,
  parseMessengerPlatformWebhookSlices,
  profileAbsence,
  type SubscribeAppFieldsOptions,
  sendMessengerPlatformMessage,
  setProfileSettings,
  subscribeAppFields,
  THREAD_CONTROL_MAX_EXTEND_SECONDS,
  type ThreadControl,
  type ThreadControlOptions,
  type ThreadOwner,
  type UploadableMedia,
  USER_PROFILE_FIELDS,
  uploadMessengerPlatformAttachment,
  validateProfileSettings,
} from './messenger-platform/index.js';
export {
  describeToken,
  exchangeCode,
  exchangeForLongLivedUserToken,
  exchangeInstagramCode,
  exchangeInstagramToken,
  type MetaAppCredentials,
  type OAuthHosts,
  oauthError,
  onboardingClient,
  type TokenAnswer,
  type TokenInfo,
} from './oauth.js';
export { verifyMetaSignature } from './signature.js';
export { inspectMetaToken } from './token-inspection.js';
export {
  type BusinessUseCaseUsage,
  type GraphUsage,
  parseUsageHeaders,
  type UsageNumbers,
  usageBuckets,
} from './usage.js';
export {
  appSecretProof,
  metaJsonStringify,
  signMetaBody,
  signMetaBodySha1,
} from './wire.js';
