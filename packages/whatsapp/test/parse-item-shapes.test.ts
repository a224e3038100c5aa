import { describe, expect, it } from 'vitest';
import { parseWhatsAppWebhook } from '../src/index.js';

/*
 * Messages and statuses are checked with a lean schema unless they carry a field only some items have
 * (context, referral, errors, group_id; group recipients, errors). These pin that such a field, when
 * present, is still validated and still mapped: a lean schema would strip it silently.
 */
const NOW = Date.UTC(2026, 11, 6);
const SECONDS = String(NOW / 1000);
const body = (value: Record<string, unknown>) =>
  new TextEncoder().encode(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1065' }, ...value },
            },
          ],
        },
      ],
    }),
  );
const text = (id: string, extra: Record<string, unknown> = {}) => ({
  from: '15551234567',
  id,
  timestamp: SECONDS,
  type: 'text',
  text: { body: 'hi' },
  ...extra,
});
const status = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: 'delivered',
  timestamp: SECONDS,
  recipient_id: '15551234567',
  ...extra,
});
const parse = (value: Record<string, unknown>) => parseWhatsAppWebhook(body(value), { now: () => NOW });

describe('parseWebhook: fields only some items carry', () => {
  it('reports a malformed context, referral, errors or group_id at its path and maps the plain message beside it', () => {
    const parsed = parse({
      messages: [
        text('wamid.ctx', { context: { id: 42 } }),
        text('wamid.ref', { referral: 'ad' }),
        text('wamid.err', { errors: {} }),
        text('wamid.grp', { group_id: '' }),
        text('wamid.plain'),
      ],
    });
    expect(parsed.events.map((e) => e.key)).toEqual(['whatsapp:msg:wamid.plain']);
    expect(parsed.problems.map((p) => p.path)).toEqual([
      'entry[0].changes[0].value.messages[0].context.id',
      'entry[0].changes[0].value.messages[1].referral',
      'entry[0].changes[0].value.messages[2].errors',
      'entry[0].changes[0].value.messages[3].group_id',
    ]);
  });

  it('maps the reply context and the group of a message', () => {
    const parsed = parse({
      messages: [text('wamid.reply', { context: { id: 'wamid.original' }, group_id: 'G1' })],
    });
    expect(parsed.events[0]).toMatchObject({
      kind: 'message',
      replyTo: { messageId: 'wamid.original' },
      groupId: 'G1',
      conversationId: 'whatsapp:1065:group:G1',
    });
  });

  it('takes seconds as a string of digits or a non-negative integer, nothing else', () => {
    const parsed = parse({
      messages: [
        text('wamid.number', { timestamp: NOW / 1000 }),
        text('wamid.negative', { timestamp: -1 }),
        text('wamid.fraction', { timestamp: 1.5 }),
        text('wamid.letters', { timestamp: '17a' }),
      ],
    });
    expect(parsed.events.map((e) => [e.key, e.timestamp])).toEqual([['whatsapp:msg:wamid.number', NOW]]);
    expect(parsed.problems.map((p) => p.path)).toEqual(
      [1, 2, 3].map((i) => `entry[0].changes[0].value.messages[${i}].timestamp`),
    );
  });

  it('reports malformed status errors or participants, and maps group participants and failures', () => {
    const parsed = parse({
      statuses: [
        status('wamid.s1', { errors: 'x' }),
        status('wamid.s2', { recipient_type: 'group', recipient_participant_id: 7 }),
        status('wamid.s3', { recipient_type: 'group', recipient_id: 'G1', recipient_participant_id: '1555' }),
        status('wamid.s4', { status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }),
        status('wamid.s5'),
      ],
    });
    expect(parsed.problems.map((p) => p.path)).toEqual([
      'entry[0].changes[0].value.statuses[0].errors',
      'entry[0].changes[0].value.statuses[1].recipient_participant_id',
    ]);
    expect(parsed.events.map((e) => e.key)).toEqual([
      'whatsapp:status:wamid.s3:delivered:1555',
      'whatsapp:status:wamid.s4:failed',
      'whatsapp:status:wamid.s5:delivered',
    ]);
    expect(parsed.events[0]).toMatchObject({ userId: '1555', groupId: 'G1' });
    expect(parsed.events[1]).toMatchObject({ status: 'failed', error: { code: 131026 } });
  });
});
