// `@switchboard/core/watch`: the silence watch's maths and tools for operators and drills (the watch
// itself runs inside `createSwitchboard`; its options and results are typed at the root too).
export {
  type Alarm,
  type AlarmCenter,
  type AlarmHandler,
  type AlarmType,
  createAlarmCenter,
} from './alarms.js';
export type { BaselinePrior } from './baseline.js';
export {
  type CallBudget,
  type CallBudgetBucket,
  type CallBudgetOptions,
  createCallBudget,
  DEFAULT_CALL_BUDGET,
} from './budget.js';
export {
  DEFAULT_FLEET,
  type FleetOptions,
  type FleetOutage,
  type FleetPoolHealth,
  type FleetWindowVerdict,
} from './fleet.js';
export {
  type EscalationPacket,
  escalationPacket,
  type Incident,
  type IncidentEvent,
  type IncidentEvidence,
  type IncidentHandler,
  incidentStatusText,
} from './incidents.js';
export type { LossAccount } from './loss.js';
export { type AlarmNotifierOptions, createAlarmNotifier } from './notifier.js';
export { alarmThreshold, expectedFalseAlarms, silenceProbability, windowForThreshold } from './poisson.js';
export type { ConversationGap, ReconcileResult } from './reconcile.js';
export {
  DEFAULT_TRAFFIC_SERIES,
  expectedBand,
  poissonQuantile,
  type TrafficQuery,
  type TrafficSeries,
  type TrafficSeriesOptions,
} from './series.js';
export type { SilenceOptions, SilenceVerdict } from './silence.js';
export { importTrafficHistory } from './state.js';
export type {
  CanaryOptions,
  ReconcileCoverage,
  ReconcileHealth,
  WatchAccountHealth,
  WatchOptions,
} from './types.js';
export { createWatch, type Watch, type WatchDeps } from './watch.js';
