export type { TokenOptions, TokenStatus, Tokens } from './accounts/tokens.js';
export type * from './accounts/types.js';
export * from './adapter.js';
export * from './clock.js';
export {
  type CredentialCipher,
  type CredentialKey,
  createCredentialCipher,
  credentialKeysFromEnv,
} from './credentials/cipher.js';
export type * from './credentials/types.js';
export type { RejectReason } from './engine/metrics.js';
export { type NodeListener, toNodeListener } from './engine/node.js';
export { conversationOfEvent, orderForDispatch } from './engine/ordering.js';
export { createSwitchboard } from './engine/switchboard.js';
export type * from './engine/types.js';
export * from './errors.js';
export * from './item-guard.js';
export * from './limiter.js';
export * from './logger.js';
export * from './model/content.js';
export * from './model/events.js';
export * from './model/ids.js';
export * from './model/outbound.js';
export * from './store/index.js';
export * from './validate.js';
export * from './watch/index.js';
