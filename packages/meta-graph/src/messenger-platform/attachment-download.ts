import type { GraphClient } from '../client.js';
import { collect, type DownloadStream } from '../download.js';
import { assertTokenHost, META_MEDIA_HOSTS } from '../media-hosts.js';

/** Default cap of an inbound attachment download: Messenger's 25 MB upload limit, with room. */
export const ATTACHMENT_DOWNLOAD_MAX_BYTES = 32 * 1024 * 1024;

export interface AttachmentDownloadOptions {
  /** Largest file accepted (→ PAYLOAD_TOO_LARGE past it). Default 32 MiB. */
  maxBytes?: number;
  /** Hosts (with subdomains) downloads may go to. Default `META_MEDIA_HOSTS` (fbcdn.net, cdninstagram.com, …). */
  mediaHosts?: readonly string[];
}

export interface DownloadedAttachment {
  bytes: Uint8Array;
  mimeType?: string;
  size: number;
}

/**
 * Opens an inbound Messenger / Instagram attachment (`payload.url` of a message part) as a stream. The URL
 * must be on Meta's CDN hosts over https (or the Graph origin, e.g. a local simulator): anything else is
 * refused with INVALID_REQUEST before a request, so a forged webhook cannot make the server fetch
 * internal URLs. No token is sent (the CDN URL is signed). Expired URLs answer 403/404 → a classified error:
 * download soon after the webhook, or re-read the message through the Conversations API for a fresh URL.
 */
export function openMessengerPlatformAttachment(
  client: GraphClient,
  url: string,
  options: AttachmentDownloadOptions = {},
): Promise<DownloadStream> {
  assertTokenHost(url, new URL(client.baseUrl).origin, options.mediaHosts ?? META_MEDIA_HOSTS, 'download');
  return client.downloadStream(url, {
    maxBytes: options.maxBytes ?? ATTACHMENT_DOWNLOAD_MAX_BYTES,
    bearer: false,
  });
}

/** `openMessengerPlatformAttachment`, read to the end. */
export async function downloadMessengerPlatformAttachment(
  client: GraphClient,
  url: string,
  options: AttachmentDownloadOptions = {},
): Promise<DownloadedAttachment> {
  const stream = await openMessengerPlatformAttachment(client, url, options);
  const bytes = await collect(stream.body);
  return { bytes, size: bytes.byteLength, ...(stream.contentType ? { mimeType: stream.contentType } : {}) };
}
