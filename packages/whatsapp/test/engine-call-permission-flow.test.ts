import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { MessageEvent } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowEndpoint, createWhatsAppAdapter, type FlowRequest, findFlowSend } from '../src/index.js';
import { startEngineWorld } from './engine.js';

let w: Awaited<ReturnType<typeof startEngineWorld>>;

beforeAll(async () => {
  w = await startEngineWorld();
  await w.switchboard.start();
});
afterAll(async () => {
  await w.stop();
});

const until = <T>(check: () => T | undefined | false | Promise<T | undefined | false>) => w.until(check);
const sentState = (id: string) =>
  until(async () => {
    const e = await w.switchboard.store.outbox.get(id);
    return e && e.state !== 'pending' ? e : undefined;
  });

describe('call permission requests', () => {
  it('go out through the outbox as the interactive call_permission_request; the reply is a typed part', async () => {
    const entry = await w.switchboard.send({
      to: w.to,
      content: { type: 'call_permission_request', text: 'May we call you about order 4711?' },
      idempotencyKey: 'call-permission-4711',
    });
    expect((await sentState(entry.id)).state).not.toBe('failed');
    const send = w.sim.businessSends({ accountId: w.phone.id }).at(-1);
    expect(send?.body).toMatchObject({
      recipient_type: 'individual',
      to: w.customer.userId,
      type: 'interactive',
      biz_opaque_callback_data: entry.id,
      interactive: {
        type: 'call_permission_request',
        action: { name: 'call_permission_request' },
        body: { text: 'May we call you about order 4711?' },
      },
    });
    w.sim.answerCallPermission({ accountId: w.phone.id, userId: w.customer.userId, response: 'accept' });
    const reply = await until(() =>
      w.ofKind('message').find((m) => m.parts.some((p) => p.type === 'call_permission_reply')),
    );
    expect(reply).toMatchObject({
      userId: w.customer.userId,
      replyTo: { messageId: send?.messageId },
      parts: [{ type: 'call_permission_reply', response: 'accept', permanent: false, source: 'user_action' }],
    });
    const part = reply.parts[0] as { expiresAt?: number };
    expect(part.expiresAt).toBeGreaterThan(reply.timestamp);
  });

  it('an over-long request text is refused before any Graph call', async () => {
    const before = w.sim.businessSends().length;
    const entry = await w.switchboard.send({
      to: w.to,
      content: { type: 'call_permission_request', text: 'x'.repeat(1025) },
    });
    expect((await sentState(entry.id)).error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(w.sim.businessSends()).toHaveLength(before);
  });
});

describe('Flow completions linked to their send', () => {
  const flow = { type: 'flow', flowId: '1234567890', cta: 'Book now', body: 'Pick a slot' } as const;

  it('by flow_token (the outbox id): the handler finds the send it completes', async () => {
    const entry = await w.switchboard.send({ to: w.to, content: flow, idempotencyKey: 'booking-77' });
    await sentState(entry.id);
    w.sim.completeFlow({ accountId: w.phone.id, userId: w.customer.userId, response: { slot: '10:00' } });
    const completion = await until(() =>
      w
        .ofKind('message')
        .find((m) => m.parts.some((p) => p.type === 'flow_reply' && p.response.slot === '10:00')),
    );
    expect(completion.parts[0]).toMatchObject({
      type: 'flow_reply',
      flowToken: entry.id,
      response: { slot: '10:00' },
    });
    const found = await findFlowSend(w.switchboard.store, completion);
    expect(found).toMatchObject({ id: entry.id, idempotencyKey: 'booking-77' });
  });

  it('without flow_token (a client quirk): by the Flow message the completion replies to', async () => {
    const entry = await w.switchboard.send({ to: w.to, content: { ...flow, flowToken: 'booking-88' } });
    await until(async () => (await w.switchboard.store.outbox.get(entry.id))?.platformMessageId);
    w.sim.completeFlow({
      accountId: w.phone.id,
      userId: w.customer.userId,
      response: { slot: '11:00' },
      dropFlowToken: true,
    });
    const completion = await until(() =>
      w
        .ofKind('message')
        .find((m) => m.parts.some((p) => p.type === 'flow_reply' && p.response.slot === '11:00')),
    );
    expect((completion.parts[0] as { flowToken?: string }).flowToken).toBeUndefined();
    expect((await findFlowSend(w.switchboard.store, completion))?.id).toBe(entry.id);
  });

  it("never returns another customer's send, nor one whose token disagrees", async () => {
    const entry = await w.switchboard.send({ to: w.to, content: flow });
    const sent = await until(async () => {
      const e = await w.switchboard.store.outbox.get(entry.id);
      return e?.platformMessageId ? e : undefined;
    });
    const completion = (userId: string, flowToken: string | undefined): MessageEvent => ({
      kind: 'message',
      channel: 'whatsapp',
      key: `whatsapp:msg:forged-${userId}`,
      accountId: w.phone.id,
      userId,
      conversationId: `whatsapp:${w.phone.id}:${userId}`,
      timestamp: Date.now(),
      source: 'webhook',
      raw: {},
      messageId: `wamid.forged-${userId}`,
      direction: 'inbound',
      replyTo: { messageId: sent.platformMessageId as string },
      parts: [{ type: 'flow_reply', response: {}, ...(flowToken ? { flowToken } : {}) }],
    });
    expect((await findFlowSend(w.switchboard.store, completion(w.customer.userId, entry.id)))?.id).toBe(
      entry.id,
    );
    expect(await findFlowSend(w.switchboard.store, completion('19995550000', entry.id))).toBeUndefined();
    expect(
      await findFlowSend(w.switchboard.store, completion(w.customer.userId, 'ob_someone-else')),
    ).toBeUndefined();
    const text = completion(w.customer.userId, entry.id);
    expect(
      await findFlowSend(w.switchboard.store, { ...text, parts: [{ type: 'text', text: 'hi' }] }),
    ).toBeUndefined();
  });
});

describe('Flow business public key', () => {
  it('uploads the key for the number and reads it back; the endpoint decrypts what a client encrypted with it', async () => {
    // An RSA pair made here with node:crypto, not with the package's helper.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(await w.adapter.getFlowPublicKey(w.phone.id)).toBeUndefined();
    await w.adapter.uploadFlowPublicKey(w.phone.id, { privateKey });
    const held = await w.adapter.getFlowPublicKey(w.phone.id);
    expect(held).toEqual({ publicKey: publicKey.trim(), signatureStatus: 'VALID' });

    // Meta's client, following the published steps, encrypts with the key the Graph API holds.
    const aesKey = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-128-gcm', aesKey, iv);
    const request = { version: '3.0', action: 'INIT', flow_token: 'tenant-a:booking-1' };
    const data = Buffer.concat([
      cipher.update(JSON.stringify(request), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const payload = JSON.stringify({
      encrypted_flow_data: data.toString('base64'),
      encrypted_aes_key: publicEncrypt(
        { key: held?.publicKey as string, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        aesKey,
      ).toString('base64'),
      initial_vector: iv.toString('base64'),
    });
    const seen: FlowRequest[] = [];
    const endpoint = createFlowEndpoint({
      appSecrets: [w.sim.world.app.secret],
      privateKey: () => privateKey,
      handle: async (req) => {
        seen.push(req);
        return { screen: 'SLOTS', data: { slots: ['10:00'] } };
      },
    });
    const response = await endpoint.fetch(
      new Request('https://example.com/flows', {
        method: 'POST',
        body: payload,
        headers: {
          'x-hub-signature-256': `sha256=${createHmac('sha256', w.sim.world.app.secret).update(payload).digest('hex')}`,
        },
      }),
    );
    expect(response.status).toBe(200);
    const raw = Buffer.from(await response.text(), 'base64');
    const decipher = createDecipheriv('aes-128-gcm', aesKey, Buffer.from(iv.map((b) => b ^ 0xff)));
    decipher.setAuthTag(raw.subarray(-16));
    const answer = JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(0, -16)), decipher.final()]).toString(),
    );
    expect(answer).toEqual({ screen: 'SLOTS', data: { slots: ['10:00'] } });
    expect(seen).toMatchObject([{ action: 'INIT', flow_token: 'tenant-a:booking-1' }]);
  });

  it('refuses what is not a 2048-bit RSA key before any Graph call', async () => {
    const offline = createWhatsAppAdapter({
      appSecret: 'x',
      verifyToken: 'y',
      accessToken: 'EAAGoffline',
      graphBaseUrl: 'http://127.0.0.1:9',
      timeoutMs: 500,
    });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    for (const key of ['not a key', String(small), String(ec)])
      await expect(offline.uploadFlowPublicKey('1', key)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
