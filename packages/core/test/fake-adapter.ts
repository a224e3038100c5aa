import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type ChannelAdapter,
  type ChannelEvent,
  conversationIdOf,
  type OutboundMessage,
  type SendReceipt,
  SwitchboardError,
  type SwitchboardErrorCode,
} from '../src/index.js';

export const SECRET = 'fake-app-secret-123';
export const VERIFY_TOKEN = 'fake-verify-token';
export const ACCOUNT = 'acct1';

/** Wire format of the fake channel: `{ "items": [ { "type": "message" | "status", ... } ] }`. */
export interface FakeItem {
  type: 'message' | 'status' | 'echo';
  id: string;
  user?: string;
  text?: string;
  ts: number;
  status?: 'sent' | 'delivered' | 'read' | 'failed';
  correlationId?: string;
  /** The adapter's classification of a failed status (what a real adapter takes from its error table). */
  errorCode?: SwitchboardErrorCode;
  /** Account the item arrived for (default ACCOUNT). */
  account?: string;
}

export function sign(body: Uint8Array | string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type SendBehaviour = (
  message: OutboundMessage,
  call: number,
) => SendReceipt | SwitchboardError | Promise<SendReceipt>;

/** A small channel adapter implementing the contract for engine tests (real adapters live elsewhere). */
export function createFakeAdapter(options: { channel?: string; send?: SendBehaviour } = {}) {
  const channel = options.channel ?? 'fake';
  const sent: OutboundMessage[] = [];
  let behaviour = options.send;
  const adapter: ChannelAdapter = {
    channel,
    capabilities: { sendConfirmation: 'status', keptHeaders: ['x-hub-signature-256'] },
    accountIds: [ACCOUNT],
    limits: {
      textMaxLength: 1000,
      textLengthUnit: 'chars',
      buttonsMax: 3,
      quickRepliesMax: 13,
      windowHours: 24,
      sendPerSecond: 1000,
      supportedContent: ['text'],
    },
    verifyChallenge(query) {
      return query.get('hub.mode') === 'subscribe' && query.get('hub.verify_token') === VERIFY_TOKEN
        ? query.get('hub.challenge')
        : null;
    },
    verifySignature(rawBody, headers) {
      const header = headers.get('x-hub-signature-256');
      if (!header) return { ok: false, reason: 'missing' };
      if (!/^sha256=[0-9a-f]{64}$/.test(header)) return { ok: false, reason: 'malformed' };
      const expected = Buffer.from(sign(rawBody));
      const given = Buffer.from(header);
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? { ok: true, secretIndex: 0 }
        : { ok: false, reason: 'mismatch' };
    },
    parseWebhook(rawBody) {
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
      } catch (error) {
        throw new SwitchboardError('PAYLOAD_INVALID', `body is not JSON: ${(error as Error).message}`);
      }
      const items = (doc as { items?: unknown })?.items;
      if (!Array.isArray(items))
        throw new SwitchboardError('PAYLOAD_INVALID', 'items is not an array', { path: 'items' });
      const events: ChannelEvent[] = [];
      const problems: { path: string; message: string; raw?: unknown }[] = [];
      items.forEach((raw: FakeItem, i) => {
        if (!raw || typeof raw.id !== 'string' || typeof raw.ts !== 'number') {
          problems.push({ path: `items[${i}]`, message: 'item without id or ts', raw });
          return;
        }
        const userId = raw.user ?? 'user1';
        const accountId = raw.account ?? ACCOUNT;
        const base = {
          channel,
          accountId,
          userId,
          conversationId: conversationIdOf(channel, accountId, userId),
          timestamp: raw.ts,
          source: 'webhook' as const,
          raw,
        };
        if (raw.type === 'status') {
          events.push({
            ...base,
            kind: 'status',
            key: `${channel}:status:${raw.id}:${raw.status}`,
            messageId: raw.id,
            status: raw.status ?? 'sent',
            ...(raw.correlationId ? { correlationId: raw.correlationId } : {}),
            ...(raw.errorCode ? { errorCode: raw.errorCode, error: { code: 42, message: 'said no' } } : {}),
          });
        } else {
          const echo = raw.type === 'echo';
          events.push({
            ...base,
            kind: 'message',
            key: `${channel}:msg:${raw.id}`,
            messageId: raw.id,
            direction: echo ? 'outbound' : 'inbound',
            ...(echo ? { echo: true } : {}),
            ...(raw.correlationId ? { correlationId: raw.correlationId } : {}),
            text: raw.text ?? '',
            parts: [{ type: 'text', text: raw.text ?? '' }],
          });
        }
      });
      return { events, problems };
    },
    async send(message) {
      sent.push(message);
      if (!behaviour) return { messageId: `mid.${sent.length}`, acceptedAt: Date.now(), raw: {} };
      const result = await behaviour(message, sent.length);
      if (result instanceof SwitchboardError) throw result;
      return result;
    },
    probes() {
      return [
        {
          name: 'token',
          description: 'fake token probe',
          accountId: ACCOUNT,
          run: async () => ({
            probe: 'token',
            status: 'ok' as const,
            reason: 'fine',
            accountId: ACCOUNT,
            checkedAt: 0,
          }),
        },
      ];
    },
  };
  return {
    adapter,
    sent,
    setSend(next: SendBehaviour | undefined) {
      behaviour = next;
    },
  };
}

export function body(items: FakeItem[]): string {
  return JSON.stringify({ items });
}

/** A signed POST to `/webhooks/<channel>`. */
export function signedRequest(
  payload: string | Uint8Array,
  options: { channel?: string; signature?: string | null } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? sign(payload) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return new Request(`http://127.0.0.1/webhooks/${options.channel ?? 'fake'}`, {
    method: 'POST',
    headers,
    body: payload as BodyInit,
  });
}
