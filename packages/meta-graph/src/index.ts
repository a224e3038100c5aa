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
export { capBytes, collect, type DownloadStream } from './download.js';
export { MessengerPlatformEnvelope, parseEnvelope, WhatsAppEnvelope } from './envelope.js';
export { META_ERROR_TABLE, type MetaErrorFamily, type MetaErrorRule } from './error-table.js';
export {
  type ClassifyContext,
  classifyGraphError,
  classifyTransportError,
  findMetaErrorRule,
  type MetaChannel,
  type MetaErrorBody,
} from './errors.js';
export { verifyMetaChallenge } from './handshake.js';
export { JsonArray, JsonObject } from './json-shapes.js';
export { META_MEDIA_HOSTS } from './media-hosts.js';
export * from './messenger-platform/index.js';
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
export { type BusinessUseCaseUsage, type GraphUsage, parseUsageHeaders, type UsageNumbers } from './usage.js';
export {
  appSecretProof,
  metaJsonStringify,
  signMetaBody,
  signMetaBodySha1,
} from './wire.js';
