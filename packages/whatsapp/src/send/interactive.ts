import type { OutboundContent } from '@switchboard/core';
import { checkLength, invalid, WHATSAPP_FIELD_LIMITS as L, notSupported } from './limits.js';

type Content<T extends OutboundContent['type']> = Extract<OutboundContent, { type: T }>;

/** The Graph `interactive` object. */
export type InteractiveBody = Record<string, unknown>;

function frame(text: string, header?: string, footer?: string): Record<string, unknown> {
  checkLength(text, L.interactiveBody, 'content.text');
  checkLength(header, L.interactiveHeader, 'content.header');
  checkLength(footer, L.interactiveFooter, 'content.footer');
  return {
    ...(header ? { header: { type: 'text', text: header } } : {}),
    body: { text },
    ...(footer ? { footer: { text: footer } } : {}),
  };
}

function replyButtons(
  text: string,
  buttons: readonly { id: string; title: string }[],
  header?: string,
  footer?: string,
): InteractiveBody {
  if (buttons.length > L.replyButtons) {
    throw invalid(
      `WhatsApp allows ${L.replyButtons} reply buttons, got ${buttons.length}`,
      'content.buttons',
    );
  }
  const ids = new Set<string>();
  const mapped = buttons.map((b, i) => {
    checkLength(b.title, L.replyButtonTitle, `content.buttons[${i}].title`);
    checkLength(b.id, L.replyButtonId, `content.buttons[${i}].payload`);
    if (ids.has(b.id))
      throw invalid(`reply button ids must be unique: ${b.id}`, `content.buttons[${i}].payload`);
    ids.add(b.id);
    return { type: 'reply', reply: { id: b.id, title: b.title } };
  });
  return { type: 'button', ...frame(text, header, footer), action: { buttons: mapped } };
}

/**
 * `buttons` content: postback buttons become reply buttons (≤ 3, title ≤ 20); exactly one URL button
 * becomes a CTA URL message. Phone buttons and mixes exist only in templates → NOT_SUPPORTED.
 */
export function buildButtons(content: Content<'buttons'>): InteractiveBody {
  const { text, buttons, header, footer } = content;
  if (buttons.every((b) => b.type === 'postback')) {
    return replyButtons(
      text,
      buttons.map((b) => ({ id: b.type === 'postback' ? b.payload : '', title: b.title })),
      header,
      footer,
    );
  }
  const [only] = buttons;
  if (buttons.length === 1 && only?.type === 'url') {
    checkLength(only.title, L.ctaDisplayText, 'content.buttons[0].title');
    return {
      type: 'cta_url',
      ...frame(text, header, footer),
      action: { name: 'cta_url', parameters: { display_text: only.title, url: only.url } },
    };
  }
  throw notSupported(
    'WhatsApp interactive messages carry either up to 3 reply (postback) buttons or one URL button; phone buttons and mixes need a template',
  );
}

/**
 * `quick_replies` content: WhatsApp has no quick-reply chips, so up to 3 text replies are sent as
 * reply buttons (id = payload, or the title when no payload). More than 3, or Messenger's
 * phone/email pickers, cannot be carried → NOT_SUPPORTED. `imageUrl` is decoration and is dropped.
 */
export function buildQuickReplies(content: Content<'quick_replies'>): InteractiveBody {
  if (content.replies.length > L.replyButtons) {
    throw notSupported(
      `WhatsApp shows at most ${L.replyButtons} reply buttons; ${content.replies.length} quick replies need a list message`,
    );
  }
  const buttons = content.replies.map((r, i) => {
    if (r.kind !== undefined && r.kind !== 'text')
      throw notSupported(`WhatsApp has no ${r.kind} quick reply`);
    const title = r.title ?? r.payload;
    if (!title) throw invalid('a quick reply needs a title', `content.replies[${i}].title`);
    return { id: r.payload ?? title, title };
  });
  return replyButtons(content.text, buttons);
}

/** `list` content: ≤ 10 rows in all, button ≤ 20, row title ≤ 24, description ≤ 72. */
export function buildList(content: Content<'list'>): InteractiveBody {
  const { sections } = content;
  checkLength(content.buttonText, L.listButton, 'content.buttonText');
  if (sections.length > L.listSections)
    throw invalid(`WhatsApp allows ${L.listSections} list sections`, 'content.sections');
  const rows = sections.reduce((n, s) => n + s.rows.length, 0);
  if (rows > L.listRowsTotal) {
    throw invalid(`WhatsApp allows ${L.listRowsTotal} list rows in all, got ${rows}`, 'content.sections');
  }
  const ids = new Set<string>();
  const mapped = sections.map((s, i) => {
    if (sections.length > 1 && !s.title) {
      throw invalid('every section needs a title when a list has several', `content.sections[${i}].title`);
    }
    checkLength(s.title, L.listSectionTitle, `content.sections[${i}].title`);
    return {
      ...(s.title ? { title: s.title } : {}),
      rows: s.rows.map((r, j) => {
        const at = `content.sections[${i}].rows[${j}]`;
        checkLength(r.id, L.listRowId, `${at}.id`);
        checkLength(r.title, L.listRowTitle, `${at}.title`);
        checkLength(r.description, L.listRowDescription, `${at}.description`);
        if (ids.has(r.id)) throw invalid(`list row ids must be unique: ${r.id}`, `${at}.id`);
        ids.add(r.id);
        return { id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) };
      }),
    };
  });
  return {
    type: 'list',
    ...frame(content.text, content.header, content.footer),
    action: { button: content.buttonText, sections: mapped },
  };
}
