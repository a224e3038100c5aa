import './styles/base.css';
import './styles/inbox.css';
import './styles/thread.css';
import './styles/composer.css';
import './styles/health.css';
import './styles/accounts.css';
import './styles/incidents.css';
import './styles/mobile.css';
import type { HealthView, LiveMessage } from '../shared/types.js';
import { mountAccounts } from './accounts.js';
import { mountHealth } from './health.js';
import { mountInbox } from './inbox.js';
import { mountIncidents } from './incidents.js';
import { mountTemplates } from './templates.js';

// The page kind comes from a data attribute: the CSP allows no inline script.
const boot = (document.getElementById('app') as HTMLElement).dataset;
const main = document.getElementById('main') as HTMLElement;
const page =
  boot.page === 'health'
    ? mountHealth(main)
    : boot.page === 'accounts'
      ? mountAccounts(main)
      : boot.page === 'incidents'
        ? mountIncidents(main)
        : boot.page === 'templates'
          ? mountTemplates(main)
          : mountInbox(main);

// Live updates: one EventSource; the browser reconnects by itself after a drop.
const liveState = document.getElementById('live-state');
const setLive = (text: string, cls: string) => {
  if (!liveState) return;
  liveState.textContent = text;
  liveState.className = `pill ${cls}`;
};
let wasDown = false;
const source = new EventSource('/api/live');
source.addEventListener('ready', () => {
  setLive('● Live', 'ok');
  if (wasDown) page.onReconnect();
  wasDown = false;
});
source.onmessage = (e: MessageEvent<string>) => {
  page.onLive(JSON.parse(e.data) as LiveMessage);
};
source.onerror = () => {
  wasDown = true;
  setLive('Reconnecting…', 'warn');
};
window.addEventListener('beforeunload', () => source.close());

// The health dot in the top bar.
const dot = document.getElementById('health-dot');
async function healthDot() {
  try {
    const response = await fetch('/api/health');
    if (!response.ok) return;
    const health = (await response.json()) as HealthView;
    if (dot) {
      dot.className = `dot ${health.status}`;
      dot.title = health.status;
    }
  } catch {}
}
void healthDot();
setInterval(() => void healthDot(), 10_000);
