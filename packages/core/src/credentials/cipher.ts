import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SwitchboardError } from '../errors.js';

/** One AES-256 key. `id` is written into every value sealed with it, so keys can rotate. */
export interface CredentialKey {
  /** 1–32 of `A-Z a-z 0-9 _ -`. */
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/** Seals secrets for the store: AES-256-GCM, a fresh 12-byte IV per value, bound to the record's name. */
export interface CredentialCipher {
  /** Id of the key new values are sealed with (the first key given). */
  readonly keyId: string;
  /** `sb1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url). `name` is authenticated: a value copied under another name does not open. */
  seal(name: string, plaintext: string): string;
  /** Throws CREDENTIALS_UNAVAILABLE when the key is unknown or the value was altered. */
  open(name: string, sealed: string): string;
  /** Whether `sealed` was made with another key than the current one (re-encrypt it). */
  isStale(sealed: string): boolean;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX = 'sb1';

function fail(message: string): never {
  throw new SwitchboardError('CREDENTIALS_UNAVAILABLE', message);
}

/**
 * Creates the cipher over `keys`; the first seals, all of them open (rotation: put the new key first,
 * run `switchboard.credentials.reencrypt()`, then drop the old one).
 *
 * @example
 * const cipher = createCredentialCipher(credentialKeysFromEnv());
 */
export function createCredentialCipher(keys: readonly CredentialKey[]): CredentialCipher {
  const first = keys[0];
  if (!first) fail('no credential key given: set SWITCHBOARD_CREDENTIAL_KEY (32 bytes, base64 or hex)');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!KEY_ID.test(id)) fail(`credential key id "${id.slice(0, 40)}" must be 1-32 of A-Z a-z 0-9 _ -`);
    if (key.byteLength !== 32) fail(`credential key ${id} must be 32 bytes, not ${key.byteLength}`);
    if (byId.has(id)) fail(`credential key id ${id} is given twice`);
    byId.set(id, Buffer.from(key));
  }
  const current = byId.get(first.id) as Buffer;
  return {
    keyId: first.id,
    seal(name, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(name));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return [PREFIX, first.id, ...parts].join(':');
    },
    open(name, sealed) {
      const [prefix, keyId, iv, data, tag] = sealed.split(':');
      if (prefix !== PREFIX || !keyId || iv === undefined || data === undefined || tag === undefined)
        fail(`credentials of ${name} are not in the sealed format`);
      const key = byId.get(keyId);
      if (!key)
        fail(`credentials of ${name} are sealed with key ${keyId}, which is not among the configured keys`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(name));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        return fail(
          `credentials of ${name} do not decrypt with key ${keyId}: altered, or sealed under another name`,
        );
      }
    },
    isStale: (sealed) => sealed.split(':', 2)[1] !== first.id,
  };
}

function decodeKey(text: string, what: string): Uint8Array {
  const value = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.byteLength !== 32)
    fail(`${what} must be 32 bytes as base64 (44 chars) or hex (64 chars); got ${bytes.byteLength} bytes`);
  return bytes;
}

/** A key's id when none is given: a fingerprint, so two different keys never share an id. */
const fingerprint = (key: Uint8Array) => `k${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;

/**
 * Reads the keys from the environment (never logs them):
 * - `SWITCHBOARD_CREDENTIAL_KEYS`: `id:key,id:key` — the first seals, all open (rotation);
 * - `SWITCHBOARD_CREDENTIAL_KEY`: one key, its id a fingerprint of it.
 * Keys are 32 bytes as base64 or hex (`openssl rand -base64 32`). Returns [] when neither is set.
 *
 * @example
 * createSwitchboard({ adapters, store, credentials: { keys: credentialKeysFromEnv() } });
 */
export function credentialKeysFromEnv(
  env: Record<string, string | undefined> = process.env,
): CredentialKey[] {
  const many = env.SWITCHBOARD_CREDENTIAL_KEYS?.trim();
  if (many) {
    return many
      .split(',')
      .filter((pair) => pair.trim())
      .map((pair) => {
        const at = pair.indexOf(':');
        if (at < 1) fail('SWITCHBOARD_CREDENTIAL_KEYS holds id:key pairs separated by commas');
        const id = pair.slice(0, at).trim();
        return { id, key: decodeKey(pair.slice(at + 1), `SWITCHBOARD_CREDENTIAL_KEYS key ${id}`) };
      });
  }
  const one = env.SWITCHBOARD_CREDENTIAL_KEY?.trim();
  if (!one) return [];
  const key = decodeKey(one, 'SWITCHBOARD_CREDENTIAL_KEY');
  return [{ id: fingerprint(key), key }];
}
