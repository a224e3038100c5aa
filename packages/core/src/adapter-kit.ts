// `@switchboard/core/adapter`: the adapter contract and the helpers that keep one bad webhook item
// from failing its batch (depth cap, timestamp sanity, sliced parsing).
export type * from './adapter.js';
export * from './item-guard.js';
