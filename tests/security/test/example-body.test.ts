import { request } from 'node:http';
import {
  type InboxFetch,
  type RunningInbox,
  sessionCookie,
  signIn,
  startTestInbox,
} from '@switchboard/example/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from './http.js';
import { demoConversation } from './inbox.js';

const MiB = 1024 * 1024;

/** POSTs `total` bytes in 64 KiB chunks without a Content-Length (chunked), as a streaming attacker does. */
function postChunked(url: string, headers: Record<string, string>, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'transfer-encoding': 'chunked' },
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    // Once answered, the server stops reading: a reset of the rest is expected.
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    let sent = 0;
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    req.write('{"kind":"text","text":"');
    pump();
  });
}

/** Issue 13, item 9: every app route reads at most 1 MiB of body, and answers 413 beyond. */
describe('Switchboard Inbox body cap', () => {
  let inbox: RunningInbox;
  let cleanup: () => Promise<void>;
  let api: InboxFetch;
  let headers: Record<string, string>;
  let sendUrl: string;

  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    api = await signIn(inbox);
    headers = { cookie: await sessionCookie(inbox), origin: inbox.url, 'content-type': 'application/json' };
    const id = await demoConversation(inbox, api);
    sendUrl = `${inbox.url}/api/conversations/${encodeURIComponent(id)}/send`;
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('answers 413 to a JSON body above 1 MiB announced by Content-Length', async () => {
    const body = JSON.stringify({ kind: 'text', text: 'x'.repeat(2 * MiB) });
    for (const path of ['/api/chaos', '/api/reconcile', new URL(sendUrl).pathname]) {
      const response = await raw(`${inbox.url}${path}`, { method: 'POST', headers, body });
      expect(response.status, path).toBe(413);
      expect(JSON.parse(response.body).error).toMatch(/larger than 1048576 bytes/);
    }
    expect(inbox.simulator!.businessSends()).toEqual([]);
  });

  it('stops reading a chunked body at the cap: 64 MiB streamed in gets a 413, and the inbox keeps serving', async () => {
    const started = Date.now();
    expect(await postChunked(sendUrl, headers, 64 * MiB)).toBe(413);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(inbox.simulator!.businessSends()).toEqual([]);
    const ok = await api(new URL(sendUrl).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'text', text: 'still here' }),
    });
    expect(ok.status).toBe(202);
  });
});
