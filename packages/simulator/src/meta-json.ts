// Meta's wire format (escaping, signing, appsecret_proof) lives once, in @switchboard/meta-graph/wire.
export {
  appSecretProof,
  metaJsonStringify as metaStringify,
  signMetaBody as signSha256,
  signMetaBodySha1 as signSha1,
} from '@switchboard/meta-graph/wire';

/** Meta's `created_time` format: `2024-07-11T15:56:00+0000`. */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
