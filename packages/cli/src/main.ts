import { parseArgs } from 'node:util';
import type { Store } from '@switchboard/core';
import { createPostgresStore } from '@switchboard/store-postgres';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { type Env, runDoctor } from './doctor.js';
import { formatReport } from './format.js';

export const HELP = `switchboard doctor — checks every account: token valid and not expiring, permissions, webhook
subscription, phone number; ✓ / ✗ with the reason and the fix. Exit code 0 when all is well, 1 on problems.

Usage: switchboard doctor [options]
  --tenant <id>        only this tenant's accounts (from the store)
  --json               print the report as JSON
  --sqlite <path>      also check the accounts registered in this SQLite store
  --postgres <url>     also check the accounts registered in this PostgreSQL store
  --schema <name>      its schema (default switchboard)
  -h, --help           this help

Credentials come from the environment, as the adapters' ...ConfigFromEnv() read them:
MESSENGER_*, INSTAGRAM_*, WHATSAPP_* (a channel is checked when its APP_SECRET is set).`;

/** What `main` writes to. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

async function openStore(values: { sqlite?: string; postgres?: string; schema?: string }) {
  if (values.sqlite) return createSqliteStore({ path: values.sqlite });
  if (values.postgres)
    return createPostgresStore({
      connectionString: values.postgres,
      migrate: false,
      ...(values.schema ? { schema: values.schema } : {}),
    });
  return undefined;
}

/**
 * The `switchboard` command. Returns the exit code: 0 all checks passed, 1 problems found, 2 bad usage.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), process.env, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
 */
export async function main(argv: readonly string[], env: Env, output: Output): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(`${HELP}\n`);
    return 0;
  }
  if (positionals[0] !== 'doctor' || positionals.length > 1) {
    output.err(`unknown command "${positionals.join(' ')}"\n\n${HELP}\n`);
    return 2;
  }
  if (values.tenant !== undefined && !(values.sqlite ?? values.postgres)) {
    output.err('--tenant needs a store: --sqlite <path> or --postgres <url>\n');
    return 2;
  }
  let store: Store | undefined;
  try {
    store = await openStore(values);
    const report = await runDoctor({
      env,
      ...(store ? { store } : {}),
      ...(values.tenant !== undefined ? { tenantId: values.tenant } : {}),
    });
    output.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    output.err(`✗ ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      sqlite: { type: 'string' },
      postgres: { type: 'string' },
      schema: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
