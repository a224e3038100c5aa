import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '@switchboard/testkit/contracts';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite (durability full, real files)', () =>
  createSqliteStore({ path: join(dir, `${randomUUID()}.db`) }),
);
storeContract('sqlite (durability normal)', () =>
  createSqliteStore({ path: join(dir, `${randomUUID()}.db`), durability: 'normal' }),
);
