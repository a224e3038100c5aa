// The suite lives in @switchboard/testkit (which depends on core), imported by path to avoid a cycle.
import { storeContract } from '../../testkit/src/store-contract/index.js';
import { createMemoryStore } from '../src/index.js';

storeContract('memory', () => createMemoryStore());
