import type { AccountRecord, AdapterHost, SignatureCheck } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import type { GraphCredentials } from './client.js';
import { verifyMetaSignature } from './signature.js';

/** What an adapter's configuration says about credentials. */
export interface MetaAccessConfig {
  /** The account's token in the adapter's configuration, if any. */
  configuredToken(accountId: string): string | undefined;
  /** Configured app secrets: they verify webhooks, and the first proves Graph calls. */
  appSecrets: readonly string[];
  /** Send `appsecret_proof` with Graph calls. */
  appsecretProof: boolean;
  /** How an account is named in errors: `Page 1059…`, `WhatsApp number 1065…`. */
  describe(accountId: string): string;
}

/**
 * Credentials of a Meta adapter's accounts, in one place for the three adapters: the engine's registry
 * first (`switchboard.accounts.connect({ credentials })`, `switchboard.apps`), then the configuration.
 */
export interface MetaAccess {
  /** Wired to `ChannelAdapter.attach`. */
  attach(host: AdapterHost): void;
  /** The account as registered, once attached. */
  account(accountId: string): AccountRecord | undefined;
  /** Token and proof secret of one account, looked up per call (a rotated token is used at once). */
  credentials(accountId: string, options?: { proof?: boolean }): Promise<GraphCredentials>;
  /** Whether the account has a token anywhere (registry or configuration). */
  hasToken(accountId: string): Promise<boolean>;
  /** `X-Hub-Signature-256` against the configured secrets, then every registered app's. */
  verifySignature(rawBody: Uint8Array, header: string | null | undefined): SignatureCheck;
  /** The secret that signs calls for the account's app (registered app, else the first configured). */
  proofSecret(accountId: string): string | undefined;
}

export function createMetaAccess(config: MetaAccessConfig): MetaAccess {
  let host: AdapterHost | undefined;
  // Recomputed only when the engine's list changes (it replaces the array on every change).
  let seen: readonly unknown[] | undefined;
  let secrets: readonly string[] = config.appSecrets;
  let appIds: ReadonlyArray<string | undefined> = [];

  const token = async (accountId: string) =>
    (await host?.credentials(accountId))?.accessToken ?? config.configuredToken(accountId);

  const proofSecret = (accountId: string) => {
    const appId = host?.account(accountId)?.appId;
    const registered = appId ? host?.appSecrets().find((s) => s.appId === appId)?.secret : undefined;
    return registered ?? config.appSecrets[0];
  };

  return {
    attach(value) {
      host = value;
    },
    account: (accountId) => host?.account(accountId),
    proofSecret,
    async hasToken(accountId) {
      return (await token(accountId)) !== undefined;
    },
    async credentials(accountId, options) {
      const accessToken = await token(accountId);
      if (!accessToken)
        throw new SwitchboardError(
          'AUTH_FAILED',
          `no access token for ${config.describe(accountId)}: connect it with credentials (switchboard.accounts.connect) or configure one`,
        );
      const secret = options?.proof !== false && config.appsecretProof ? proofSecret(accountId) : undefined;
      return secret ? { accessToken, appSecret: secret } : { accessToken };
    },
    verifySignature(rawBody, header) {
      const registered = host?.appSecrets() ?? [];
      if (registered !== seen) {
        seen = registered;
        secrets = [...config.appSecrets, ...registered.map((s) => s.secret)];
        appIds = [...config.appSecrets.map(() => undefined), ...registered.map((s) => s.appId)];
      }
      const check = verifyMetaSignature(rawBody, header, secrets);
      const appId = check.ok ? appIds[check.secretIndex] : undefined;
      return check.ok && appId !== undefined ? { ...check, appId } : check;
    },
  };
}
