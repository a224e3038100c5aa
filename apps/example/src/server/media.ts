import { type ChannelAdapter, SwitchboardError } from '@switchboard/core';

const hash = (text: string): number => {
  let n = 2166136261;
  for (let i = 0; i < text.length; i++) n = Math.imul(n ^ text.charCodeAt(i), 16777619);
  return n >>> 0;
};

const STICKERS = ['👍', '😺', '🎉', '💖', '🌈', '🐶', '🍕', '✨'];

/**
 * A drawn stand-in for a media file of the simulator (its CDN links point nowhere): a deterministic
 * gradient "photo", or a sticker.
 */
export function standInImageSvg(kind: string, src: string): string {
  const n = hash(src);
  const h1 = n % 360;
  const h2 = (h1 + 50 + ((n >> 9) % 80)) % 360;
  if (kind === 'sticker') {
    const emoji = STICKERS[n % STICKERS.length];
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><circle cx="60" cy="60" r="56" fill="hsl(${h1} 90% 92%)"/><text x="60" y="80" font-size="60" text-anchor="middle">${emoji}</text></svg>`;
  }
  const sun = 30 + ((n >> 5) % 180);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 170"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${h1} 75% 70%)"/><stop offset="1" stop-color="hsl(${h2} 70% 48%)"/></linearGradient></defs><rect width="240" height="170" fill="url(#g)"/><circle cx="${sun}" cy="52" r="20" fill="rgba(255,255,255,.75)"/><path d="M0 170 L70 95 L115 135 L160 80 L240 160 L240 170Z" fill="rgba(0,0,0,.22)"/><text x="12" y="160" font-family="sans-serif" font-size="11" fill="rgba(255,255,255,.9)">${kind === 'story' ? 'story' : 'demo photo'}</text></svg>`;
}

/** Meta's media CDNs: the only hosts `/api/media` redirects to (Messenger / Instagram attachment URLs). */
export const MEDIA_CDN_HOSTS = ['fbcdn.net', 'fbsbx.com', 'cdninstagram.com'];
/** WhatsApp downloads in flight at once; more answer 503. */
const MEDIA_CONCURRENCY = 4;
/** Largest WhatsApp media file the proxy downloads. */
const MEDIA_MAX_BYTES = 25 * 1024 * 1024;

/** Types a browser may render from our origin; SVG is excluded (it can carry script). */
const INLINE = /^(image\/(?!svg)|audio\/|video\/)[\w.+-]+$/;

type OpenMedia = (
  id: string,
  options: { maxBytes: number },
) => Promise<{ body: ReadableStream<Uint8Array>; mimeType?: string; fileSize?: number }>;

/** Runs `release` once the stream has ended, failed or been cancelled by the client. */
function onSettled(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let released = false;
  const done = () => {
    if (!released) release();
    released = true;
  };
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason);
    },
  });
}

const isCdnUrl = (src: string): boolean => {
  try {
    const url = new URL(src);
    return (
      url.protocol === 'https:' &&
      MEDIA_CDN_HOSTS.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`))
    );
  } catch {
    return false;
  }
};

/**
 * The media proxy for the UI (`/api/media`): in simulator mode a drawn stand-in; with Meta, a
 * redirect for Meta CDN links only, or, for WhatsApp media ids, the file streamed through with the
 * adapter's token (never held in memory, size-capped, hash-checked as it goes, `MEDIA_CONCURRENCY` at
 * once). Only images, audio and video are served inline; anything else (an uploaded text/html, say) is
 * an attachment that never renders here.
 */
export function createMediaProxy(options: { simulator: boolean; adapters: readonly ChannelAdapter[] }) {
  let inFlight = 0;
  return async (query: { kind: string; src: string; channel: string }): Promise<Response> => {
    const { kind, src } = query;
    if (options.simulator) {
      return new Response(standInImageSvg(kind, src), {
        headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
      });
    }
    if (/^https?:\/\//.test(src)) {
      if (!isCdnUrl(src)) return new Response('not a Meta media URL', { status: 400 });
      return new Response(null, { status: 302, headers: { location: src } });
    }
    const adapter = options.adapters.find((a) => a.channel === query.channel);
    const open = (adapter as { openMedia?: OpenMedia } | undefined)?.openMedia;
    if (!open || !/^\d+$/.test(src)) return new Response('media not available', { status: 404 });
    if (inFlight >= MEDIA_CONCURRENCY)
      return new Response('too many media downloads at once', {
        status: 503,
        headers: { 'retry-after': '1' },
      });
    inFlight++;
    const release = () => {
      inFlight--;
    };
    try {
      const media = await open(src, { maxBytes: MEDIA_MAX_BYTES });
      const type = media.mimeType?.split(';')[0]?.trim().toLowerCase() ?? '';
      const inline = INLINE.test(type);
      // A hash mismatch or the cap found mid-stream aborts the response: the browser sees a failed load.
      return new Response(onSettled(media.body, release), {
        headers: {
          'content-type': /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream',
          'content-disposition': inline ? 'inline' : `attachment; filename="media-${src}"`,
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'private, max-age=3600',
          ...(media.fileSize !== undefined ? { 'content-length': String(media.fileSize) } : {}),
        },
      });
    } catch (error) {
      release();
      if (error instanceof SwitchboardError && error.code === 'PAYLOAD_TOO_LARGE')
        return new Response(`media larger than ${MEDIA_MAX_BYTES} bytes`, { status: 413 });
      return new Response('media not available', { status: 404 });
    }
  };
}
