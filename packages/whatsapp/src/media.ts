import { createHash } from 'node:crypto';
import { SwitchboardError } from '@switchboard/core';
import type { GraphClient } from '@switchboard/meta-graph';
import { z } from 'zod';

/** `GET /{media-id}`: a URL valid for 5 minutes plus the metadata to check the download against. */
export const MediaInfo = z.looseObject({
  id: z.string().optional(),
  url: z.string().url(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  messaging_product: z.string().optional(),
});

const UploadResponse = z.looseObject({ id: z.string().min(1) });

/** A downloaded media file, its hash checked when Meta gave one. */
export interface DownloadedMedia {
  mediaId: string;
  bytes: Uint8Array;
  mimeType?: string;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  /** `true` when the bytes matched the SHA-256 Meta gave; `false` when Meta gave none (nothing was checked). */
  sha256Checked: boolean;
  fileSize: number;
}

export interface DownloadMediaOptions {
  /** Sent as `phone_number_id`, which Meta uses to check the number may access the media. */
  phoneNumberId?: string;
  /** Overrides the adapter's `mediaMaxBytes` for this call. */
  maxBytes?: number;
}

export interface UploadMediaInput {
  /** The number that will send the media. */
  phoneNumberId: string;
  bytes: Uint8Array;
  /** e.g. `image/jpeg`, `audio/ogg`, `application/pdf`. */
  mimeType: string;
  filename?: string;
}

/** Meta's metadata gives the hash as hex, webhooks as base64: accept either spelling. */
function hashMatches(expected: string, bytes: Uint8Array): { ok: boolean; hex: string } {
  const digest = createHash('sha256').update(bytes).digest();
  const hex = digest.toString('hex');
  const ok = expected.toLowerCase() === hex || expected === digest.toString('base64');
  return { ok, hex };
}

const isExpiredUrl = (error: unknown) =>
  error instanceof SwitchboardError &&
  (error.code === 'NOT_FOUND' || error.platform?.httpStatus === 404 || error.platform?.httpStatus === 410);

/**
 * Resolves a media id and downloads the file at once (the URL lives 5 minutes), with the bearer
 * token, refusing files above `maxBytes` (PAYLOAD_TOO_LARGE) and checking the SHA-256 Meta gave
 * (mismatch → PAYLOAD_INVALID, retryable; none → `sha256Checked: false`). A 404 on the URL means it
 * expired: a fresh URL is fetched once. The token goes only to Meta's media hosts (see the client's
 * `mediaHosts`): a URL elsewhere is refused with INVALID_REQUEST.
 */
export async function downloadMedia(
  graph: GraphClient,
  mediaId: string,
  maxBytes: number,
  options: DownloadMediaOptions = {},
): Promise<DownloadedMedia> {
  const cap = options.maxBytes ?? maxBytes;
  const params = options.phoneNumberId ? { phone_number_id: options.phoneNumberId } : undefined;
  for (let attempt = 0; ; attempt++) {
    const { data: info } = await graph.get(`/${encodeURIComponent(mediaId)}`, MediaInfo, params);
    const declared = info.file_size === undefined ? undefined : Number(info.file_size);
    if (declared !== undefined && declared > cap) {
      throw new SwitchboardError(
        'PAYLOAD_TOO_LARGE',
        `media ${mediaId} is ${declared} bytes, the cap is ${cap}`,
      );
    }
    let bytes: Uint8Array;
    let contentType: string | undefined;
    try {
      const result = await graph.download(info.url, { maxBytes: cap, bearer: true });
      bytes = result.bytes;
      contentType = result.contentType;
    } catch (error) {
      if (attempt === 0 && isExpiredUrl(error)) continue;
      throw error;
    }
    const { ok, hex } = hashMatches(info.sha256 ?? '', bytes);
    if (info.sha256 && !ok) {
      throw new SwitchboardError(
        'PAYLOAD_INVALID',
        `media ${mediaId}: SHA-256 of the download does not match Meta's`,
        {
          retryable: true,
        },
      );
    }
    if (declared !== undefined && declared !== bytes.byteLength) {
      throw new SwitchboardError(
        'PAYLOAD_INVALID',
        `media ${mediaId}: downloaded ${bytes.byteLength} bytes, Meta announced ${declared}`,
        { retryable: true },
      );
    }
    const mimeType = info.mime_type ?? contentType;
    return {
      mediaId,
      bytes,
      sha256: hex,
      sha256Checked: Boolean(info.sha256),
      fileSize: bytes.byteLength,
      ...(mimeType ? { mimeType } : {}),
    };
  }
}

/**
 * Uploads a file (`POST /{phone-number-id}/media`, multipart) and returns its media id, usable in
 * `{ type: 'image', mediaId }` content for 30 days.
 */
export async function uploadMedia(graph: GraphClient, input: UploadMediaInput): Promise<{ mediaId: string }> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', input.mimeType);
  form.append(
    'file',
    new Blob([Uint8Array.from(input.bytes)], { type: input.mimeType }),
    input.filename ?? 'file',
  );
  const { data } = await graph.postForm(`/${input.phoneNumberId}/media`, form, UploadResponse);
  return { mediaId: data.id };
}
