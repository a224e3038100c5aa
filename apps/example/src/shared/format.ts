import type { ContentPart } from '@switchboard/core';
import { flowSummary } from './flow-summary.js';

/** A one-line description of message content, for previews and reply quotes. */
export function describeParts(parts: readonly ContentPart[], text?: string): string {
  const words: string[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        words.push(part.text);
        break;
      case 'image':
        words.push(part.caption ? `📷 ${part.caption}` : '📷 Photo');
        break;
      case 'video':
        words.push(part.caption ? `🎬 ${part.caption}` : '🎬 Video');
        break;
      case 'audio':
        words.push(part.voice ? '🎙️ Voice message' : '🎵 Audio');
        break;
      case 'file':
        words.push(`📄 ${part.filename ?? 'File'}`);
        break;
      case 'sticker':
        words.push('💟 Sticker');
        break;
      case 'location':
        words.push(`📍 ${part.name ?? 'Location'}`);
        break;
      case 'contacts':
        words.push(`👤 ${part.contacts.map((c) => c.name.formattedName).join(', ') || 'Contact'}`);
        break;
      case 'share':
        words.push(`🔗 ${part.title ?? `Shared ${part.shareType}`}`);
        break;
      case 'story_mention':
        words.push('✨ Mentioned you in their story');
        break;
      case 'story_reply':
        words.push('↩️ Replied to your story');
        break;
      case 'quick_reply':
        words.push(part.title ?? part.payload);
        break;
      case 'button_reply':
      case 'list_reply':
        words.push(part.title ?? part.id);
        break;
      case 'order':
        words.push(`🛒 Order · ${part.items.length} item${part.items.length === 1 ? '' : 's'}`);
        break;
      case 'flow_reply': {
        const first = flowSummary(part.response)[0];
        words.push(`📋 ${part.body ?? 'Form submitted'}${first ? ` · ${first.label}: ${first.value}` : ''}`);
        break;
      }
      case 'call_permission_reply':
        words.push(part.response === 'accept' ? '📞 Allowed calls' : '📞 Declined calls');
        break;
      case 'unsupported':
        words.push('Unsupported message');
        break;
    }
  }
  const joined = words.filter(Boolean).join(' · ');
  if (joined) return joined;
  return text ?? '';
}

/** Channel names as people write them. */
export const CHANNEL_LABEL: Record<string, string> = {
  messenger: 'Messenger',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
};

/** `3 s`, `4 min`, `2 h 5 min`, `3 d`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}
