import type {
  AccountRecord,
  AdapterHost,
  AppSecret,
  SignatureCheck,
  TokenInspection,
} from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import {
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
  type GraphCredentials,
} from './client.js';
import { verifyMetaSignature } from './signature.js';
import { inspectMetaToken } from './token-inspection.js';

/** What an adapter's configuration says about credentials. */
export interface MetaAccessConfig {
  /** The app of the adapter's configuration (`appId`), for accounts registered without one. */
  appId?: string;
  /** The account's token in the adapter's configuration, if any. */
  configuredToken(accountId: string): string | undefined;
  /** Configured app secrets: they verify webhooks, and the first proves Graph calls. */
  appSecrets: readonly string[];
  /** Send `appsecret_proof` with Graph calls. */
  appsecretProof: boolean;
  /** How an account is named in errors: `Page 1059…`, `WhatsApp number 1065…`. */
  describe(accountId: string): string;
  /** Where `debug_token` is called with the app token (graph.facebook.com, or the simulator). */
  appGraph: Pick<GraphClientOptions, 'baseUrl' | 'version' | 'timeoutMs' | 'channel' | 'logger'>;
  now(): number;
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
  /** `X-Hub-Signature-256` against the configured secrets, then every registered app's. */
  verifySignature(rawBody: Uint8Array, header: string | null | undefined): SignatureCheck;
  /** The secret that signs calls for the account's app (registered app, else the first configured). */
  proofSecret(accountId: string): string | undefined;
  /** `${appId}|${appSecret}` of the account's app (for `debug_token`), or undefined when its app is not known. */
  appToken(accountId: string): string | undefined;
  /** `debug_token` of the account's token, with its app's token. */
  inspectToken(
    accountId: string,
    check: { requiredScopes: readonly string[]; targetIds?: readonly string[] },
  ): Promise<TokenInspection>;
}

// One array, not `?? []`: a fresh empty list per call never equals `seen` and rebuilt both lists per webhook.
const NO_APPS: readonly AppSecret[] = [];

export function createMetaAccess(config: MetaAccessConfig): MetaAccess {
  let host: AdapterHost | undefined;
  // Recomputed only when the engine's list changes (it replaces the array on every change).
  let seen: readonly unknown[] | undefined;
  let secrets: readonly string[] = config.appSecrets;
  let appIds: ReadonlyArray<string | undefined> = [];

  const token = async (accountId: string) =>
    (await host?.credentials(accountId))?.accessToken ?? config.configuredToken(accountId);

  // One app-token client per app: thousands of accounts of one app share it.
  const appClients = new Map<string, GraphClient>();
  const appClient = (appToken: string) => {
    let client = appClients.get(appToken);
    if (!client) {
      client = createGraphClient({ ...config.appGraph, accessToken: appToken });
      appClients.set(appToken, client);
    }
    return client;
  };

  const proofSecret = (accountId: string) => {
    const appId = host?.account(accountId)?.appId;
    const registered = appId ? host?.appSecrets().find((s) => s.appId === appId)?.secret : undefined;
    return registered ?? config.appSecrets[0];
  };

  const credentials: MetaAccess['credentials'] = async (accountId, options) => {
    const accessToken = await token(accountId);
    if (!accessToken)
      throw new SwitchboardError(
        'AUTH_FAILED',
        `no access token for ${config.describe(accountId)}: connect it with credentials (switchboard.accounts.connect) or configure one`,
      );
    const secret = options?.proof !== false && config.appsecretProof ? proofSecret(accountId) : undefined;
    return secret ? { accessToken, appSecret: secret } : { accessToken };
  };

  const appToken = (accountId: string) => {
    const appId = host?.account(accountId)?.appId ?? config.appId;
    if (!appId) return undefined;
    const secret =
      host?.appSecrets().find((s) => s.appId === appId)?.secret ??
      (appId === config.appId ? config.appSecrets[0] : undefined);
    return secret ? `${appId}|${secret}` : undefined;
  };

  return {
    attach(value) {
      host = value;
    },
    appToken,
    async inspectToken(accountId, check) {
      const token = appToken(accountId);
      if (!token)
        throw new SwitchboardError(
          'INVALID_REQUEST',
          `cannot check the token of ${config.describe(accountId)}: its app is unknown — connect it with appId and register the app (switchboard.apps.put) or configure appId`,
        );
      const { accessToken } = await credentials(accountId, { proof: false });
      return inspectMetaToken({
        appClient: appClient(token),
        token: accessToken,
        ...check,
        now: config.now(),
      });
    },
    account: (accountId) => host?.account(accountId),
    proofSecret,
    credentials,
    verifySignature(rawBody, header) {
      const registered = host?.appSecrets() ?? NO_APPS;
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
