import type { CredentialKey } from './cipher.js';

/**
 * Secrets of one account, by name: `accessToken` for the Meta adapters (a Page token, an Instagram
 * token, a WhatsApp business or system-user token); a plugin names its own (e.g. `botToken`).
 * Stored sealed (AES-256-GCM); never in logs, metrics, errors or `accounts.get/list`.
 */
export type AccountCredentials = Readonly<Record<string, string>>;

/** The secret of a platform app that signs webhooks (Meta: the app secret of `X-Hub-Signature-256`). */
export interface AppSecret {
  appId: string;
  secret: string;
}

/** Whose credentials a resolver is asked for. */
export interface CredentialReference {
  channel: string;
  accountId: string;
  tenantId: string | null;
  appId: string | null;
}

/**
 * Bring your own secrets (a vault, a KMS): called when an adapter needs an account's credentials; the
 * answer is cached for `ttlMs`. Return undefined to fall back to the stored credentials (then the
 * adapter's configuration). A throw fails the send with TEMPORARY (retried), its message kept, so do
 * not put secrets in it.
 */
export type CredentialResolver = (
  account: CredentialReference,
) => Promise<AccountCredentials | undefined> | AccountCredentials | undefined;

/** Options of `createSwitchboard({ credentials })`. */
export interface CredentialsOptions {
  /**
   * Keys that seal stored credentials; the first seals, all open. Usually `credentialKeysFromEnv()`
   * (`SWITCHBOARD_CREDENTIAL_KEY` / `SWITCHBOARD_CREDENTIAL_KEYS`). Needed only to store credentials.
   */
  keys?: readonly CredentialKey[];
  resolve?: CredentialResolver;
  /** How long a resolver's answer is used. Default 5 minutes. */
  ttlMs?: number;
}

/**
 * Platform apps whose secrets sign webhooks (`switchboard.apps`), for a deployment that receives
 * through several Meta apps or rotates a secret without a restart. Secrets are stored sealed; every
 * instance picks up a change within `accounts.refreshMs`. The adapters' configured `appSecrets` keep
 * working beside them.
 *
 * @example
 * await switchboard.apps.put('1234567890', [newSecret, oldSecret]); // both verify during the rotation
 * await switchboard.apps.put('1234567890', [newSecret]);            // once Meta signs with the new one
 */
export interface Apps {
  /** Registers the app or replaces its secrets (the one to sign proofs with first). */
  put(appId: string, secrets: readonly string[]): Promise<void>;
  /** Forgets the app's secrets: its webhooks no longer verify. */
  remove(appId: string): Promise<void>;
  /** Registered apps and how many secrets each has (never the secrets). */
  list(): Promise<Array<{ appId: string; secrets: number }>>;
}

/** `switchboard.credentials`: key rotation. */
export interface CredentialsAdmin {
  /** Id of the key new values are sealed with, or null when no key is configured. */
  readonly keyId: string | null;
  /** Re-seals every stored value made with an older key (after putting a new key first). */
  reencrypt(): Promise<{ resealed: number; total: number }>;
}
