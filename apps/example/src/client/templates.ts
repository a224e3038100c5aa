import type { TemplateCreateRequest, TemplateView } from '../shared/types.js';
import { api } from './api.js';
import { h } from './dom.js';

const STATUS_CLASS: Record<string, string> = {
  APPROVED: 'ok',
  PENDING: 'warn',
  PAUSED: 'warn',
  REJECTED: 'down',
  DISABLED: 'down',
};

/**
 * The Templates page: every WhatsApp template the engine's template cache holds, with status and quality
 * (kept current by Meta's template webhooks), and in simulator mode a form that creates one.
 */
export function mountTemplates(main: HTMLElement) {
  const root = h('div', { class: 'accounts-page templates-page' });
  main.replaceChildren(root);
  let templates: TemplateView[] = [];
  let errors: string[] = [];
  let note = '';
  let simulator = false;

  const load = async (refresh: boolean) => {
    try {
      ({ templates, errors } = await api.templates(refresh));
    } catch (error) {
      errors = [error instanceof Error ? error.message : String(error)];
    }
    render();
  };
  void api.info().then(
    (info) => {
      simulator = info.mode === 'simulator';
      render();
    },
    () => {},
  );

  const name = h('input', {
    name: 'name',
    placeholder: 'order_ready',
    required: true,
    'data-testid': 'template-name',
  });
  const language = h('input', { name: 'language', value: 'en_US', required: true });
  const category = h(
    'select',
    { name: 'category' },
    ...['UTILITY', 'MARKETING', 'AUTHENTICATION'].map((c) => h('option', { value: c }, c)),
  );
  const body = h('textarea', {
    name: 'body',
    rows: 2,
    placeholder: 'Hi {{1}}, your order {{2}} is ready.',
    'data-testid': 'template-body',
  });
  const examples = h('input', {
    name: 'examples',
    placeholder: 'Examples of the parameters, comma-separated (Ana, A-1001)',
    'data-testid': 'template-examples',
  });
  const form = h(
    'form',
    { class: 'onboard', 'data-testid': 'template-form' },
    h('strong', null, 'New template (simulator) '),
    name,
    language,
    category,
    body,
    examples,
    h('button', { type: 'submit', class: 'primary' }, 'Create'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const request: TemplateCreateRequest = {
      name: name.value.trim(),
      language: language.value.trim(),
      category: category.value,
      body: body.value,
      examples: examples.value ? examples.value.split(',').map((x) => x.trim()) : [],
    };
    try {
      const created = await api.createTemplate(request);
      note = `Created ${request.name}: ${created.status}. Meta reviews it; the status changes here when its webhook arrives.`;
      name.value = '';
      body.value = '';
      examples.value = '';
      await load(false);
    } catch (error) {
      note = error instanceof Error ? error.message : String(error);
      render();
    }
  });

  const row = (t: TemplateView) =>
    h(
      'tr',
      { 'data-template': `${t.name}|${t.language}`, 'data-status': t.status ?? '' },
      h('td', null, h('strong', null, t.name), h('div', { class: 'muted' }, t.wabaId)),
      h('td', null, t.language),
      h('td', null, t.category ?? '—'),
      h(
        'td',
        null,
        h('span', { class: `pill ${STATUS_CLASS[t.status ?? ''] ?? 'muted'}` }, t.status ?? 'unknown'),
      ),
      h('td', { 'data-testid': 'quality' }, t.quality ?? '—'),
      h('td', null, t.parameters.length ? t.parameters.map((p) => `{{${p}}}`).join(' ') : '—'),
      h('td', { class: 'muted' }, t.reason ?? ''),
    );

  const render = () => {
    root.replaceChildren(
      h('h1', null, 'Templates'),
      h(
        'p',
        { class: 'muted' },
        'WhatsApp message templates as the template cache holds them: sends of anything but APPROVED fail before reaching Meta.',
      ),
      simulator ? form : h('span'),
      note ? h('p', { class: 'note', role: 'status', 'data-testid': 'template-note' }, note) : h('span'),
      ...errors.map((e) => h('p', { class: 'composer-error', role: 'alert' }, e)),
      h(
        'table',
        { class: 'account-table', 'data-testid': 'templates' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Template', 'Language', 'Category', 'Status', 'Quality', 'Parameters', 'Reason'].map((t) =>
              h('th', null, t),
            ),
          ),
        ),
        h('tbody', null, ...templates.map(row)),
      ),
    );
  };

  render();
  void load(true);
  return {
    onLive: (message: { type: string }) => {
      if (message.type === 'templates') void load(false);
    },
    onReconnect: () => void load(false),
  };
}
