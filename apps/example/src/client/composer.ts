import { formatDuration } from '../shared/format.js';
import type { SendRequest, Thread } from '../shared/types.js';
import { api } from './api.js';
import { h, svg } from './dom.js';
import { ICON } from './icons.js';

type Mode = 'text' | 'quick_replies' | 'media' | 'template';

/**
 * The message composer: text, quick replies, media by URL, and WhatsApp templates (the only thing
 * WhatsApp accepts once the 24-hour window is closed).
 */
export function createComposer(onSent: () => void) {
  let thread: Thread | undefined;
  let mode: Mode = 'text';
  let busy = false;
  const root = h('form', { class: 'composer', 'data-testid': 'composer' });
  const banner = h('div', { class: 'window-banner', hidden: true });
  const tabs = h('div', { class: 'composer-tabs', role: 'tablist' });
  const fields = h('div', { class: 'composer-fields' });
  const error = h('div', { class: 'composer-error', role: 'alert', hidden: true });
  const sendButton = h(
    'button',
    { type: 'submit', class: 'send', title: 'Send (Enter)', 'data-testid': 'send' },
    svg(ICON.send),
    h('span', null, 'Send'),
  );
  root.append(banner, tabs, h('div', { class: 'composer-row' }, fields, sendButton), error);

  const text = h('textarea', {
    name: 'text',
    rows: 1,
    placeholder: 'Write a reply…',
    'data-testid': 'composer-text',
  });
  const replies = h('input', {
    name: 'replies',
    placeholder: 'Quick replies, comma-separated (e.g. Yes, No, Talk to a human)',
  });
  const mediaType = h(
    'select',
    { name: 'mediaType' },
    h('option', { value: 'image' }, 'Image'),
    h('option', { value: 'video' }, 'Video'),
    h('option', { value: 'audio' }, 'Audio'),
    h('option', { value: 'file' }, 'File'),
  );
  const url = h('input', { name: 'url', type: 'url', placeholder: 'https://example.com/photo.jpg' });
  const caption = h('input', { name: 'caption', placeholder: 'Caption (optional)' });
  const template = h('select', { name: 'template', 'data-testid': 'template-select' });
  const params = h('input', { name: 'params', placeholder: 'Body parameters, comma-separated (optional)' });
  /** One input per body parameter of the picked template, when the template cache knows its definition. */
  const paramFields = h('div', { class: 'template-params', 'data-testid': 'template-params' });
  const picked = () => {
    const [name = '', language = ''] = template.value.split('|');
    return thread?.templates.find((t) => t.name === name && t.language === language);
  };
  const renderParams = () => {
    const t = picked();
    paramFields.replaceChildren(
      ...(t?.parameters ?? []).map((p) =>
        h('input', {
          name: `param-${p}`,
          placeholder: `{{${p}}}`,
          'aria-label': `Template parameter ${p}`,
          'data-param': p,
        }),
      ),
    );
  };
  template.addEventListener('change', renderParams);

  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      root.requestSubmit();
    }
  });
  text.addEventListener('input', () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight, 160)}px`;
  });

  const windowClosed = () =>
    thread !== undefined && thread.conversation.channel === 'whatsapp' && !thread.window.open;

  const renderTabs = () => {
    tabs.replaceChildren();
    const available: Array<[Mode, string]> = [['text', 'Text']];
    if (thread && thread.quickRepliesMax > 0) available.push(['quick_replies', 'Quick replies']);
    available.push(['media', 'Media']);
    if (thread?.templates.length) available.push(['template', 'Template']);
    for (const [m, label] of available) {
      const disabled = windowClosed() && m !== 'template';
      tabs.append(
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            class: m === mode ? 'active' : '',
            'aria-selected': m === mode ? 'true' : 'false',
            disabled,
            'data-mode': m,
            onclick: () => {
              mode = m;
              render();
            },
          },
          label,
        ),
      );
    }
  };

  const renderFields = () => {
    fields.replaceChildren();
    switch (mode) {
      case 'text':
        fields.append(text);
        break;
      case 'quick_replies':
        text.placeholder = 'Question to ask…';
        replies.placeholder = `Up to ${thread?.quickRepliesMax ?? 3} replies, comma-separated (e.g. Yes, No, Talk to a human)`;
        fields.append(text, replies);
        break;
      case 'media':
        fields.append(h('div', { class: 'inline' }, mediaType, url), caption);
        break;
      case 'template':
        {
          const chosen = template.value;
          template.replaceChildren(
            ...(thread?.templates ?? []).map((t) =>
              h('option', { value: `${t.name}|${t.language}` }, `${t.name} · ${t.language}`),
            ),
          );
          if (chosen && [...template.options].some((o) => o.value === chosen)) template.value = chosen;
          const t = picked();
          // Templates known to the cache get one field per parameter; others a comma-separated list.
          if (t?.parameters) {
            if (paramFields.dataset.for !== template.value) renderParams();
            paramFields.dataset.for = template.value;
            fields.append(template, paramFields);
          } else fields.append(template, params);
        }
        break;
    }
    if (mode !== 'quick_replies') text.placeholder = 'Write a reply…';
  };

  const renderBanner = () => {
    if (!thread) return;
    const w = thread.window;
    if (windowClosed()) {
      banner.hidden = false;
      banner.className = 'window-banner closed';
      banner.replaceChildren(
        h('strong', null, '24-hour window closed. '),
        w.lastInboundAt
          ? `The customer last wrote ${formatDuration(Date.now() - w.lastInboundAt)} ago. `
          : 'The customer has not written yet. ',
        'WhatsApp only delivers approved templates until they write again.',
      );
    } else banner.hidden = true;
  };

  const render = () => {
    if (windowClosed() && mode !== 'template') mode = 'template';
    renderBanner();
    renderTabs();
    renderFields();
    sendButton.disabled = busy;
  };

  const request = (): SendRequest => {
    switch (mode) {
      case 'text':
        return { kind: 'text', text: text.value };
      case 'quick_replies':
        return { kind: 'quick_replies', text: text.value, replies: replies.value.split(',') };
      case 'media':
        return {
          kind: 'media',
          mediaType: mediaType.value as 'image',
          url: url.value,
          caption: caption.value,
        };
      case 'template': {
        const [name = '', language = ''] = template.value.split('|');
        const t = picked();
        if (t?.parameters) {
          const inputs = [...paramFields.querySelectorAll<HTMLInputElement>('input[data-param]')];
          return {
            kind: 'template',
            template: {
              name,
              language,
              parameters: inputs.map((i) => i.value),
              ...(t.named ? { parameterNames: inputs.map((i) => i.dataset.param ?? '') } : {}),
            },
          };
        }
        return {
          kind: 'template',
          template: { name, language, parameters: params.value ? params.value.split(',') : [] },
        };
      }
    }
  };

  root.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!thread || busy) return;
    busy = true;
    error.hidden = true;
    sendButton.disabled = true;
    try {
      await api.send(thread.conversation.id, { ...request(), idempotencyKey: crypto.randomUUID() });
      text.value = '';
      text.style.height = 'auto';
      replies.value = '';
      url.value = '';
      caption.value = '';
      params.value = '';
      for (const input of paramFields.querySelectorAll('input')) input.value = '';
      onSent();
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof Error ? err.message : String(err);
    } finally {
      busy = false;
      sendButton.disabled = false;
      if (mode === 'text') text.focus();
    }
  });

  return {
    root,
    /** Shows the composer for a conversation (keeps the draft when it is the same one). */
    update(next: Thread) {
      const changed = thread?.conversation.id !== next.conversation.id;
      thread = next;
      if (changed) {
        mode = 'text';
        text.value = '';
        error.hidden = true;
      }
      if (!thread.supports.includes('quick_replies') && mode === 'quick_replies') mode = 'text';
      render();
    },
    focus() {
      if (mode === 'text') text.focus();
    },
  };
}
