import {
  loadConfig,
  type RunningInbox,
  sessionCookie,
  signIn,
  startTestInbox,
} from '@switchboard/example/testing';
import { signSha256 } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from './http.js';
import { demoConversation } from './inbox.js';

/** Issue 13, item 7: login, Host allow-list, CSRF checks and response headers of Switchboard Inbox. */
describe('Switchboard Inbox: login, Host, Origin and headers', () => {
  let inbox: RunningInbox;
  let cleanup: () => Promise<void>;
  let cookie: string;
  let conversationId: string;

  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    cookie = await sessionCookie(inbox);
    conversationId = await demoConversation(inbox, await signIn(inbox));
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const send = (headers: Record<string, string>) =>
    raw(`${inbox.url}/api/conversations/${encodeURIComponent(conversationId)}/send`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: inbox.url, ...headers },
      body: JSON.stringify({ kind: 'text', text: 'forged' }),
    });
  const forged = () =>
    inbox.simulator!.businessSends().filter((s) => JSON.stringify(s.body).includes('forged'));

  it('answers 401 on every /api route, the live stream and /metrics without the login', async () => {
    for (const path of [
      '/api/info',
      '/api/conversations',
      `/api/conversations/${encodeURIComponent(conversationId)}`,
      '/api/health',
      '/api/live',
      '/api/media?kind=image&src=x',
      '/api/incidents',
      '/api/incidents/inc_x/packet.json',
      '/api/traffic',
      `/api/avatar/${encodeURIComponent(conversationId)}`,
      '/metrics',
    ]) {
      const response = await raw(`${inbox.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.body, path).not.toContain('switchboard_');
    }
    const chaos = await raw(`${inbox.url}/api/chaos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: inbox.url },
      body: '{"type":"rate-limit-storm","durationMs":60000}',
    });
    expect(chaos.status).toBe(401);
    expect(inbox.simulator!.faults.list()).toEqual([]);
  });

  it('logs in with the printed URL: an HttpOnly SameSite=Strict cookie, then a redirect to the clean URL', async () => {
    expect(inbox.openUrl).toMatch(/\/\?token=[\w-]{32,}$/);
    const login = await raw(inbox.openUrl);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = String(login.headers['set-cookie']?.[0]);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(new URL(inbox.openUrl).searchParams.get('token'));
    expect((await raw(`${inbox.url}/api/conversations`, { headers: { cookie } })).status).toBe(200);

    const wrong = await raw(`${inbox.url}/?token=not-the-token`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('accepts the token as a bearer for scrapers of /metrics', async () => {
    const token = new URL(inbox.openUrl).searchParams.get('token');
    const metrics = await raw(`${inbox.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('switchboard_');
    expect((await raw(`${inbox.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
  });

  it('refuses a Host that is not the inbox (DNS rebinding), even with the login', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${inbox.port}`,
      `127.0.0.1:${inbox.port + 1}`,
    ]) {
      const response = await raw(`${inbox.url}/api/conversations`, { headers: { host, cookie } });
      expect(response.status, host).toBe(403);
      expect(response.body).not.toContain(conversationId);
    }
    for (const host of [`localhost:${inbox.port}`, `127.0.0.1:${inbox.port}`, `[::1]:${inbox.port}`]) {
      expect((await raw(`${inbox.url}/api/info`, { headers: { host, cookie } })).status, host).toBe(200);
    }
  });

  it('refuses state changes from another origin and bodies that are not JSON (CSRF)', async () => {
    expect((await send({ origin: 'http://attacker.example' })).status).toBe(403);
    expect((await send({ origin: `http://127.0.0.1:${inbox.port + 1}` })).status).toBe(403);
    expect((await send({ origin: 'null' })).status).toBe(403);
    expect((await send({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await send({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await send({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await send({ 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect(forged()).toEqual([]);
    // The inbox's own page: same origin, JSON.
    expect((await send({ 'sec-fetch-site': 'same-origin' })).status).toBe(202);
    await expect.poll(() => forged().length).toBe(1);
  });

  it('refuses API reads a page of another site or port starts (Sec-Fetch-Site)', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const response = await raw(`${inbox.url}/api/conversations`, {
        headers: { cookie, 'sec-fetch-site': site },
      });
      expect(response.status, site).toBe(403);
      expect(response.body).not.toContain(conversationId);
    }
    const own = await raw(`${inbox.url}/api/conversations`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('sends CSP, frame-ancestors none, X-Frame-Options DENY, nosniff and a Referrer-Policy', async () => {
    for (const path of ['/', '/health', '/api/info', '/assets/app.js']) {
      const response = await raw(`${inbox.url}${path}`, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      const csp = String(response.headers['content-security-policy']);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
    }
  });

  it("keeps Meta's webhooks reachable without the login, whatever Host a tunnel forwards", async () => {
    const sim = inbox.simulator!;
    const page = sim.world.pages[0]!;
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: page.id,
          time: Date.now(),
          messaging: [
            {
              sender: { id: '7000000000000001' },
              recipient: { id: page.id },
              timestamp: Date.now(),
              message: { mid: 'm_tunnel_1', text: 'through the tunnel' },
            },
          ],
        },
      ],
    });
    const response = await raw(`${inbox.url}/webhooks/messenger`, {
      method: 'POST',
      headers: {
        host: 'inbox.tunnel.example',
        'content-type': 'application/json',
        'x-hub-signature-256': signSha256(body, sim.world.app.secret),
      },
      body,
    });
    expect(response.status).toBe(200);
    const handshake = await raw(
      `${inbox.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${sim.world.app.verifyToken}&hub.challenge=42`,
      { headers: { host: 'inbox.tunnel.example' } },
    );
    expect(handshake.body).toBe('42');
  });
});

describe('behind a tunnel (PUBLIC_URL)', () => {
  it('allows the tunnel host and origin, with a Secure cookie there', async () => {
    expect(() => loadConfig({ PUBLIC_URL: 'inbox.tunnel.example' })).toThrow(/PUBLIC_URL/);
    const { inbox, cleanup } = await startTestInbox({ PUBLIC_URL: 'https://inbox.tunnel.example/' });
    try {
      const host = 'inbox.tunnel.example';
      const login = await raw(inbox.openUrl, { headers: { host } });
      expect(login.status).toBe(303);
      const setCookie = String(login.headers['set-cookie']?.[0]);
      expect(setCookie).toMatch(/;\s*Secure/i);
      const cookie = setCookie.split(';')[0]!;
      expect((await raw(`${inbox.url}/api/info`, { headers: { host, cookie } })).status).toBe(200);
      const read = await raw(`${inbox.url}/api/conversations/nobody/read`, {
        method: 'POST',
        headers: { host, cookie, origin: `https://${host}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(read.status).toBe(404); // past the gate: the conversation does not exist
      const local = await raw(inbox.openUrl);
      expect(String(local.headers['set-cookie']?.[0])).not.toMatch(/;\s*Secure/i);
    } finally {
      await cleanup();
    }
  });
});

describe('INBOX_AUTH=off (local demos)', () => {
  it('is refused unless the inbox listens on loopback only', () => {
    expect(() => loadConfig({ INBOX_AUTH: 'off', HOST: '0.0.0.0' })).toThrow(/INBOX_AUTH=off.*loopback/);
    expect(loadConfig({ INBOX_AUTH: 'off' }).loginToken).toBeUndefined();
    expect(() => loadConfig({ INBOX_TOKEN: 'short' })).toThrow(/INBOX_TOKEN/);
    expect(loadConfig({ INBOX_TOKEN: 'a-long-enough-secret-token' }).loginToken).toBe(
      'a-long-enough-secret-token',
    );
    expect(loadConfig({}).loginToken).not.toBe(loadConfig({}).loginToken);
  });

  it('opens the API without a login but keeps the Host and Origin checks', async () => {
    const { inbox, cleanup } = await startTestInbox({ INBOX_AUTH: 'off' });
    try {
      expect(inbox.openUrl).toBe(inbox.url);
      expect((await raw(`${inbox.url}/api/info`)).status).toBe(200);
      expect((await raw(`${inbox.url}/api/info`, { headers: { host: 'attacker.example' } })).status).toBe(
        403,
      );
      const chaos = await raw(`${inbox.url}/api/chaos`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'http://attacker.example' },
        body: '{"type":"rate-limit-storm","durationMs":60000}',
      });
      expect(chaos.status).toBe(403);
      expect(inbox.simulator!.faults.list()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
