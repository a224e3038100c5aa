import type { ContentPart } from '@switchboard/core';
import { flowSummary } from '../shared/flow-summary.js';
import { h, svg } from './dom.js';
import { ICON } from './icons.js';

const SHARE_LABEL: Record<string, string> = {
  fallback: 'link',
  ig_post: 'post',
  reel: 'reel',
  ig_reel: 'reel',
  template: 'card',
  share: 'post',
};

/** A platform-given URL as a link target: http(s) only (a `javascript:` URL would run on click). */
function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Media go through the server (`/api/media`): Meta CDN links expire and WhatsApp gives only ids. */
function mediaSrc(
  kind: string,
  part: { url?: string; mediaId?: string },
  channel: string,
): string | undefined {
  const src = part.url ?? part.mediaId;
  if (!src) return undefined;
  return `/api/media?kind=${kind}&channel=${encodeURIComponent(channel)}&src=${encodeURIComponent(src)}`;
}

function mediaTile(
  kind: string,
  label: string,
  part: { url?: string; mediaId?: string },
  channel: string,
  cls = 'media',
) {
  const src = mediaSrc(kind, part, channel);
  return h(
    'figure',
    { class: `${cls} ${kind}` },
    src
      ? h('img', { src, alt: label, loading: 'lazy', decoding: 'async' })
      : h('div', { class: 'media-missing' }, label),
  );
}

/** Draws one piece of content. Everything from the platform is inserted as text, never as HTML. */
export function renderPart(part: ContentPart, channel: string): Node {
  switch (part.type) {
    case 'text':
      return h('p', { class: 'text' }, part.text);
    case 'image':
      return h(
        'div',
        null,
        mediaTile('image', 'Photo', part, channel),
        part.caption ? h('p', { class: 'text' }, part.caption) : null,
      );
    case 'sticker':
      return mediaTile('sticker', 'Sticker', part, channel, 'sticker-wrap');
    case 'video':
    case 'audio':
      return h(
        'div',
        { class: `media-card ${part.type}` },
        svg(ICON.play, 'icon play'),
        h(
          'div',
          null,
          h(
            'strong',
            null,
            part.type === 'video' ? 'Video' : 'voice' in part && part.voice ? 'Voice message' : 'Audio',
          ),
          part.caption
            ? h('span', null, part.caption)
            : h('span', { class: 'muted' }, part.mimeType ?? 'media'),
        ),
      );
    case 'file':
      return h(
        'div',
        { class: 'media-card file' },
        svg(ICON.file, 'icon file'),
        h(
          'div',
          null,
          h('strong', null, part.filename ?? 'Document'),
          h('span', { class: 'muted' }, part.mimeType ?? 'file'),
        ),
      );
    case 'location':
      return h(
        'a',
        {
          class: 'location-card',
          href:
            safeHref(part.url) ??
            `https://www.openstreetmap.org/?mlat=${part.latitude}&mlon=${part.longitude}#map=16/${part.latitude}/${part.longitude}`,
          target: '_blank',
          rel: 'noopener noreferrer',
        },
        h('div', { class: 'map' }, svg(ICON.pin, 'icon pin')),
        h(
          'div',
          { class: 'location-text' },
          h('strong', null, part.name ?? 'Shared location'),
          h('span', null, part.address ?? `${part.latitude.toFixed(5)}, ${part.longitude.toFixed(5)}`),
        ),
      );
    case 'contacts':
      return h(
        'div',
        { class: 'contacts' },
        part.contacts.map((c) =>
          h(
            'div',
            { class: 'contact-card' },
            h('div', { class: 'avatar small' }, (c.name.formattedName[0] ?? '?').toUpperCase()),
            h(
              'div',
              null,
              h('strong', null, c.name.formattedName),
              ...(c.phones ?? []).map((p) => h('span', null, `📞 ${p.phone}`)),
              ...(c.emails ?? []).map((e) => h('span', null, `✉️ ${e.email}`)),
              c.org?.company ? h('span', { class: 'muted' }, c.org.company) : null,
            ),
          ),
        ),
      );
    case 'share':
      return h(
        'a',
        {
          class: 'share-card',
          href: safeHref(part.url) ?? '#',
          target: '_blank',
          rel: 'noopener noreferrer',
        },
        part.shareType === 'ig_post' || part.shareType === 'reel' || part.shareType === 'share'
          ? mediaTile(
              'image',
              'Shared post',
              { ...(part.url ? { url: part.url } : {}) },
              channel,
              'share-media',
            )
          : null,
        h(
          'div',
          null,
          h(
            'span',
            { class: 'muted' },
            `Shared ${SHARE_LABEL[part.shareType] ?? part.shareType.replace('_', ' ')}`,
          ),
          h('strong', null, part.title ?? part.url ?? 'Link'),
        ),
      );
    case 'story_mention':
    case 'story_reply':
      return h(
        'div',
        { class: 'story' },
        mediaTile('story', 'Story', part, channel, 'story-media'),
        h(
          'span',
          { class: 'muted' },
          part.type === 'story_mention' ? 'Mentioned you in their story' : 'Replied to your story',
        ),
      );
    case 'quick_reply':
      return h(
        'p',
        { class: 'chip-reply', title: `payload ${part.payload}` },
        part.title ? `↪ ${part.title}` : `↪ Quick reply · ${part.payload}`,
      );
    case 'button_reply':
    case 'list_reply':
      return h('p', { class: 'chip-reply' }, `↪ ${part.title ?? part.id}`);
    case 'order':
      return h(
        'div',
        { class: 'order-card' },
        h('strong', null, '🛒 Order'),
        h(
          'ul',
          null,
          part.items.map((item) =>
            h(
              'li',
              null,
              h('span', null, `${item.quantity} × ${item.productRetailerId}`),
              h('span', null, `${item.itemPrice} ${item.currency}`),
            ),
          ),
        ),
        part.text ? h('p', { class: 'text' }, part.text) : null,
      );
    case 'flow_reply':
      // A completed WhatsApp Flow: the answers the form returned, labelled for people.
      return h(
        'div',
        { class: 'flow-card' },
        h('strong', null, `📋 ${part.body ?? 'Form submitted'}`),
        h(
          'dl',
          null,
          flowSummary(part.response).map((field) =>
            h('div', null, h('dt', null, field.label), h('dd', null, field.value)),
          ),
        ),
      );
    case 'call_permission_reply':
      return h(
        'p',
        { class: 'call-permission' },
        part.response === 'accept'
          ? `📞 Allowed calls${part.permanent ? '' : part.expiresAt ? ` until ${new Date(part.expiresAt).toLocaleDateString()}` : ''}`
          : '📞 Declined calls',
      );
    case 'unsupported':
      return h('p', { class: 'unsupported' }, `⚠︎ Unsupported content: ${part.reason}`);
  }
}
