import { html, raw } from 'hono/html';

/** The HTML shell of every page; the client bundle renders the rest from the JSON API. */
export function pageShell(options: {
  page: 'inbox' | 'health' | 'accounts' | 'incidents' | 'templates';
  title: string;
  simulator: boolean;
  version: string;
}) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${options.title} · Switchboard Inbox</title>
    <link rel="icon" href="data:image/svg+xml,${raw(encodeURIComponent(FAVICON))}" />
    <link rel="stylesheet" href="/assets/app.css?v=${options.version}" />
  </head>
  <body>
    <div id="app" data-page="${options.page}">
      <header class="topbar">
        <a class="brand" href="/"><span class="brand-mark">⇄</span> Switchboard <span class="brand-sub">Inbox</span></a>
        <nav class="tabs">
          <a href="/" class="${options.page === 'inbox' ? 'active' : ''}" data-nav="inbox">Inbox</a>
          <a href="/health" class="${options.page === 'health' ? 'active' : ''}" data-nav="health">Channel health <span id="health-dot" class="dot"></span></a>
          <a href="/accounts" class="${options.page === 'accounts' ? 'active' : ''}" data-nav="accounts">Accounts</a>
          <a href="/incidents" class="${options.page === 'incidents' ? 'active' : ''}" data-nav="incidents">Incidents</a>
          <a href="/templates" class="${options.page === 'templates' ? 'active' : ''}" data-nav="templates">Templates</a>
          <a href="/metrics" target="_blank" rel="noopener">Metrics</a>
        </nav>
        <div class="mode">${options.simulator ? html`<span class="pill sim" title="Demo mode: a simulated Meta platform runs in-process">Simulator</span>` : html`<span class="pill live">Meta</span>`}
          <span id="live-state" class="pill muted" title="Live updates">connecting…</span></div>
      </header>
      <main id="main"></main>
    </div>
    <script src="/assets/app.js?v=${options.version}" defer></script>
  </body>
</html>`;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/><text x="16" y="22" font-size="18" text-anchor="middle" fill="#fff" font-family="sans-serif">⇄</text></svg>`;
