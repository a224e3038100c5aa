import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
} from 'node:crypto';
import { z } from 'zod';

/** What Meta posts to a Flow endpoint: an AES key wrapped with your RSA public key, and the body it encrypts. */
export const EncryptedFlowRequest = z.object({
  encrypted_flow_data: z.string().min(1),
  encrypted_aes_key: z.string().min(1),
  initial_vector: z.string().min(1),
});
export type EncryptedFlowRequest = z.infer<typeof EncryptedFlowRequest>;

/** A decrypted Flow data-exchange request (reference §6.3). */
export const FlowRequest = z.looseObject({
  version: z.string(),
  action: z.enum(['INIT', 'BACK', 'data_exchange', 'ping']),
  screen: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  flow_token: z.string().optional(),
  /** JWT (HS256, app secret) for Flow JSON ≥ 7.3 with data_api_version ≥ 4.0. */
  flow_token_signature: z.string().optional(),
});
export type FlowRequest = z.infer<typeof FlowRequest>;

/** The key and IV of one request: its response is encrypted with the same key and the bit-inverted IV. */
export interface FlowSession {
  aesKey: Buffer;
  iv: Buffer;
}

/**
 * Why a Flow request could not be read, with the HTTP status Meta's client expects: 421 (cannot decrypt:
 * the client re-fetches the public key and retries), 432 (signature check failed), 427 (flow_token no
 * longer valid), 400 (not a Flow request at all).
 */
export class FlowEndpointError extends Error {
  override readonly name = 'FlowEndpointError';
  constructor(
    readonly status: 400 | 421 | 427 | 432,
    message: string,
  ) {
    super(message);
  }
}

const TAG_BYTES = 16;

/**
 * Decrypts a Flow endpoint request: RSA-OAEP (SHA-256 for the hash and MGF1) unwraps the 128-bit AES key,
 * AES-GCM opens the body (its last 16 bytes are the tag). Throws FlowEndpointError 421 when it cannot be
 * decrypted (wrong or rotated key, altered data), 400 when the body is not a Flow request.
 *
 * @example
 * const { request, session } = decryptFlowRequest(await req.json(), process.env.FLOW_PRIVATE_KEY!);
 * const body = encryptFlowResponse({ screen: 'SLOTS', data: { slots } }, session); // text/plain
 */
export function decryptFlowRequest(
  body: unknown,
  privateKey: string | KeyObject,
  passphrase?: string,
): { request: FlowRequest; session: FlowSession } {
  const envelope = EncryptedFlowRequest.safeParse(body);
  if (!envelope.success)
    throw new FlowEndpointError(
      400,
      'not a Flow endpoint request (encrypted_flow_data, encrypted_aes_key, initial_vector)',
    );
  const { encrypted_flow_data, encrypted_aes_key, initial_vector } = envelope.data;
  let aesKey: Buffer;
  let plaintext: Buffer;
  const iv = Buffer.from(initial_vector, 'base64');
  try {
    const key =
      typeof privateKey === 'string'
        ? createPrivateKey(passphrase ? { key: privateKey, passphrase } : privateKey)
        : privateKey;
    aesKey = privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(encrypted_aes_key, 'base64'),
    );
    const data = Buffer.from(encrypted_flow_data, 'base64');
    const decipher = createDecipheriv(`aes-${aesKey.byteLength * 8}-gcm` as 'aes-128-gcm', aesKey, iv);
    decipher.setAuthTag(data.subarray(-TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(data.subarray(0, -TAG_BYTES)), decipher.final()]);
  } catch {
    throw new FlowEndpointError(421, 'the Flow request does not decrypt with this private key');
  }
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new FlowEndpointError(400, 'the decrypted Flow request is not JSON');
  }
  const request = FlowRequest.safeParse(json);
  if (!request.success)
    throw new FlowEndpointError(
      400,
      `the decrypted Flow request is malformed at ${request.error.issues[0]?.path.join('.') || '$'}`,
    );
  return { request: request.data, session: { aesKey, iv } };
}

/**
 * Encrypts a Flow endpoint response: AES-GCM with the request's key and every IV byte inverted, tag
 * appended, base64. Send it as the whole `text/plain` body (no JSON wrapper).
 */
export function encryptFlowResponse(response: unknown, session: FlowSession): string {
  const inverted = Buffer.from(session.iv.map((b) => ~b & 0xff));
  const cipher = createCipheriv(
    `aes-${session.aesKey.byteLength * 8}-gcm` as 'aes-128-gcm',
    session.aesKey,
    inverted,
  );
  return Buffer.concat([
    cipher.update(JSON.stringify(response), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64');
}

/**
 * A 2048-bit RSA key pair for a Flow endpoint, PEM-encoded: upload `publicKey` with
 * `whatsapp.setFlowPublicKey(phoneNumberId, publicKey)`, keep `privateKey` secret (encrypted with
 * `passphrase` when given).
 */
export function generateFlowKeyPair(passphrase?: string): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: passphrase
      ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }
      : { type: 'pkcs8', format: 'pem' },
  });
}
