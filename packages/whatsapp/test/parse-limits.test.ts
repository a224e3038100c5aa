import { describe, expect, it } from 'vitest';
import { parseWhatsAppWebhook, parseWhatsAppWebhookSlices } from '../src/index.js';

const NOW = Date.UTC(2026, 11, 6);
const text = (id: string, timestamp: string) => ({
  from: '15551234567',
  id,
  timestamp,
  type: 'text',
  text: { body: 'hi' },
});
const body = (messages: unknown[]) =>
  new TextEncoder().encode(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1065' }, messages },
            },
          ],
        },
      ],
    }),
  );

describe('parseWebhook: limits on signed but hostile items', () => {
  it('reports a timestamp of 99999999999999999999 s as a problem and keeps the rest', () => {
    const parsed = parseWhatsAppWebhook(
      body([text('wamid.future', '99999999999999999999'), text('wamid.now', String(NOW / 1000))]),
      { now: () => NOW },
    );
    expect(parsed.events.map((e) => e.key)).toEqual(['whatsapp:msg:wamid.now']);
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        path: 'entry[0].changes[0].value.messages[0]',
        message: expect.stringContaining('outside the accepted range'),
      }),
    ]);
  });

  it('gives the same result in slices of a few hundred items as in one go', () => {
    const raw = body(Array.from({ length: 700 }, (_, i) => text(`wamid.${i}`, String(NOW / 1000))));
    const slices = [...parseWhatsAppWebhookSlices(raw, { now: () => NOW })];
    expect(slices.length).toBeGreaterThan(1);
    expect(slices.flatMap((s) => s.events)).toEqual(parseWhatsAppWebhook(raw, { now: () => NOW }).events);
  });

  it('keeps a message whose content object is null as unsupported instead of throwing (found by the property test)', () => {
    const parsed = parseWhatsAppWebhook(body([{ ...text('wamid.null', String(NOW / 1000)), text: null }]), {
      now: () => NOW,
    });
    expect(parsed.events).toEqual([
      expect.objectContaining({ key: 'whatsapp:msg:wamid.null', kind: 'message' }),
    ]);
  });
});
