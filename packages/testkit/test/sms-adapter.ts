import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type ChannelAdapter,
  type ChannelEvent,
  conversationIdOf,
  SwitchboardError,
  type WebhookProblem,
} from '@switchboard/core';
import { z } from 'zod';
import type { ContractMessage } from '../src/contracts.js';

/** A small SMS gateway channel, written as a plugin author would: its own signature header, no handshake. */
export const SMS_SECRET = 'sms-signing-secret';
export const ACCOUNT = '+15550001000';
export const USER = '+15550002000';

/** The deliberate bugs of the issue, each one a variant the contract must fail. */
export type SmsBug =
  | 'throws-on-bad-item'
  | 'send-never-sends'
  | 'http-500-invalid'
  | 'no-length-check'
  | 'account-user-swapped'
  | 'syntax-error-on-bad-json';

export const signSms = (body: Uint8Array, secret = SMS_SECRET) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

const Inbound = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  text: z.string(),
  /** Epoch seconds. */
  ts: z.number().int().positive(),
});
const Body = z.object({ account: z.string().min(1), messages: z.array(z.unknown()) });
const Accepted = z.object({ id: z.string().min(1) });

export function createSmsAdapter(options: { apiUrl: string; bug?: SmsBug }): ChannelAdapter {
  const { bug } = options;
  return {
    channel: 'sms',
    capabilities: { sendConfirmation: 'none', keptHeaders: ['x-sms-signature'] },
    accountIds: [ACCOUNT],
    limits: {
      textMaxLength: 160,
      textLengthUnit: 'chars',
      buttonsMax: 0,
      quickRepliesMax: 0,
      windowHours: 24 * 365,
      sendPerSecond: 10,
      supportedContent: ['text'],
    },
    verifyChallenge: () => null,
    verifySignature(rawBody, headers) {
      const header = headers.get('x-sms-signature');
      if (!header) return { ok: false, reason: 'missing' };
      if (!/^v1=[0-9a-f]{64}$/.test(header)) return { ok: false, reason: 'malformed' };
      const expected = Buffer.from(signSms(rawBody));
      const given = Buffer.from(header);
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? { ok: true, secretIndex: 0 }
        : { ok: false, reason: 'mismatch' };
    },
    parseWebhook(rawBody) {
      let doc: unknown;
      if (bug === 'syntax-error-on-bad-json') doc = JSON.parse(new TextDecoder().decode(rawBody));
      else {
        try {
          doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
        } catch (error) {
          throw new SwitchboardError('PAYLOAD_INVALID', `body is not JSON: ${(error as Error).message}`);
        }
      }
      const body = Body.safeParse(doc);
      if (!body.success) throw new SwitchboardError('PAYLOAD_INVALID', 'not an SMS webhook body');
      const events: ChannelEvent[] = [];
      const problems: WebhookProblem[] = [];
      body.data.messages.forEach((raw, i) => {
        const item = Inbound.safeParse(raw);
        if (!item.success) {
          if (bug === 'throws-on-bad-item') throw new TypeError(`bad item ${i}`);
          problems.push({ path: `messages[${i}]`, message: item.error.issues[0]?.message ?? 'invalid', raw });
          return;
        }
        const m = item.data;
        const [accountId, userId] =
          bug === 'account-user-swapped' ? [m.from, body.data.account] : [body.data.account, m.from];
        events.push({
          kind: 'message',
          channel: 'sms',
          key: `sms:msg:${m.id}`,
          accountId,
          userId,
          conversationId: conversationIdOf('sms', accountId, userId),
          timestamp: m.ts * 1000,
          source: 'webhook',
          raw,
          messageId: m.id,
          direction: 'inbound',
          text: m.text,
          parts: [{ type: 'text', text: m.text }],
        });
      });
      return { events, problems };
    },
    async send(message) {
      const { content } = message;
      if (content.type !== 'text')
        throw new SwitchboardError('NOT_SUPPORTED', `sms carries text only, not ${content.type}`);
      if (bug !== 'no-length-check' && [...content.text].length > 160)
        throw new SwitchboardError(
          'INVALID_REQUEST',
          `text is ${[...content.text].length} characters, sms allows 160`,
        );
      if (bug === 'send-never-sends') return { messageId: 'sms-local-1', acceptedAt: Date.now(), raw: {} };
      let response: Response;
      try {
        response = await fetch(`${options.apiUrl}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: message.to.accountId, to: message.to.userId, text: content.text }),
        });
      } catch (error) {
        throw new SwitchboardError('TEMPORARY', `sms gateway unreachable: ${(error as Error).message}`);
      }
      if (response.status === 429) throw new SwitchboardError('RATE_LIMITED', 'sms gateway: slow down');
      if (response.status >= 500 && bug !== 'http-500-invalid')
        throw new SwitchboardError('TEMPORARY', `sms gateway answered ${response.status}`);
      if (!response.ok)
        throw new SwitchboardError('INVALID_REQUEST', `sms gateway answered ${response.status}`);
      const accepted = Accepted.safeParse(await response.json().catch(() => undefined));
      if (!accepted.success)
        throw new SwitchboardError('PAYLOAD_INVALID', 'sms gateway answer without an id');
      return { messageId: accepted.data.id, acceptedAt: Date.now(), raw: accepted.data };
    },
    probes: () => [],
  };
}

/** The test setup a plugin author writes for the kit: how SMS webhooks are signed and built, how the gateway answers. */
export const smsContract = {
  wire: {
    sign: (body: Uint8Array) => ({ 'X-Sms-Signature': signSms(body) }),
    handshake: null,
    textMessageBody: (m: ContractMessage) => ({
      account: m.accountId,
      messages: [{ id: m.messageId, from: m.userId, text: m.text, ts: m.timestamp / 1000 }],
    }),
    bodyWithBadItem: (m: ContractMessage) => ({
      account: m.accountId,
      messages: [
        { id: m.messageId, from: m.userId, text: m.text, ts: m.timestamp / 1000 },
        { id: 7, from: null, ts: 'yesterday' },
      ],
    }),
  },
  platform: {
    accept: (_request: unknown, messageId: string) => ({ status: 201, body: { id: messageId } }),
    recipientOf: (request: { body: string }) => {
      try {
        return (JSON.parse(request.body) as { to?: string }).to;
      } catch {
        return undefined;
      }
    },
  },
  recipient: { accountId: ACCOUNT, userId: USER },
};
