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
export {
  createMessengerPlatformProbes,
  type MessengerPlatformProbeOptions,
  resubscribeMessengerPlatform,
} from './probes.js';
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
