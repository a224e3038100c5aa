import { signMetaBody } from '@switchboard/meta-graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFixture } from './helpers.js';
import { startWorld } from './sim.js';

/** The README's adapter-only and media examples, run against the simulator. */
describe('README examples', () => {
  let w: Awaited<ReturnType<typeof startWorld>>;
  beforeAll(async () => {
    w = await startWorld();
    w.sim.customerSends({
      channel: 'whatsapp',
      accountId: w.phone.id,
      userId: w.customer.userId,
      kind: 'text',
      text: 'hello',
    });
  });
  afterAll(async () => {
    await w.sim.stop();
  });

  it('verify, parse, send buttons with a correlation id', async () => {
    const whatsapp = w.adapter;
    const rawBody = rawFixture('text');
    const request = new Request('https://hooks.example.com/webhooks/whatsapp', {
      method: 'POST',
      body: rawBody,
      headers: { 'x-hub-signature-256': signMetaBody(rawBody, w.sim.world.app.secret) },
    });

    const check = whatsapp.verifySignature(rawBody, request.headers);
    expect(check.ok).toBe(true);
    const { events, problems } = whatsapp.parseWebhook(rawBody);
    expect([events.length, problems.length]).toEqual([1, 0]);

    const receipt = await whatsapp.send({
      to: w.to,
      content: {
        type: 'buttons',
        text: 'Your order shipped',
        buttons: [{ type: 'postback', title: 'Track', payload: 'TRACK' }],
      },
      correlationId: 'outbox_42',
    });
    expect(w.sim.businessSends().at(-1)).toMatchObject({
      messageId: receipt.messageId,
      bizOpaqueCallbackData: 'outbox_42',
    });
  });

  it('media: upload, send by id, download', async () => {
    const whatsapp = w.adapter;
    const phoneNumberId = w.phone.id;
    const to = w.to;
    const bytes = new TextEncoder().encode('%PDF-1.7 invoice');
    const { mediaId } = await whatsapp.uploadMedia({
      phoneNumberId,
      bytes,
      mimeType: 'application/pdf',
      filename: 'invoice.pdf',
    });
    await whatsapp.send({ to, content: { type: 'file', mediaId, filename: 'invoice.pdf' } });
    const media = await whatsapp.downloadMedia(mediaId);
    expect(media.bytes).toEqual(bytes);
  });
});
