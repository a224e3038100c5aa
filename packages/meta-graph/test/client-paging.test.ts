import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { META_MEDIA_HOSTS } from '../src/index.js';
import { assertTokenHost } from '../src/media-hosts.js';
import { clientFor, failure, json, PROOF, TOKEN, useGraphServer } from './graph-server.js';

const ctx = useGraphServer();

describe('paginate', () => {
  const Item = z.object({ id: z.string() });

  it('follows paging.next until it is absent, validating every item', async () => {
    ctx.handler = (req, res) => {
      const after = req.query.get('after');
      const page = after === null ? 0 : Number(after);
      const next =
        page < 2
          ? `${ctx.base}/v24.0/1234/conversations?after=${page + 1}&limit=2&access_token=${TOKEN}`
          : undefined;
      json(res, 200, {
        data: [{ id: `c${page * 2}` }, { id: `c${page * 2 + 1}` }],
        paging: { cursors: { before: 'b', after: String(page + 1) }, ...(next ? { next } : {}) },
      });
    };
    const ids: string[] = [];
    for await (const item of clientFor(ctx).paginate('/1234/conversations', Item, { limit: 2 }))
      ids.push(item.id);
    expect(ids).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(ctx.seen).toHaveLength(3);
    // The next URL's own token is replaced by ours, never duplicated.
    expect(ctx.seen[1]?.query.getAll('access_token')).toEqual([TOKEN]);
    expect(ctx.seen[1]?.query.get('appsecret_proof')).toBe(PROOF);
  });

  it('stops at maxPages and when the signal is aborted', async () => {
    ctx.handler = (req, res) =>
      json(res, 200, {
        data: [{ id: req.query.get('after') ?? '0' }],
        paging: { next: `${ctx.base}/v24.0/x?after=${ctx.seen.length}` },
      });
    const ids: string[] = [];
    for await (const item of clientFor(ctx).paginate('/x', Item, {}, { maxPages: 3 })) ids.push(item.id);
    expect(ids).toEqual(['0', '1', '2']);

    const controller = new AbortController();
    const got: string[] = [];
    for await (const item of clientFor(ctx).paginate('/x', Item, {}, { signal: controller.signal })) {
      got.push(item.id);
      if (got.length === 2) controller.abort();
    }
    expect(got).toHaveLength(2);
  });

  it('uses cursors.after on its own origin when paging.next points elsewhere', async () => {
    ctx.handler = (req, res) => {
      if (req.query.get('after') === 'A1') return json(res, 200, { data: [{ id: 'b' }], paging: {} });
      json(res, 200, {
        data: [{ id: 'a' }],
        paging: { cursors: { after: 'A1' }, next: 'https://evil.example/v24.0/x?after=A1' },
      });
    };
    const ids: string[] = [];
    for await (const item of clientFor(ctx).paginate('/x', Item, { fields: 'id' })) ids.push(item.id);
    expect(ids).toEqual(['a', 'b']);
    expect(ctx.seen[1]?.path).toBe('/v24.0/x');
    expect(ctx.seen[1]?.query.get('fields')).toBe('id');
  });

  it('reports an invalid item with its path and a Graph error mid-way classified', async () => {
    ctx.handler = (_req, res) => json(res, 200, { data: [{ id: 'a' }, { id: 2 }] });
    const iterate = async () => {
      for await (const _ of clientFor(ctx).paginate('/x', Item)) {
        // drain
      }
    };
    const error = await failure(iterate());
    expect([error.code, error.path]).toEqual(['PAYLOAD_INVALID', 'data[1].id']);

    ctx.handler = (_req, res) =>
      json(res, 500, { error: { code: 2, message: 'Service temporarily unavailable', is_transient: true } });
    expect((await failure(iterate())).code).toBe('TEMPORARY');
  });
});

describe('download', () => {
  it('GETs an absolute URL with the bearer token and returns bytes and content type', async () => {
    ctx.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(Buffer.from([0xff, 0xd8, 0xff, 0x00]));
    };
    const result = await clientFor(ctx).download(`${ctx.base}/media/abc?sig=1`, { maxBytes: 100 });
    expect(Array.from(result.bytes)).toEqual([0xff, 0xd8, 0xff, 0x00]);
    expect(result.contentType).toBe('image/jpeg');
    expect(ctx.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(ctx.seen[0]?.query.has('access_token')).toBe(false);

    await clientFor(ctx).download(`${ctx.base}/cdn/x`, { maxBytes: 100, bearer: false });
    expect(ctx.seen[1]?.headers.authorization).toBeUndefined();
  });

  it('follows a CDN redirect', async () => {
    ctx.handler = (req, res) => {
      if (req.path === '/media/1') {
        res.writeHead(302, { location: '/cdn/1' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'audio/ogg' });
      res.end(Buffer.from('OggS'));
    };
    const result = await clientFor(ctx).download(`${ctx.base}/media/1`, { maxBytes: 100 });
    expect(new TextDecoder().decode(result.bytes)).toBe('OggS');
    expect(ctx.seen.map((r) => r.path)).toEqual(['/media/1', '/cdn/1']);
  });

  it('caps the size with PAYLOAD_TOO_LARGE and classifies error answers', async () => {
    ctx.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(10_000, 1));
    };
    expect((await failure(clientFor(ctx).download(`${ctx.base}/big`, { maxBytes: 1_000 }))).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );

    ctx.handler = (_req, res) =>
      json(res, 404, { error: { code: 100, error_subcode: 33, message: 'missing' } });
    expect((await failure(clientFor(ctx).download(`${ctx.base}/gone`, { maxBytes: 1_000 }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('sends the token only to the Graph origin and Meta media hosts: any other host is refused before a request', async () => {
    ctx.handler = (_req, res) => res.end('leaked');
    const elsewhere = ctx.base.replace('127.0.0.1', 'localhost');
    const refused = await failure(clientFor(ctx).download(`${elsewhere}/media/1`, { maxBytes: 100 }));
    expect(refused).toMatchObject({ name: 'SwitchboardError', code: 'INVALID_REQUEST' });
    expect(refused.message).toContain('refusing to send the access token to http://localhost');
    expect(refused.message).not.toContain(TOKEN);
    for (const url of [
      'https://evil.example/x',
      'http://lookaside.fbsbx.com/x',
      'https://fbsbx.com.evil.example/x',
    ]) {
      expect((await failure(clientFor(ctx).download(url, { maxBytes: 100 }))).code).toBe('INVALID_REQUEST');
    }
    expect(ctx.seen).toHaveLength(0);

    // Listed (a tunnel or a local CDN of your own): allowed; without the token, any host is fetched.
    await clientFor(ctx, { mediaHosts: ['localhost'] }).download(`${elsewhere}/media/1`, { maxBytes: 100 });
    expect(ctx.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await clientFor(ctx).download(`${elsewhere}/cdn/2`, { maxBytes: 100, bearer: false });
    expect(ctx.seen).toHaveLength(2);
  });

  it("accepts Meta's media hosts over https: WhatsApp's lookaside and the Messenger/Instagram CDNs", () => {
    const graph = 'https://graph.facebook.com';
    for (const url of [
      'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1',
      'https://scontent.xx.fbcdn.net/v/t1/1_n.jpg',
      'https://scontent-cdg4-1.cdninstagram.com/v/x.jpg',
      'https://graph.facebook.com/v24.0/123',
    ]) {
      expect(() => assertTokenHost(url, graph, META_MEDIA_HOSTS)).not.toThrow();
    }
  });
});
