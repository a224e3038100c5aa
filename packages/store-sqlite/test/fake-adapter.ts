import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ChannelAdapter, type ChannelEvent, SwitchboardError } from '@switchboard/core';

export const SECRET = 'sqlite-test-secret';

/** Minimal channel for engine tests: body `{ "messages": [{ "id", "user", "ts", "text" }] }`. */
export function createFakeAdapter(): ChannelAdapter {
  return {
    channel: 'fake',
    accountIds: ['acct'],
    limits: {
      textMaxLength: 1000,
      textLengthUnit: 'chars',
      buttonsMax: 3,
      quickRepliesMax: 13,
      windowHours: 24,
      sendPerSecond: 100,
      supportedContent: ['text'],
    },
    verifyChallenge: () => null,
    verifySignature(rawBody, headers) {
      const given = Buffer.from(headers.get('x-hub-signature-256') ?? '');
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`);
      if (given.length === 0) return { ok: false, reason: 'missing' };
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? { ok: true, secretIndex: 0 }
        : { ok: false, reason: 'mismatch' };
    },
    parseWebhook(rawBody) {
      let doc: { messages?: Array<{ id: string; user: string; ts: number; text?: string }> };
      try {
        doc = JSON.parse(Buffer.from(rawBody).toString('utf8'));
      } catch {
        throw new SwitchboardError('PAYLOAD_INVALID', 'not JSON');
      }
      if (!Array.isArray(doc.messages))
        throw new SwitchboardError('PAYLOAD_INVALID', 'messages missing', { path: 'messages' });
      const events: ChannelEvent[] = doc.messages.map((m) => ({
        kind: 'message',
        channel: 'fake',
        key: `fake:msg:${m.id}`,
        accountId: 'acct',
        userId: m.user,
        conversationId: `fake:acct:${m.user}`,
        timestamp: m.ts,
        source: 'webhook',
        raw: m,
        messageId: m.id,
        direction: 'inbound',
        text: m.text ?? '',
        parts: [{ type: 'text', text: m.text ?? '' }],
      }));
      return { events, problems: [] };
    },
    async send(message) {
      return { messageId: `mid.${message.correlationId}`, acceptedAt: 0, raw: {} };
    },
    probes: () => [],
  };
}

export const messages = (...items: Array<{ id: string; user?: string; ts?: number; text?: string }>) =>
  JSON.stringify({ messages: items.map((m, i) => ({ user: 'u1', ts: 1_000 + i, ...m })) });
