// `@switchboard/core/internal`: what the @switchboard/* packages share with core. Not for apps or
// plugins: no compatibility promise, any release may change it.
export { conversationOfEvent, orderForDispatch } from './engine/ordering.js';
export { RollingWindow } from './rolling-window.js';
export { OUTBOX_STATE_RANK, STATUS_RANK } from './store/ranks.js';
export { mergeTemplate } from './store/template-merge.js';
export { formatPath, parseWith } from './validate.js';
