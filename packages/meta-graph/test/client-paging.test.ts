import { describe, expect, it } from 'vitest';
import { z } from 'zod';
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
});
