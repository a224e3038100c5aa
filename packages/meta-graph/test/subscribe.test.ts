import { describe, expect, it } from 'vitest';
import { subscribeAppFields } from '../src/index.js';
import { clientFor, failure, json, useGraphServer } from './graph-server.js';

const ctx = useGraphServer();
const PATH = '/1234/subscribed_apps';

/** A Page with these apps installed; POSTs answer success. */
function page(apps: Array<{ id: string; subscribed_fields: string[] }>) {
  ctx.handler = (req, res) =>
    req.method === 'GET' ? json(res, 200, { data: apps }) : json(res, 200, { success: true });
}
const posted = () => ctx.seen.filter((s) => s.method === 'POST').map((s) => s.query.get('subscribed_fields'));

describe('subscribeAppFields', () => {
  it('POSTs the union of our app’s current fields (their order first) and ours, ignoring other apps', async () => {
    page([
      { id: '999', subscribed_fields: ['leadgen'] },
      { id: '42', subscribed_fields: ['feed', 'messages', 'comments'] },
    ]);
    const fields = await subscribeAppFields(clientFor(ctx), {
      path: PATH,
      appId: '42',
      fields: ['messages', 'message_echoes'],
    });
    expect(fields).toEqual(['feed', 'messages', 'comments', 'message_echoes']);
    expect(posted()).toEqual(['feed,messages,comments,message_echoes']);
  });

  it('subscribes just our fields when our app is not installed (Meta unsubscribed it)', async () => {
    page([{ id: '999', subscribed_fields: ['leadgen'] }]);
    await subscribeAppFields(clientFor(ctx), { path: PATH, appId: '42', fields: ['messages'] });
    expect(posted()).toEqual(['messages']);
  });

  it('without appId, the only app installed is ours; with several it refuses rather than guess', async () => {
    page([{ id: '42', subscribed_fields: ['feed'] }]);
    await subscribeAppFields(clientFor(ctx), { path: PATH, fields: ['messages'] });
    expect(posted()).toEqual(['feed,messages']);
    page([
      { id: '42', subscribed_fields: ['feed'] },
      { id: '999', subscribed_fields: ['leadgen'] },
    ]);
    ctx.seen = [];
    const error = await failure(subscribeAppFields(clientFor(ctx), { path: PATH, fields: ['messages'] }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('appId is not configured');
    expect(posted()).toEqual([]);
  });

  it('a failed read fails the subscribe with the read’s code, and nothing is POSTed', async () => {
    ctx.handler = (req, res) =>
      req.method === 'GET'
        ? json(res, 400, {
            error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 },
          })
        : json(res, 200, { success: true });
    const auth = await failure(
      subscribeAppFields(clientFor(ctx), { path: PATH, appId: '42', fields: ['messages'] }),
    );
    expect(auth.code).toBe('AUTH_FAILED');
    expect(auth.platform?.code).toBe(190);
    expect(auth.message).toMatch(
      /^Not subscribing \/1234\/subscribed_apps: reading the current subscription failed/,
    );
    ctx.handler = (req, res) =>
      req.method === 'GET' ? json(res, 503, { error: { message: 'down', code: 2 } }) : json(res, 200, {});
    const temporary = await failure(
      subscribeAppFields(clientFor(ctx), { path: PATH, appId: '42', fields: ['messages'] }),
    );
    expect(temporary).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(posted()).toEqual([]);
  });

  it('a malformed read is PAYLOAD_INVALID, not an empty list to overwrite', async () => {
    ctx.handler = (req, res) =>
      req.method === 'GET' ? json(res, 200, { apps: [] }) : json(res, 200, { success: true });
    const error = await failure(
      subscribeAppFields(clientFor(ctx), { path: PATH, appId: '42', fields: ['messages'] }),
    );
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(posted()).toEqual([]);
  });
});
