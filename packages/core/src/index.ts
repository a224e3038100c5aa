// The root entry: what an app (consumer) and a plugin author (adapter, store) build on.
// Bridges, the watch's tools and helpers for sibling packages live behind subpaths:
// `@switchboard/core/node`, `/watch`, `/adapter`, `/internal`. tests/packaging checks the surface.
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
export { createSwitchboard } from './engine/switchboard.js';
export type * from './engine/types.js';
export * from './errors.js';
export * from './limiter.js';
export * from './logger.js';
export * from './model/content.js';
export * from './model/events.js';
export * from './model/ids.js';
export * from './model/outbound.js';
export * from './model/user-profile.js';
export * from './store/index.js';
export type { Alarm, AlarmHandler, AlarmType } from './watch/alarms.js';
export type { CallBudgetBucket, CallBudgetOptions } from './watch/budget.js';
export type { FleetOptions, FleetOutage, FleetPoolHealth, FleetWindowVerdict } from './watch/fleet.js';
export type {
  EscalationPacket,
  Incident,
  IncidentEvent,
  IncidentEvidence,
  IncidentHandler,
} from './watch/incidents.js';
export type { LossAccount } from './watch/loss.js';
export type { ConversationGap, ReconcileResult } from './watch/reconcile.js';
export type { TrafficQuery, TrafficSeries, TrafficSeriesOptions } from './watch/series.js';
export type { SilenceOptions, SilenceVerdict } from './watch/silence.js';
export type {
  CanaryOptions,
  ReconcileCoverage,
  ReconcileHealth,
  WatchAccountHealth,
  WatchOptions,
} from './watch/types.js';
export type { Watch } from './watch/watch.js';
