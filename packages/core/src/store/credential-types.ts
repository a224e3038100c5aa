// ---------------------------------------------------------------------------------------------------
// Credentials: sealed secrets (account tokens, app secrets) by name. The store never sees plaintext:
// values arrive sealed (AES-256-GCM, `sb1:<keyId>:…`) and are returned as they were written.

/** One sealed value. `sealed: null` records an erasure, so other instances see it through `changedSince`. */
export interface SealedCredential {
  /** `account:<channel>:<accountId>` or `app:<appId>`. */
  name: string;
  sealed: string | null;
  /** Epoch ms. */
  updatedAt: number;
  /** Increases with every write to any credential, in commit order. */
  version: number;
}

export interface CredentialStore {
  /**
   * Replaces the value under `name` (`null` erases it); the write takes the next `version`. Atomic. With
   * `ifVersion`, writes only if the stored version is still that one (0: no row yet) and resolves
   * undefined otherwise — a compare-and-set, e.g. so one instance at a time refreshes a token.
   */
  put(
    name: string,
    sealed: string | null,
    options: { now: number; ifVersion?: number },
  ): Promise<SealedCredential | undefined>;
  get(name: string): Promise<SealedCredential | undefined>;
  /** Values written after `version`, oldest write first (erasures included). */
  changedSince(version: number, limit: number): Promise<SealedCredential[]>;
}
