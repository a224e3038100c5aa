export { createWhatsAppAdapter, type WhatsAppAdapter } from './adapter.js';
export {
  DEFAULT_MEDIA_MAX_BYTES,
  type WhatsAppAdapterConfig,
  WhatsAppAdapterConfigSchema,
  whatsAppConfigFromEnv,
} from './config.js';
export { findFlowSend } from './flows/completion.js';
export {
  decryptFlowRequest,
  EncryptedFlowRequest,
  encryptFlowResponse,
  FlowEndpointError,
  FlowRequest,
  type FlowSession,
  generateFlowKeyPair,
} from './flows/crypto.js';
export {
  createFlowEndpoint,
  type FlowEndpoint,
  type FlowEndpointOptions,
  type FlowRequestContext,
  type FlowResponse,
} from './flows/endpoint.js';
export type { FlowPublicKeyStatus } from './flows/public-key.js';
export {
  type CreateGroupInput,
  type GroupInfo,
  type GroupSummary,
  type JoinRequest,
  type JoinRequestOutcome,
  type ListGroupsInput,
  type UpdateGroupInput,
  WHATSAPP_GROUP_LIMITS,
  type WhatsAppGroups,
} from './groups.js';
export type { DownloadedMedia, DownloadMediaOptions, MediaStream, UploadMediaInput } from './media.js';
export {
  applyPartnerEvent,
  completeEmbeddedSignup,
  type EmbeddedSignupOptions,
  type EmbeddedSignupResult,
  type PartnerEvent,
  partnerEventOf,
} from './onboarding.js';
export { buildSendBody, isBusinessScopedUserId, type WhatsAppSendBody } from './send/build.js';
export { WHATSAPP_FIELD_LIMITS, WHATSAPP_LIMITS } from './send/limits.js';
export type { TemplateListQuery, TemplatePage, WhatsAppTemplates } from './templates/api.js';
export { TemplateDefinition, TemplateEdit } from './templates/definition.js';
export { GraphTemplate } from './templates/graph-shapes.js';
export { TEMPLATE_LIMITS } from './templates/limits.js';
export { type ParseOptions, parseWhatsAppWebhook, parseWhatsAppWebhookSlices } from './webhook/parse.js';
