import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGraphClient, DebugTokenResponse, GRAPH_API_VERSION } from '../src/index.js';
import { clientFor, failure, json, PROOF, TOKEN, useGraphServer } from './graph-server.js';

const ctx = useGraphServer();
const Me = z.object({ id: z.string(), name: z.string() });

describe('createGraphClient', () => {
  it('GETs the pinned version with access_token, appsecret_proof and params, and parses usage headers', async () => {
    ctx.handler = (_req, res) =>
      json(
        res,
        200,
        { id: '1', name: 'Page', extra: true },
        {
          'x-app-usage': '{"call_count":12,"total_time":3,"total_cputime":4}',
          'facebook-api-version': GRAPH_API_VERSION,
        },
      );
    const graph = clientFor(ctx);
    expect(graph.baseUrl).toBe(ctx.base);
    expect(graph.version).toBe('v24.0');
    const result = await graph.get('/me', Me, { fields: 'id,name', limit: 5, skip: undefined });
    expect(result.data).toEqual({ id: '1', name: 'Page' });
    expect(result.status).toBe(200);
    expect(result.usage).toMatchObject({ app: { callCount: 12 }, maxPercent: 12, apiVersion: 'v24.0' });
    expect(result.headers['content-type']).toContain('application/json');
    const req = ctx.seen[0]!;
    expect(req.path).toBe('/v24.0/me');
    expect(Object.fromEntries(req.query)).toEqual({
      fields: 'id,name',
      limit: '5',
      access_token: TOKEN,
      appsecret_proof: PROOF,
    });
    expect(req.headers.authorization).toBeUndefined();
  });

  it('sends the token as a bearer header when asked, and no proof without an app secret', async () => {
    ctx.handler = (_req, res) => json(res, 200, { id: '1', name: 'x' });
    await createGraphClient({
      accessToken: TOKEN,
      baseUrl: ctx.base,
      channel: 'whatsapp',
      auth: 'bearer',
      version: 'v23.0',
    }).get('me', Me);
    expect(ctx.seen[0]?.path).toBe('/v23.0/me');
    expect(ctx.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(ctx.seen[0]?.query.has('access_token')).toBe(false);
    expect(ctx.seen[0]?.query.has('appsecret_proof')).toBe(false);
  });

  it('POSTs JSON, posts multipart forms and DELETEs', async () => {
    ctx.handler = (req, res) => json(res, 200, { success: true, echo: req.body });
    const graph = clientFor(ctx);
    const Ok = z.object({ success: z.boolean(), echo: z.string() });
    const posted = await graph.post('/1065/messages', { messaging_product: 'whatsapp', to: '49' }, Ok, {
      x: 1,
    });
    expect(JSON.parse(posted.data.echo)).toEqual({ messaging_product: 'whatsapp', to: '49' });
    expect(ctx.seen[0]?.headers['content-type']).toContain('application/json');
    expect(ctx.seen[0]?.query.get('x')).toBe('1');

    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
    const uploaded = await graph.postForm('/1065/media', form, Ok);
    expect(ctx.seen[1]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(uploaded.data.echo).toContain('name="messaging_product"');
    expect(uploaded.data.echo).toContain('filename="a.png"');
    expect(ctx.seen[1]?.query.get('access_token')).toBe(TOKEN);

    await graph.delete('/1234/subscribed_apps', Ok);
    expect(ctx.seen[2]?.method).toBe('DELETE');
  });

  it('reuses keep-alive connections for sequential calls, across clients (one pool per process)', async () => {
    ctx.handler = (_req, res) => json(res, 200, { id: '1', name: 'x' });
    const graph = clientFor(ctx);
    await graph.get('/me', Me);
    await graph.get('/me', Me);
    await clientFor(ctx).get('/me', Me);
    // At most one: an earlier test's idle socket to this server may serve all three.
    expect(ctx.connections).toBeLessThanOrEqual(1);
  });

  it('classifies Graph error bodies by channel, with usage-based retry delays', async () => {
    ctx.handler = (_req, res) =>
      json(res, 400, {
        error: {
          message: 'outside window',
          type: 'OAuthException',
          code: 10,
          error_subcode: 2018278,
          fbtrace_id: 'Ax',
        },
      });
    const window = await failure(clientFor(ctx).post('/me/messages', {}, Me));
    expect([window.code, window.retryable]).toEqual(['OUTSIDE_WINDOW', false]);
    expect(window.platform).toMatchObject({ code: 10, subcode: 2018278, fbtraceId: 'Ax', httpStatus: 400 });

    ctx.handler = (_req, res) =>
      json(
        res,
        400,
        { error: { message: 'Page limit', code: 32 } },
        {
          'x-business-use-case-usage':
            '{"1234":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]}',
        },
      );
    const limited = await failure(clientFor(ctx).get('/me', Me));
    expect([limited.code, limited.retryable, limited.retryAfterMs]).toEqual(['RATE_LIMITED', true, 420_000]);
  });

  it('classifies an error object inside a 200 and non-JSON error pages by status', async () => {
    ctx.handler = (_req, res) => json(res, 200, { error: { code: 131047, message: 'window' } });
    expect((await failure(clientFor(ctx, { channel: 'whatsapp' }).get('/x', Me))).code).toBe(
      'OUTSIDE_WINDOW',
    );

    ctx.handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    const bad = await failure(clientFor(ctx).get('/x', Me));
    expect([bad.code, bad.retryable, bad.platform?.httpStatus]).toEqual(['TEMPORARY', true, 502]);

    ctx.handler = (_req, res) => {
      res.writeHead(429);
      res.end();
    };
    expect((await failure(clientFor(ctx).get('/x', Me))).code).toBe('RATE_LIMITED');
  });

  it('rejects a 2xx body that does not match the schema with PAYLOAD_INVALID and its path', async () => {
    ctx.handler = (_req, res) => json(res, 200, { id: 1, name: 'x' });
    const error = await failure(clientFor(ctx).get('/me', Me));
    expect([error.code, error.path]).toEqual(['PAYLOAD_INVALID', 'id']);

    ctx.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('not json');
    };
    const notJson = await failure(clientFor(ctx).get('/me', Me));
    expect([notJson.code, notJson.retryable]).toEqual(['TEMPORARY', true]);
  });

  it('turns timeouts and refused connections into retryable TEMPORARY errors', async () => {
    ctx.handler = () => {
      // never answer
    };
    const timeout = await failure(clientFor(ctx, { timeoutMs: 50 }).get('/slow', Me));
    expect([timeout.code, timeout.retryable]).toEqual(['TEMPORARY', true]);
    expect(timeout.message).toMatch(/timed out/);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(
      createGraphClient({
        accessToken: TOKEN,
        baseUrl: `http://127.0.0.1:${port}`,
        channel: 'instagram',
      }).get('/me', Me),
    );
    expect([refused.code, refused.retryable]).toEqual(['TEMPORARY', true]);
  });

  it('never logs the access token or the proof', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (m, f) => lines.push(JSON.stringify([m, f])),
      info: (m, f) => lines.push(JSON.stringify([m, f])),
      warn: (m, f) => lines.push(JSON.stringify([m, f])),
      error: (m, f) => lines.push(JSON.stringify([m, f])),
    };
    ctx.handler = (_req, res) =>
      json(res, 400, { error: { code: 190, message: 'expired' } }, { 'facebook-api-version': 'v21.0' });
    const error = await failure(clientFor(ctx, { logger }).get('/me', Me));
    expect(error.code).toBe('AUTH_FAILED');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('v21.0');
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(PROOF);
    }
  });

  it('validates debug_token responses with the shared schema', async () => {
    ctx.handler = (req, res) =>
      json(res, 200, {
        data: {
          app_id: '1',
          type: 'PAGE',
          application: 'A',
          is_valid: true,
          expires_at: 0,
          scopes: ['pages_messaging'],
          profile_id: req.query.get('input_token'),
        },
      });
    const { data } = await clientFor(ctx).get('/debug_token', DebugTokenResponse, { input_token: 'PAGE' });
    expect(data.data.profile_id).toBe('PAGE');
  });
});
