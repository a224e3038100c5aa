import type { Prng } from './prng.js';
import type { InboundKind, SimChannel } from './types.js';

/** Realistic customer texts: emoji, right-to-left scripts, accents, CJK, URLs with slashes, quotes. */
export const TEXTS = [
  'Hi! Is the blue jacket still in stock? 🧥',
  'مرحبا، هل يمكنني تغيير عنوان التوصيل؟',
  'שלום, מתי ההזמנה שלי תגיע?',
  'Bonjour, ma commande n°4512 est arrivée abîmée 😞',
  'Danke für die schnelle Antwort! 👍🏽',
  'こんにちは、営業時間を教えてください。',
  'Can you check https://example.com/orders/4512?ref=chat for me?',
  'ok',
  'I said "tomorrow" — not today…',
  '👨‍👩‍👧‍👦🎉🎂',
  'Precio: 12,50 € / unidad. ¿Envío a Canarias?',
  'line one\nline two\n\ttabbed',
];
export const EMOJIS = ['❤️', '😂', '👍', '😮', '😢', '🙏', '🔥'];

/** Traffic mix per channel: kind and weight. */
const MIX: Record<SimChannel, Array<[InboundKind, number]>> = {
  messenger: [
    ['text', 50],
    ['image', 8],
    ['video', 3],
    ['audio', 3],
    ['file', 2],
    ['sticker', 4],
    ['reaction', 8],
    ['postback', 5],
    ['quick_reply', 5],
    ['read', 6],
    ['edit', 2],
    ['referral', 1],
    ['share', 3],
  ],
  instagram: [
    ['text', 50],
    ['image', 8],
    ['video', 4],
    ['audio', 2],
    ['reaction', 8],
    ['story_mention', 4],
    ['story_reply', 4],
    ['share', 5],
    ['postback', 3],
    ['read', 6],
    ['delete', 2],
    ['edit', 2],
  ],
  whatsapp: [
    ['text', 50],
    ['image', 8],
    ['video', 3],
    ['audio', 5],
    ['file', 3],
    ['sticker', 3],
    ['location', 3],
    ['contacts', 2],
    ['reaction', 7],
    ['button_reply', 4],
    ['list_reply', 3],
    ['button', 2],
    ['order', 1],
    ['unsupported', 1],
  ],
};

/** Kinds that need an earlier message to point at. */
export const NEEDS_TARGET = new Set<InboundKind>(['reaction', 'unreact', 'read', 'edit', 'delete']);

export function pickKind(rng: Prng, channel: SimChannel): InboundKind {
  const mix = MIX[channel];
  const total = mix.reduce((s, [, w]) => s + w, 0);
  let roll = rng.next() * total;
  for (const [kind, w] of mix) {
    roll -= w;
    if (roll < 0) return kind;
  }
  return 'text';
}

/** Kinds each channel can generate. */
export function kindsFor(channel: SimChannel): InboundKind[] {
  const extra: Record<SimChannel, InboundKind[]> = {
    messenger: ['unreact'],
    instagram: ['unreact', 'quick_reply', 'referral', 'file', 'sticker'],
    whatsapp: ['unreact'],
  };
  return [...MIX[channel].map(([k]) => k), ...extra[channel]];
}
