import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { AccountsView, AccountView } from '../shared/types.js';
import { api } from './api.js';
import { h, svg } from './dom.js';
import { CHANNEL_ICON } from './icons.js';

const DAY = 86_400_000;

function expiry(a: AccountView): string {
  if (a.tokenCheckedAt === null) return a.hasCredentials ? 'not checked yet' : 'configured token';
  if (a.tokenExpiresAt === null) return 'does not expire';
  const left = a.tokenExpiresAt - Date.now();
  return left <= 0 ? 'expired' : `in ${Math.floor(left / DAY)} days`;
}

/** The Accounts page: every account of `switchboard.accounts`, its tenant, status, token and last webhook. */
export function mountAccounts(main: HTMLElement) {
  const root = h('div', { class: 'accounts-page' });
  main.replaceChildren(root);
  let view: AccountsView | undefined;
  let tenant = '';
  let note = '';
  let simulator = false;
  let newTenant = 'initech';
  void api.info().then(
    (info) => {
      simulator = info.mode === 'simulator';
      render();
    },
    () => {},
  );

  const run = async (action: () => Promise<AccountsView>) => {
    try {
      view = await action();
      note = '';
    } catch (error) {
      note = error instanceof Error ? error.message : String(error);
    }
    render();
  };

  const row = (a: AccountView) =>
    h(
      'tr',
      { 'data-account': `${a.channel}:${a.accountId}`, 'data-status': a.status },
      h(
        'td',
        null,
        svg(CHANNEL_ICON[a.channel] ?? '', 'icon tiny'),
        ' ',
        h('strong', null, a.label),
        h('div', { class: 'muted' }, `${CHANNEL_LABEL[a.channel] ?? a.channel} · ${a.accountId}`),
      ),
      h(
        'td',
        null,
        h('input', {
          class: 'tenant',
          value: a.tenantId ?? '',
          placeholder: 'no tenant',
          'aria-label': `Tenant of ${a.label}`,
          onchange: (e: Event) =>
            void run(() => api.setTenant(a.channel, a.accountId, (e.target as HTMLInputElement).value)),
        }),
      ),
      h('td', null, h('span', { class: `status ${a.status === 'active' ? 'ok' : 'degraded'}` }, a.status)),
      h(
        'td',
        { 'data-testid': 'token' },
        expiry(a),
        a.alarms.map((m) => h('div', { class: 'alarm-line' }, m)),
      ),
      h(
        'td',
        { 'data-testid': 'last-webhook' },
        a.lastEventAt === null ? 'never' : `${formatDuration(Date.now() - a.lastEventAt)} ago`,
      ),
      h(
        'td',
        null,
        a.status === 'disconnected'
          ? h(
              'button',
              { type: 'button', onclick: () => void run(() => api.connectAccount(a.channel, a.accountId)) },
              'Reconnect',
            )
          : h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () => void run(() => api.disconnectAccount(a.channel, a.accountId)),
              },
              'Disconnect',
            ),
      ),
    );

  // Simulator mode: a new business onboards through the same helpers a platform calls against Meta.
  const onboarding = () => {
    const tenantInput = h('input', {
      class: 'tenant',
      placeholder: 'tenant',
      value: newTenant,
      'aria-label': 'New tenant',
      oninput: (e: Event) => {
        newTenant = (e.target as HTMLInputElement).value;
      },
    });
    const flow = (name: string, label: string) =>
      h(
        'button',
        {
          type: 'button',
          'data-flow': name,
          onclick: () => void run(() => api.onboard(name, tenantInput.value)),
        },
        label,
      );
    return h(
      'section',
      { class: 'onboarding' },
      h('strong', null, 'Connect a business '),
      tenantInput,
      flow('embedded-signup', 'WhatsApp Embedded Signup'),
      flow('facebook-login', 'Facebook Login (Page + Instagram)'),
      flow('instagram-login', 'Instagram Login'),
    );
  };

  const render = () => {
    if (!view) return;
    const shown = view.accounts.filter((a) => !tenant || a.tenantId === tenant);
    root.replaceChildren(
      h(
        'header',
        { class: 'accounts-head' },
        h('h1', null, 'Accounts'),
        h(
          'select',
          {
            'aria-label': 'Tenant',
            onchange: (e: Event) => {
              tenant = (e.target as HTMLSelectElement).value;
              render();
            },
          },
          h('option', { value: '' }, 'All tenants'),
          ...view.tenants.map((t) => h('option', { value: t, selected: t === tenant }, t)),
        ),
      ),
      ...(simulator ? [onboarding()] : []),
      ...(note ? [h('p', { class: 'note', role: 'status' }, note)] : []),
      h(
        'table',
        { class: 'account-table', 'data-testid': 'accounts' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Account', 'Tenant', 'Status', 'Token expires', 'Last webhook', ''].map((t) =>
              h('th', null, t),
            ),
          ),
        ),
        h('tbody', null, ...shown.map(row)),
      ),
      h(
        'p',
        { class: 'muted' },
        'A disconnected account keeps its history; its webhooks are held (not processed) and sends are refused until it is connected again.',
      ),
    );
  };

  void run(api.accounts);
  return {
    onLive: () => {},
    onReconnect: () => void run(api.accounts),
  };
}
