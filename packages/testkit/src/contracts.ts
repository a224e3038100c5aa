// Conformance suites. They register vitest suites, and vitest can only be loaded from an ES module,
// so they live on their own entry point: `import { storeContract } from '@switchboard/testkit/contracts'`.
export {
  type AdapterContractOptions,
  type AdapterContractRun,
  adapterContract,
  adapterContractChecks,
  type ContractCheck,
  ContractFailure,
  type ContractMessage,
  type ContractPlatform,
  type ContractWire,
  type RecordedRequest,
} from './adapter-contract/index.js';
export { type MetaContractOptions, metaContract } from './presets/meta.js';
export { type MakeStore, type StoreTest, storeContract } from './store-contract/index.js';
