import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { GraphClient } from '@switchboard/meta-graph';
import { z } from 'zod';
import { invalid } from '../send/limits.js';

/** What Meta holds for a number: the key and whether its signature checks out (`VALID` / `MISMATCH`). */
export interface FlowPublicKeyStatus {
  publicKey: string;
  signatureStatus: string;
}

const Uploaded = z.looseObject({ success: z.boolean().optional() });
const Listed = z.looseObject({
  data: z.array(
    z.looseObject({
      business_public_key: z.string().min(1),
      business_public_key_signature_status: z.string().optional(),
    }),
  ),
});

/**
 * The PEM public key to upload: given a public key, or derived from a private key (PEM, optionally with
 * its passphrase). Meta takes 2048-bit RSA keys only; anything else is refused before the call.
 */
export function flowPublicKeyPem(key: string | { privateKey: string; passphrase?: string }): string {
  let object: KeyObject;
  try {
    object =
      typeof key === 'string'
        ? createPublicKey(key)
        : createPublicKey(
            createPrivateKey({
              key: key.privateKey,
              ...(key.passphrase ? { passphrase: key.passphrase } : {}),
            }),
          );
  } catch {
    throw invalid('the Flow key is not a PEM encoded RSA key (or its passphrase is wrong)', 'publicKey');
  }
  if (object.asymmetricKeyType !== 'rsa' || object.asymmetricKeyDetails?.modulusLength !== 2048)
    throw invalid('WhatsApp Flows need a 2048-bit RSA key', 'publicKey');
  return object.export({ type: 'spki', format: 'pem' }).toString();
}

/** `POST /{phone}/whatsapp_business_encryption` with the form field `business_public_key` (reference §6.4). */
export async function uploadFlowPublicKey(
  graph: GraphClient,
  phoneNumberId: string,
  key: string | { privateKey: string; passphrase?: string },
): Promise<void> {
  const pem = flowPublicKeyPem(key);
  if (!phoneNumberId.trim()) throw invalid('phoneNumberId is required', 'phoneNumberId');
  const form = new FormData();
  form.set('business_public_key', pem);
  await graph.postForm(`/${encodeURIComponent(phoneNumberId)}/whatsapp_business_encryption`, form, Uploaded);
}

/** The key Meta holds for the number and its signature status; `undefined` when none was uploaded. */
export async function getFlowPublicKey(
  graph: GraphClient,
  phoneNumberId: string,
): Promise<FlowPublicKeyStatus | undefined> {
  if (!phoneNumberId.trim()) throw invalid('phoneNumberId is required', 'phoneNumberId');
  const { data } = await graph.get(
    `/${encodeURIComponent(phoneNumberId)}/whatsapp_business_encryption`,
    Listed,
  );
  const first = data.data[0];
  if (!first) return undefined;
  return {
    publicKey: first.business_public_key,
    signatureStatus: first.business_public_key_signature_status ?? 'UNKNOWN',
  };
}
