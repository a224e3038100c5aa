export {
  type AccountToolsDeps,
  createMessengerPlatformAccountTools,
  type MessengerPlatformAccountTools,
  type ProfileSettingsApi,
} from './account-tools.js';
export {
  ATTACHMENT_DOWNLOAD_MAX_BYTES,
  type AttachmentDownloadOptions,
  type DownloadedAttachment,
  downloadMessengerPlatformAttachment,
  openMessengerPlatformAttachment,
} from './attachment-download.js';
export { attachmentsToParts, attachmentToPart } from './attachments.js';
export {
  backfillMessengerPlatform,
  CONVERSATION_DETAIL_LIMIT,
  type ConversationsAccess,
  conversationMessagesMessengerPlatform,
  listMessengerPlatformConversations,
} from './backfill.js';
export { mapChangeItem } from './changes.js';
export {
  buildCommentActionRequest,
  COMMENT_TEXT_MAX,
  isCommentAction,
  MESSENGER_PLATFORM_PRIVATE_REPLIES,
  performCommentAction,
} from './comment-actions.js';
export {
  FeedCommentValue,
  InstagramCommentValue,
  InstagramMentionValue,
} from './comment-schemas.js';
export {
  type ChangeContext,
  commentKeys,
  commentThreadId,
  mapFeedChange,
  mapInstagramCommentChange,
  mapInstagramMentionChange,
} from './comments.js';
export {
  GRAPH_MESSAGE_FIELDS,
  GraphConversation,
  GraphConversationMessages,
  GraphMessage,
  GraphMessageRef,
  graphMessageToEvent,
  parseGraphTime,
} from './conversations.js';
export { digest, type MessengerPlatformChannel, messengerPlatformKeys, toEpochMs } from './keys.js';
export {
  MESSENGER_PLATFORM_OBJECTS,
  type ParseMessengerPlatformOptions,
  parseMessengerPlatformPayload,
  parseMessengerPlatformWebhook,
  parseMessengerPlatformWebhookSlices,
} from './parse.js';
export { createPersonas, type Persona, type Personas } from './personas.js';
export {
  createMessengerPlatformProbes,
  type MessengerPlatformProbeOptions,
} from './probes.js';
export {
  type DesiredProfileSettings,
  deleteProfileSettings,
  type EnsureProfileResult,
  ensureProfileSettings,
  getProfileSettings,
  PROFILE_API_RATE,
  type ProfileApiTarget,
  setProfileSettings,
} from './profile-api.js';
export {
  type MenuAction,
  PROFILE_SETTINGS_BY_CHANNEL,
  PROFILE_SETTINGS_LIMITS,
  type ProfileSettingName,
  ProfileSettings,
  validateProfileSettings,
} from './profile-settings.js';
export {
  sendMessengerPlatformMessage,
  type UploadableMedia,
  uploadMessengerPlatformAttachment,
} from './send.js';
export {
  buildAttachmentUploadBody,
  buildMessengerPlatformSendRequest,
  checkTextLength,
  MESSENGER_PLATFORM_SEND_LIMITS,
  MESSENGER_PLATFORM_SUPPORTED_CONTENT,
  type MessengerPlatformSendRequest,
} from './send-body.js';
export { type SubscribeAppFieldsOptions, subscribeAppFields } from './subscribe.js';
export {
  createThreadControl,
  META_INBOX_APP_IDS,
  type MessagingFeatureStatus,
  THREAD_CONTROL_MAX_EXTEND_SECONDS,
  type ThreadControl,
  type ThreadControlOptions,
  type ThreadOwner,
} from './thread-control.js';
export {
  fetchMessengerPlatformUserProfile,
  profileAbsence,
  USER_PROFILE_FIELDS,
} from './user-profile.js';
