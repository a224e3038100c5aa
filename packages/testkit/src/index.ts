export { type RecordedConnect, recordingAccounts } from './accounts.js';
export * from './request.js';
