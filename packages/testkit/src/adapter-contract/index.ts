import type { ChannelAdapter } from '@switchboard/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createFakePlatform } from './platform.js';
import { sendChecks } from './send-checks.js';
import type { AdapterContractOptions, ContractCheck } from './types.js';
import { webhookChecks } from './webhook-checks.js';

export { ContractFailure } from './failure.js';
export type * from './types.js';

/** The contract's checks as plain functions, with the fake platform they send to (start it first). */
export interface AdapterContractRun {
  /** Starts the fake platform and builds the adapter. */
  start(): Promise<void>;
  stop(): Promise<void>;
  checks: ContractCheck[];
}

/**
 * The contract's checks without vitest: for running them by hand, or proving a check fails a broken adapter.
 *
 * @example
 * const run = adapterContractChecks(options);
 * await run.start();
 * for (const c of run.checks) await c.run(); // throws a ContractFailure on the first broken promise
 * await run.stop();
 */
export function adapterContractChecks(options: AdapterContractOptions): AdapterContractRun {
  const platform = createFakePlatform(options.platform);
  let built: ChannelAdapter | undefined;
  const adapter = () => {
    if (!built) throw new Error('adapter contract: start() first');
    return built;
  };
  return {
    async start() {
      const baseUrl = await platform.start();
      built = options.createAdapter({ baseUrl, graphBaseUrl: baseUrl });
    },
    stop: () => platform.stop(),
    checks: [...webhookChecks(options, adapter), ...sendChecks(options, adapter, platform)],
  };
}

/**
 * The conformance suite every channel adapter passes, as vitest tests: signatures (the channel's own,
 * supplied by `wire.sign`) never throw, the handshake (or none), a text message parses with account and
 * user in their places, a bad item is reported instead of thrown, bad JSON is `PAYLOAD_INVALID`, recorded
 * fixtures parse, sends reach the platform and return its id, HTTP 500 / 429 are retryable, `textMaxLength`
 * and unsupported content are refused before any request. Each failure says what the kit sent, what it
 * expected and what it got.
 *
 * @example
 * adapterContract({
 *   createAdapter: ({ baseUrl }) => createSmsAdapter({ secret: 's3cret', apiUrl: baseUrl }),
 *   wire: { sign, handshake: null, textMessageBody, bodyWithBadItem },
 *   platform: { accept: (_request, id) => ({ body: { id } }) },
 *   recipient: { accountId: '+15550001', userId: '+15550002' },
 * });
 */
export function adapterContract(options: AdapterContractOptions): void {
  const run = adapterContractChecks(options);
  describe(`adapter contract: ${options.name ?? 'channel adapter'}`, () => {
    beforeAll(() => run.start());
    afterAll(() => run.stop());
    for (const c of run.checks) it(c.name, () => c.run());
  });
}
