// Conformance suites. They register vitest suites, and vitest can only be loaded from an ES module,
// so they live on their own entry point: `import { storeContract } from '@switchboard/testkit/contracts'`.
export { type AdapterContractOptions, adapterContract } from './adapter-contract.js';
export { type MakeStore, type StoreTest, storeContract } from './store-contract/index.js';
