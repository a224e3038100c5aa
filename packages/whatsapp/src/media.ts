import { createHash } from 'node:crypto';
import { SwitchboardError } from '@switchboard/core';
import { collect, type DownloadStream, type GraphClient } from '@switchboard/meta-graph';
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
  /**
   * Sent as `phone_number_id`, which Meta uses to check the number may access the media; also picks the
   * token (the number's own credentials from `switchboard.accounts`, else the configured one).
   */
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

const isExpiredUrl = (error: unknown) =>
  error instanceof SwitchboardError &&
  (error.code === 'NOT_FOUND' || error.platform?.httpStatus === 404 || error.platform?.httpStatus === 410);

/** A media file on its way: metadata now, the bytes as they arrive. */
export interface MediaStream {
  mediaId: string;
  mimeType?: string;
  /** The size Meta announced, when it did. */
  fileSize?: number;
  /** `true` when Meta gave a SHA-256 the bytes are checked against; `false` when it gave none. */
  sha256Checked: boolean;
  /**
   * The file. Errors with PAYLOAD_TOO_LARGE past the cap, and at its end with PAYLOAD_INVALID
   * (retryable) when the bytes do not match the SHA-256 or size Meta announced.
   */
  body: ReadableStream<Uint8Array>;
  /** Hex SHA-256 of the bytes, once `body` has been read to its end. */
  sha256: Promise<string>;
}

/** Hashes the bytes going by; at the end, checks them against what Meta announced. */
function verifyAgainst(
  mediaId: string,
  expected: { sha256?: string; size?: number },
  done: (hex: string) => void,
): TransformStream<Uint8Array, Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      hash.update(chunk);
      size += chunk.byteLength;
      controller.enqueue(chunk);
    },
    flush(controller) {
      const digest = hash.digest();
      const hex = digest.toString('hex');
      // Meta's metadata gives the hash as hex, webhooks as base64: accept either spelling.
      const matches =
        !expected.sha256 ||
        expected.sha256.toLowerCase() === hex ||
        expected.sha256 === digest.toString('base64');
      if (!matches)
        controller.error(
          new SwitchboardError(
            'PAYLOAD_INVALID',
            `media ${mediaId}: SHA-256 of the download does not match Meta's`,
            {
              retryable: true,
            },
          ),
        );
      else if (expected.size !== undefined && expected.size !== size)
        controller.error(
          new SwitchboardError(
            'PAYLOAD_INVALID',
            `media ${mediaId}: downloaded ${size} bytes, Meta announced ${expected.size}`,
            {
              retryable: true,
            },
          ),
        );
      else done(hex);
    },
  });
}

/**
 * Resolves a media id and starts the download at once (the URL lives 5 minutes), with the bearer token,
 * refusing files above `maxBytes` (PAYLOAD_TOO_LARGE) and checking the SHA-256 Meta gave as the bytes go
 * by. A 404 on the URL means it expired: a fresh URL is fetched once. The token goes only to Meta's media
 * hosts (see the client's `mediaHosts`): a URL elsewhere is refused with INVALID_REQUEST.
 */
export async function openMedia(
  graph: GraphClient,
  mediaId: string,
  maxBytes: number,
  options: DownloadMediaOptions = {},
): Promise<MediaStream> {
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
    let download: DownloadStream;
    try {
      download = await graph.downloadStream(info.url, { maxBytes: cap, bearer: true });
    } catch (error) {
      if (attempt === 0 && isExpiredUrl(error)) continue;
      throw error;
    }
    let hashed: (hex: string) => void = () => {};
    const sha256 = new Promise<string>((resolve) => {
      hashed = resolve;
    });
    const expected = {
      ...(info.sha256 ? { sha256: info.sha256 } : {}),
      ...(declared !== undefined ? { size: declared } : {}),
    };
    const mimeType = info.mime_type ?? download.contentType;
    return {
      mediaId,
      body: download.body.pipeThrough(verifyAgainst(mediaId, expected, hashed)),
      sha256,
      sha256Checked: Boolean(info.sha256),
      ...(mimeType ? { mimeType } : {}),
      ...(declared !== undefined ? { fileSize: declared } : {}),
    };
  }
}

/**
 * `openMedia`, read to the end: the whole file in memory, its hash checked when Meta gave one
 * (mismatch → PAYLOAD_INVALID, retryable; none → `sha256Checked: false`).
 */
export async function downloadMedia(
  graph: GraphClient,
  mediaId: string,
  maxBytes: number,
  options: DownloadMediaOptions = {},
): Promise<DownloadedMedia> {
  const media = await openMedia(graph, mediaId, maxBytes, options);
  const bytes = await collect(media.body);
  return {
    mediaId,
    bytes,
    sha256: await media.sha256,
    sha256Checked: media.sha256Checked,
    fileSize: bytes.byteLength,
    ...(media.mimeType ? { mimeType: media.mimeType } : {}),
  };
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
