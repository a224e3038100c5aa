import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type InboxFetch,
  loadConfig,
  type RunningInbox,
  signIn,
  startInbox,
} from '@switchboard/example/testing';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;

/** Issue 13, item 8: the media proxy of Switchboard Inbox in Meta mode (the simulator plays Graph). */
describe('Switchboard Inbox media proxy (Meta mode)', () => {
  let sim: MetaSimulator;
  let inbox: RunningInbox;
  let api: InboxFetch;
  let dataDir: string;

  /** Uploads a file as the business would; WhatsApp gives back a media id. */
  async function upload(bytes: Uint8Array, type: string): Promise<string> {
    const phone = sim.world.phoneNumbers[0]!;
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', type);
    form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), 'file');
    const response = await fetch(
      `${sim.graphUrl}/${phone.id}/media?access_token=${sim.world.systemUserToken}`,
      {
        method: 'POST',
        body: form,
      },
    );
    return ((await response.json()) as { id: string }).id;
  }
  const media = (src: string) => api(`/api/media?kind=image&channel=whatsapp&src=${encodeURIComponent(src)}`);

  beforeAll(async () => {
    sim = await startMetaSimulator({ seed: 7 });
    const phone = sim.world.phoneNumbers[0]!;
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-media-'));
    inbox = await startInbox(
      loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        WATCH: 'off',
        GRAPH_BASE_URL: sim.url,
        WHATSAPP_APP_SECRET: sim.world.app.secret,
        WHATSAPP_VERIFY_TOKEN: sim.world.app.verifyToken,
        WHATSAPP_ACCESS_TOKEN: sim.world.systemUserToken,
        WHATSAPP_PHONE_NUMBER_IDS: phone.id,
        WHATSAPP_WABA_IDS: phone.wabaId,
      }),
    );
    api = await signIn(inbox);
  });
  afterAll(async () => {
    await inbox?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves an uploaded HTML or SVG file as an attachment, never inline on the inbox origin', async () => {
    for (const type of ['text/html', 'image/svg+xml', 'application/pdf']) {
      const id = await upload(new TextEncoder().encode('<script>alert(document.cookie)</script>'), type);
      const response = await media(id);
      expect(response.status, type).toBe(200);
      expect(response.headers.get('content-disposition'), type).toMatch(/^attachment/);
      expect(response.headers.get('x-content-type-options'), type).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), type).toContain('sandbox');
    }
  });

  it('serves images, audio and video inline with nosniff', async () => {
    for (const type of ['image/jpeg', 'audio/ogg', 'video/mp4']) {
      const response = await media(await upload(new Uint8Array([1, 2, 3, 4]), type));
      expect(response.status, type).toBe(200);
      expect(response.headers.get('content-type'), type).toBe(type);
      expect(response.headers.get('content-disposition'), type).toBe('inline');
      expect(response.headers.get('x-content-type-options'), type).toBe('nosniff');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    }
  });

  it("redirects only to Meta's CDN hosts, never to an arbitrary ?src= URL", async () => {
    for (const src of [
      'https://attacker.example/login',
      'https://fbcdn.net.attacker.example/a.jpg',
      'http://scontent.xx.fbcdn.net/a.jpg',
      'javascript:alert(1)',
    ]) {
      const response = await api(`/api/media?kind=image&channel=messenger&src=${encodeURIComponent(src)}`, {
        redirect: 'manual',
      });
      expect(response.status, src).not.toBe(302);
      expect(response.headers.get('location'), src).toBeNull();
    }
    const cdn = 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?oh=1';
    const response = await api(`/api/media?kind=image&channel=messenger&src=${encodeURIComponent(cdn)}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(cdn);
  });

  it('downloads at most 4 files at once (503 beyond) and refuses files above its cap', async () => {
    const id = await upload(new Uint8Array(12 * MiB), 'video/mp4');
    const responses = await Promise.all(Array.from({ length: 12 }, () => media(id)));
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(responses.find((r) => r.status === 503)?.headers.get('retry-after')).toBe('1');
    expect((await media(id)).status).toBe(200);

    const big = await upload(new Uint8Array(26 * MiB), 'application/pdf');
    expect((await media(big)).status).toBe(413);
  });

  it('streams files through instead of holding them: four 20 MiB downloads left unread take no 80 MiB', async () => {
    const id = await upload(new Uint8Array(20 * MiB).fill(7), 'application/pdf');
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    const open = await Promise.all(Array.from({ length: 4 }, () => media(id)));
    expect(open.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(open[0]?.headers.get('content-length')).toBe(String(20 * MiB));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = process.memoryUsage().arrayBuffers - before;
    console.log(`media proxy: ${(held / MiB).toFixed(1)} MiB of buffers held by 4 unread 20 MiB downloads`);
    expect(held).toBeLessThan(40 * MiB);
    // A client that walks away gives its slot back.
    await Promise.all(open.map((r) => r.body?.cancel()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await media(id);
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBe(20 * MiB);
  });
});
