// `@switchboard/core/watch`: the silence watch's maths and tools for operators (the watch itself runs
// inside `createSwitchboard`; its options and results are typed at the root).
export type { Alarm, AlarmHandler, AlarmType } from './alarms.js';
export type { BaselinePrior } from './baseline.js';
export type { LossAccount } from './loss.js';
export { type AlarmNotifierOptions, createAlarmNotifier } from './notifier.js';
export { alarmThreshold, expectedFalseAlarms, silenceProbability, windowForThreshold } from './poisson.js';
export type { ConversationGap, ReconcileResult } from './reconcile.js';
export type { SilenceOptions, SilenceVerdict } from './silence.js';
export { importTrafficHistory } from './state.js';
export type { CanaryOptions, ReconcileHealth, WatchAccountHealth, WatchOptions } from './types.js';
export type { Watch } from './watch.js';
