import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../src/index.js';
import { APP_SECRET, P1, VERIFY_TOKEN } from './helpers.js';
import { startWorld } from './sim.js';

describe('media over HTTP to the simulator', () => {
  let w: Awaited<ReturnType<typeof startWorld>>;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.sim.stop();
  });

  it('uploads, then downloads the same bytes with the hash checked', async () => {
    const bytes = new Uint8Array(Array.from({ length: 3000 }, (_, i) => i % 251));
    const { mediaId } = await w.adapter.uploadMedia({
      phoneNumberId: w.phone.id,
      bytes,
      mimeType: 'image/jpeg',
      filename: 'box.jpg',
    });
    const media = await w.adapter.downloadMedia(mediaId, { phoneNumberId: w.phone.id });
    expect(media.bytes).toEqual(bytes);
    expect(media).toMatchObject({
      mediaId,
      mimeType: 'image/jpeg',
      fileSize: 3000,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sha256Checked: true,
    });
  });

  it('refuses a file above the cap before downloading it', async () => {
    const { mediaId } = await w.adapter.uploadMedia({
      phoneNumberId: w.phone.id,
      bytes: new Uint8Array(2048),
      mimeType: 'application/pdf',
    });
    await expect(w.adapter.downloadMedia(mediaId, { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('an unknown media id is a classified Graph error', async () => {
    await expect(w.adapter.downloadMedia('1234567890')).rejects.toMatchObject({
      name: 'SwitchboardError',
      retryable: false,
    });
  });
});

/**
 * This small server plays Meta's media endpoints where the simulator cannot: `GET /v24.0/{media-id}`
 * hands out a CDN URL valid 5 minutes, but the first one it hands out is already expired (a URL that
 * dies between the lookup and the download); the CDN answers 404 to expired URLs and 401 without the
 * bearer token.
 */
describe('media download with an expiring URL', () => {
  const TOKEN = 'EAAGtestToken1234567890';
  const body = new TextEncoder().encode('OggS fake voice note');
  const sha = createHash('sha256').update(body).digest('hex');
  let server: Server;
  let base = '';
  let clock = Date.parse('2026-11-29T08:00:00Z');
  let metadataCalls = 0;
  let cdnCalls = 0;
  let issued = 0;
  let hash: string | undefined = sha;
  let alwaysExpired = false;
  let cdnBase = '';
  /** When false, neither the metadata nor the CDN announce the size (chunked transfer). */
  let announceSize = true;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/v24.0/7788990011') {
        metadataCalls++;
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: {
                message: 'Invalid OAuth access token.',
                type: 'OAuthException',
                code: 190,
                fbtrace_id: 'Atest',
              },
            }),
          );
          return;
        }
        // The first URL was issued six minutes ago: it expired one minute ago.
        const issuedAt = issued++ === 0 || alwaysExpired ? clock - 6 * 60_000 : clock;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            url: `${cdnBase || base}/cdn/voice.ogg?expires=${issuedAt + 5 * 60_000}`,
            mime_type: 'audio/ogg',
            sha256: hash,
            ...(announceSize ? { file_size: body.byteLength } : {}),
            id: '7788990011',
          }),
        );
        return;
      }
      if (url.pathname === '/cdn/voice.ogg') {
        cdnCalls++;
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401).end();
          return;
        }
        if (Number(url.searchParams.get('expires')) < clock) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('URL signature expired');
          return;
        }
        if (announceSize) {
          res.writeHead(200, { 'content-type': 'audio/ogg' }).end(Buffer.from(body));
          return;
        }
        res.writeHead(200, { 'content-type': 'audio/ogg', 'transfer-encoding': 'chunked' });
        res.write(Buffer.from(body.subarray(0, 8)));
        setTimeout(() => res.end(Buffer.from(body.subarray(8))), 20);
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const adapter = (mediaHosts?: string[]) =>
    createWhatsAppAdapter({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      accessToken: TOKEN,
      phoneNumberIds: [P1],
      graphBaseUrl: base,
      ...(mediaHosts ? { mediaHosts } : {}),
    });

  it('a 404 on an expired URL fetches a fresh URL once and downloads', async () => {
    metadataCalls = 0;
    cdnCalls = 0;
    issued = 0;
    clock += 1000;
    const media = await adapter().downloadMedia('7788990011');
    expect(new TextDecoder().decode(media.bytes)).toBe('OggS fake voice note');
    expect(media.sha256).toBe(sha);
    expect(metadataCalls).toBe(2);
    expect(cdnCalls).toBe(2);
  });

  it('gives up after the one retry when the fresh URL fails too', async () => {
    metadataCalls = 0;
    alwaysExpired = true;
    try {
      const error = await adapter()
        .downloadMedia('7788990011')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toMatchObject({ name: 'SwitchboardError', platform: { httpStatus: 404 } });
      expect(metadataCalls).toBe(2);
    } finally {
      alwaysExpired = false;
    }
  });

  it('a download whose hash differs from the metadata is rejected', async () => {
    issued = 1; // URLs fresh from now on
    hash = createHash('sha256').update('something else').digest('hex');
    try {
      await expect(adapter().downloadMedia('7788990011')).rejects.toMatchObject({
        code: 'PAYLOAD_INVALID',
        retryable: true,
      });
    } finally {
      hash = sha;
    }
  });

  it("never sends the token to a media URL off Meta's hosts, unless that host is configured", async () => {
    issued = 1;
    cdnBase = base.replace('127.0.0.1', 'localhost');
    cdnCalls = 0;
    try {
      const refused = adapter().downloadMedia('7788990011');
      await expect(refused).rejects.toMatchObject({ name: 'SwitchboardError', code: 'INVALID_REQUEST' });
      await expect(refused).rejects.toThrow(/refusing to send the access token to http:\/\/localhost/);
      expect(cdnCalls).toBe(0);
      const media = await adapter(['localhost']).downloadMedia('7788990011');
      expect(media.sha256Checked).toBe(true);
      expect(cdnCalls).toBe(1);
    } finally {
      cdnBase = '';
    }
  });

  it('says so when Meta gave no SHA-256 to check the download against', async () => {
    issued = 1;
    hash = undefined;
    try {
      const media = await adapter().downloadMedia('7788990011');
      expect(media).toMatchObject({ sha256: sha, sha256Checked: false });
    } finally {
      hash = sha;
    }
  });

  it('streams with openMedia: the bytes as they come, the hash checked at the end', async () => {
    issued = 1;
    const media = await adapter().openMedia('7788990011');
    expect(media).toMatchObject({ mimeType: 'audio/ogg', fileSize: body.byteLength, sha256Checked: true });
    const chunks: Uint8Array[] = [];
    for await (const chunk of media.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(body));
    expect(await media.sha256).toBe(sha);

    hash = createHash('sha256').update('something else').digest('hex');
    try {
      const tampered = await adapter().openMedia('7788990011');
      await expect(new Response(tampered.body).arrayBuffer()).rejects.toMatchObject({
        code: 'PAYLOAD_INVALID',
      });
    } finally {
      hash = sha;
    }
  });

  it('errors the stream once a file that announced no size passes the cap', async () => {
    issued = 1;
    announceSize = false;
    try {
      const whole = await adapter().openMedia('7788990011');
      expect(whole.fileSize).toBeUndefined();
      expect(new TextDecoder().decode(await new Response(whole.body).arrayBuffer())).toBe(
        'OggS fake voice note',
      );
      const capped = await adapter().openMedia('7788990011', { maxBytes: 10 });
      await expect(new Response(capped.body).arrayBuffer()).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
      });
    } finally {
      announceSize = true;
    }
  });
});
