import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { DeliveryState, MessageItem, Thread, ThreadItem } from '../shared/types.js';
import { renderPart } from './content.js';
import { clockTime, h, hue, initials, svg } from './dom.js';
import { CHANNEL_ICON, ICON } from './icons.js';

export function avatar(name: string, channel: string, size = '', pictureUrl?: string) {
  const picture = pictureUrl
    ? h('img', { class: 'avatar-picture', src: pictureUrl, alt: '', loading: 'lazy' })
    : null;
  // A picture that fails to load leaves the initials underneath visible.
  picture?.addEventListener('error', () => picture.remove());
  const el = h(
    'div',
    { class: `avatar ${size}` },
    initials(name),
    picture,
    svg(CHANNEL_ICON[channel] ?? '', `channel-badge ${channel}`),
  );
  // Through the CSSOM: the CSP blocks style attributes.
  el.style.setProperty('--h', String(hue(name)));
  return el;
}

const STATE_LABEL: Record<DeliveryState, string> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

function stateIcon(state: DeliveryState): HTMLElement {
  const icon =
    state === 'pending'
      ? ICON.clock
      : state === 'sent'
        ? ICON.check
        : state === 'failed'
          ? ICON.alert
          : ICON.checks;
  const el = svg(icon, `state ${state}`);
  el.dataset.state = state;
  el.title = STATE_LABEL[state];
  el.setAttribute('aria-label', STATE_LABEL[state]);
  return el;
}

function bubble(item: MessageItem, channel: string): HTMLElement {
  const out = item.direction === 'outbound';
  const onlyMedia = item.parts.length === 1 && ['sticker'].includes(item.parts[0]?.type ?? '');
  const body = h(
    'div',
    { class: `bubble${onlyMedia ? ' bare' : ''}` },
    item.replyTo
      ? h(
          'div',
          { class: 'quote' },
          item.replyTo.story ? 'Replying to your story' : (item.replyTo.preview ?? 'Reply'),
        )
      : null,
    item.extra?.template ? h('div', { class: 'template-tag' }, `📝 Template · ${item.extra.template}`) : null,
    item.author ? h('div', { class: 'template-tag', 'data-testid': 'comment-author' }, item.author) : null,
    item.extra?.reply
      ? h(
          'div',
          { class: 'template-tag', 'data-testid': `reply-label-${item.extra.reply}` },
          item.extra.reply === 'private'
            ? '🔒 Private reply (sent as a direct message)'
            : item.extra.reply === 'public'
              ? '💬 Public reply'
              : '🛡️ Moderation',
        )
      : null,
    item.deleted
      ? h('p', { class: 'text muted' }, '🚫 This message was unsent')
      : item.parts.map((p) => renderPart(p, channel)),
    item.extra?.quickReplies?.length
      ? h(
          'div',
          { class: 'qr-chips' },
          item.extra.quickReplies.map((q) => h('span', { class: 'chip' }, q)),
        )
      : null,
    h(
      'div',
      { class: 'meta' },
      item.edited ? h('span', null, 'edited') : null,
      item.foreignApp
        ? h('span', { title: 'Sent from another app (e.g. Meta Business Suite)' }, 'via other app')
        : null,
      h(
        'time',
        { datetime: new Date(item.at).toISOString(), title: new Date(item.at).toLocaleString() },
        clockTime(item.at),
      ),
      out && item.state ? stateIcon(item.state) : null,
    ),
  );
  return h(
    'div',
    { class: `msg ${out ? 'out' : 'in'}`, 'data-message-id': item.id, 'data-state': item.state ?? null },
    body,
    item.reactions.length
      ? h(
          'div',
          { class: 'reactions' },
          item.reactions.map((r) =>
            h('span', { title: r.from === 'customer' ? 'Customer' : 'You' }, r.emoji),
          ),
        )
      : null,
    item.error
      ? h(
          'div',
          { class: `msg-error${item.retrying ? ' retrying' : ''}`, 'data-testid': 'send-error' },
          item.retrying
            ? `Retrying${item.retryAt ? ` at ${new Date(item.retryAt).toLocaleTimeString()}` : ''} — ${item.error}`
            : `Not delivered — ${item.error}`,
        )
      : null,
  );
}

function dayLabel(at: number): string {
  const d = new Date(at);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return 'Today';
  if (d.toDateString() === new Date(Date.now() - 86_400_000).toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long' });
}

function renderItem(item: ThreadItem, channel: string): HTMLElement {
  switch (item.type) {
    case 'message':
      return bubble(item, channel);
    case 'postback':
      return h(
        'div',
        { class: 'msg in' },
        h(
          'div',
          { class: 'bubble postback' },
          h('span', { class: 'muted' }, 'Tapped a button'),
          h('strong', null, item.title),
          h('div', { class: 'meta' }, h('time', null, clockTime(item.at))),
        ),
      );
    case 'notice':
      return h('div', { class: 'notice' }, item.text, ' · ', clockTime(item.at));
  }
}

/** The list of messages of a conversation, with day separators. */
export function renderMessages(thread: Thread): HTMLElement {
  const list = h('div', { class: 'messages-inner' });
  let day = '';
  for (const item of thread.items) {
    const label = dayLabel(item.at);
    if (label !== day) {
      day = label;
      list.append(h('div', { class: 'day' }, h('span', null, label)));
    }
    list.append(renderItem(item, thread.conversation.channel));
  }
  if (thread.items.length === 0) list.append(h('div', { class: 'notice' }, 'No messages yet.'));
  return list;
}

export function windowPill(thread: Thread): HTMLElement {
  const w = thread.window;
  if (thread.comment) {
    return h(
      'span',
      {
        class: 'pill ok',
        'data-testid': 'window',
        title: 'Private replies: once per comment, within 7 days',
      },
      thread.comment.privatelyAnswered ? 'Comment · answered privately' : 'Comment thread',
    );
  }
  // Telegram has no messaging window: its hours are infinite (null once sent as JSON).
  if (w.open && w.hours === null) {
    return h('span', { class: 'pill ok', 'data-testid': 'window' }, 'No messaging window');
  }
  if (w.open && w.closesAt) {
    return h(
      'span',
      { class: 'pill ok', 'data-testid': 'window', title: `${w.hours}-hour messaging window` },
      `Window open · ${formatDuration(w.closesAt - Date.now())} left`,
    );
  }
  return h(
    'span',
    { class: 'pill warn', 'data-testid': 'window', title: `${w.hours}-hour messaging window` },
    thread.conversation.channel === 'whatsapp' ? 'Window closed · templates only' : 'Window closed',
  );
}

export function threadHeader(thread: Thread, onBack: () => void): HTMLElement {
  const c = thread.conversation;
  return h(
    'header',
    { class: 'thread-head' },
    h('button', { class: 'back', type: 'button', onclick: onBack, title: 'Back' }, svg(ICON.back)),
    avatar(c.name, c.channel, '', c.avatarUrl),
    h(
      'div',
      { class: 'who' },
      h('strong', null, c.name),
      h(
        'span',
        { class: 'muted' },
        `${CHANNEL_LABEL[c.channel] ?? c.channel} · ${c.username ? `@${c.username} · ` : ''}${c.userId}`,
      ),
      ownerNote(thread),
    ),
    windowPill(thread),
  );
}

/** Says who holds the conversation when it is not this inbox (Conversation Routing). */
function ownerNote(thread: Thread): HTMLElement | null {
  const owner = thread.owner;
  if (!owner || owner.idle || owner.ownedByUs) return null;
  return h(
    'span',
    { class: 'owner-note', 'data-owner-app': owner.appId ?? '' },
    `Handled by ${owner.label ?? 'another app'}: replies from here are refused until it passes the conversation back.`,
  );
}
