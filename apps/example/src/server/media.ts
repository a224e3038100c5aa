import type { ChannelAdapter } from '@switchboard/core';

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

/**
 * Serves media for the UI: in simulator mode a drawn stand-in; with Meta, a redirect to the CDN link
 * or, for WhatsApp media ids, the bytes downloaded with the adapter's token.
 */
export async function serveMedia(options: {
  simulator: boolean;
  kind: string;
  src: string;
  adapter: ChannelAdapter | undefined;
}): Promise<Response> {
  const { kind, src } = options;
  if (options.simulator) {
    return new Response(standInImageSvg(kind, src), {
      headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
    });
  }
  if (/^https?:\/\//.test(src)) return Response.redirect(src, 302);
  const download = (
    options.adapter as { downloadMedia?: (id: string) => Promise<{ bytes: Uint8Array; mimeType?: string }> }
  )?.downloadMedia;
  if (!download || !/^\d+$/.test(src)) return new Response('media not available', { status: 404 });
  try {
    const media = await download(src);
    return new Response(media.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': media.mimeType ?? 'application/octet-stream',
        'cache-control': 'private, max-age=3600',
      },
    });
  } catch {
    return new Response('media not available', { status: 404 });
  }
}
