import { CHANNEL_LABEL } from '../shared/format.js';
import type { ConversationSummary, LiveMessage, Thread } from '../shared/types.js';
import { api } from './api.js';
import { createComposer } from './composer.js';
import { h, shortTime, svg } from './dom.js';
import { CHANNEL_ICON } from './icons.js';
import { avatar, renderMessages, threadHeader } from './thread-view.js';

type Filter = 'all' | 'unread' | 'messenger' | 'instagram' | 'whatsapp';

/** The inbox page: conversations of every channel on the left, the open conversation on the right. */
export function mountInbox(main: HTMLElement) {
  let conversations: ConversationSummary[] = [];
  let filter: Filter = 'all';
  let search = '';
  let tenant = '';
  let openId: string | undefined =
    decodeURIComponent(location.pathname.match(/^\/c\/(.+)$/)?.[1] ?? '') || undefined;
  let thread: Thread | undefined;

  const list = h('ul', { class: 'conv-list', 'data-testid': 'conversation-list' });
  const filters = h('div', { class: 'filters' });
  const searchInput = h('input', {
    type: 'search',
    placeholder: 'Search people and messages',
    class: 'search',
  });
  // Tenants of switchboard.accounts: a platform's agent sees one customer's conversations.
  const tenantSelect = h(
    'select',
    {
      class: 'tenant-filter',
      'aria-label': 'Tenant',
      onchange: () => {
        tenant = tenantSelect.value;
        void refreshList();
      },
    },
    h('option', { value: '' }, 'All tenants'),
  );
  void api.accounts().then(
    (view) => tenantSelect.append(...view.tenants.map((t) => h('option', { value: t }, t))),
    () => {},
  );
  const listPane = h(
    'aside',
    { class: 'list-pane' },
    h('div', { class: 'list-head' }, h('h1', null, 'Inbox'), tenantSelect, searchInput, filters),
    list,
  );
  const messages = h('div', { class: 'messages', 'data-testid': 'messages' });
  const head = h('div', { class: 'thread-head-slot' });
  const composer = createComposer(() => refreshThread());
  const threadPane = h('section', { class: 'thread-pane' });
  const empty = h(
    'div',
    { class: 'empty' },
    h(
      'div',
      { class: 'empty-icons' },
      ...['messenger', 'instagram', 'whatsapp'].map((c) => svg(CHANNEL_ICON[c] ?? '', 'icon big')),
    ),
    h('h2', null, 'All your conversations, one inbox'),
    h('p', null, 'Messenger, Instagram and WhatsApp arrive here live. Pick a conversation to reply.'),
  );
  const layout = h('div', { class: 'inbox' }, listPane, threadPane);
  main.replaceChildren(layout);

  searchInput.addEventListener('input', () => {
    search = searchInput.value.trim().toLowerCase();
    renderList();
  });

  const renderFilters = () => {
    const counts: Record<Filter, number> = {
      all: conversations.length,
      unread: conversations.filter((c) => c.unread > 0).length,
      messenger: conversations.filter((c) => c.channel === 'messenger').length,
      instagram: conversations.filter((c) => c.channel === 'instagram').length,
      whatsapp: conversations.filter((c) => c.channel === 'whatsapp').length,
    };
    filters.replaceChildren(
      ...(['all', 'unread', 'messenger', 'instagram', 'whatsapp'] as Filter[]).map((f) =>
        h(
          'button',
          {
            type: 'button',
            class: `filter ${f === filter ? 'active' : ''}`,
            onclick: () => {
              filter = f;
              renderFilters();
              renderList();
            },
          },
          CHANNEL_ICON[f] ? svg(CHANNEL_ICON[f] ?? '', 'icon tiny') : null,
          f === 'all' ? 'All' : f === 'unread' ? 'Unread' : (CHANNEL_LABEL[f] ?? f),
          h('span', { class: 'count' }, String(counts[f])),
        ),
      ),
    );
  };

  const renderList = () => {
    const visible = conversations.filter(
      (c) =>
        (filter === 'all' || (filter === 'unread' ? c.unread > 0 : c.channel === filter)) &&
        (!search || c.name.toLowerCase().includes(search) || c.preview.toLowerCase().includes(search)),
    );
    // Comment threads are listed under their post, after the direct conversations.
    const direct = visible.filter((c) => !c.comment);
    const threads = visible
      .filter((c) => c.comment)
      .sort(
        (a, b) => (a.comment?.postId ?? '').localeCompare(b.comment?.postId ?? '') || b.lastAt - a.lastAt,
      );
    const rows: Array<ConversationSummary | string> = [...direct];
    let post: string | undefined;
    for (const c of threads) {
      const under = `${c.channel}:${c.comment?.postId ?? ''}`;
      if (under !== post) rows.push(under);
      post = under;
      rows.push(c);
    }
    list.replaceChildren(
      ...rows.map((c) =>
        typeof c === 'string'
          ? h(
              'li',
              {
                class: 'list-empty',
                'data-testid': 'post-heading',
                'data-post': c.slice(c.indexOf(':') + 1),
              },
              `💬 Comments on ${CHANNEL_LABEL[c.slice(0, c.indexOf(':'))] ?? ''} post ${c.slice(c.indexOf(':') + 1) || '(unknown)'}`,
            )
          : h(
              'li',
              c.comment ? { class: 'comment-thread' } : null,
              h(
                'a',
                {
                  href: `/c/${encodeURIComponent(c.id)}`,
                  class: `conv ${c.id === openId ? 'active' : ''} ${c.unread ? 'unread' : ''}`,
                  'data-conversation-id': c.id,
                  'data-channel': c.channel,
                  onclick: (e: Event) => {
                    e.preventDefault();
                    open(c.id);
                  },
                },
                avatar(c.name, c.channel, '', c.avatarUrl),
                h(
                  'div',
                  { class: 'conv-body' },
                  h(
                    'div',
                    { class: 'conv-top' },
                    h('strong', { class: 'name' }, c.name),
                    h('time', null, c.lastAt ? shortTime(c.lastAt) : ''),
                  ),
                  h(
                    'div',
                    { class: 'conv-bottom' },
                    h(
                      'span',
                      { class: 'preview' },
                      c.previewDirection === 'outbound' ? 'You: ' : '',
                      c.preview || 'No messages yet',
                    ),
                    c.unread
                      ? h(
                          'span',
                          { class: 'badge', 'data-testid': 'unread' },
                          c.unread > 99 ? '99+' : String(c.unread),
                        )
                      : null,
                  ),
                ),
              ),
            ),
      ),
    );
    if (visible.length === 0)
      list.append(
        h(
          'li',
          { class: 'list-empty' },
          conversations.length ? 'Nothing matches.' : 'Waiting for the first message…',
        ),
      );
  };

  const nearBottom = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 120;

  const renderThread = (scroll: 'bottom' | 'keep') => {
    if (!thread) {
      threadPane.replaceChildren(empty);
      layout.classList.remove('has-thread');
      return;
    }
    layout.classList.add('has-thread');
    const stick = scroll === 'bottom' || nearBottom();
    head.replaceChildren(threadHeader(thread, () => open(undefined)));
    messages.replaceChildren(renderMessages(thread));
    composer.update(thread);
    if (threadPane.firstChild !== head) threadPane.replaceChildren(head, messages, composer.root);
    if (stick) messages.scrollTop = messages.scrollHeight;
  };

  async function refreshList() {
    conversations = await api.conversations(tenant || undefined);
    renderFilters();
    renderList();
  }

  async function refreshThread(scroll: 'bottom' | 'keep' = 'keep') {
    if (!openId) return;
    const id = openId;
    const next = await api.thread(id);
    if (openId !== id) return;
    thread = next;
    renderThread(scroll);
    const summary = conversations.find((c) => c.id === id);
    if (document.visibilityState === 'visible' && summary && summary.unread > 0) {
      summary.unread = 0;
      renderList();
      renderFilters();
      await api.markRead(id);
    }
  }

  async function open(id: string | undefined) {
    openId = id;
    thread = undefined;
    history.pushState(null, '', id ? `/c/${encodeURIComponent(id)}` : '/');
    renderList();
    renderThread('bottom');
    if (id) {
      await refreshThread('bottom');
      composer.focus();
    }
  }

  window.addEventListener('popstate', () => {
    openId = decodeURIComponent(location.pathname.match(/^\/c\/(.+)$/)?.[1] ?? '') || undefined;
    thread = undefined;
    renderList();
    renderThread('bottom');
    void refreshThread('bottom');
  });

  // Live updates arrive in bursts (a batch of events): coalesce them.
  let listTimer: ReturnType<typeof setTimeout> | undefined;
  let threadTimer: ReturnType<typeof setTimeout> | undefined;
  const report = (error: unknown) => console.warn('refresh failed', error);
  const onLive = (message: LiveMessage) => {
    if (
      message.type === 'health' ||
      message.type === 'alarm' ||
      message.type === 'incident' ||
      message.type === 'templates'
    )
      return;
    if (listTimer === undefined) {
      listTimer = setTimeout(() => {
        listTimer = undefined;
        refreshList().catch(report);
      }, 150);
    }
    if (message.conversationId === openId && threadTimer === undefined) {
      threadTimer = setTimeout(() => {
        threadTimer = undefined;
        refreshThread().catch(report);
      }, 100);
    }
  };
  const onReconnect = () => {
    refreshList().catch(report);
    refreshThread().catch(report);
  };

  renderThread('bottom');
  refreshList()
    .then(() => (openId ? refreshThread('bottom') : undefined))
    .catch(report);
  // Relative times and the window countdown age even without events.
  setInterval(() => {
    renderList();
  }, 30_000);
  return { onLive, onReconnect };
}
