/**
 * Signed WhatsApp webhook bodies for the SQLite benches (ack, processor, memory): one inbound text
 * message per body, a unique `wamid` per call, senders spread over 50 conversations.
 */
import { createHmac } from 'node:crypto';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';

export const APP_SECRET = 'bench-app-secret-0123456789';
export const PHONE_NUMBER_ID = '106540352242922';
export const VERIFY_TOKEN = 'bench-verify-token';

/** The WhatsApp adapter the engine benches receive these webhooks with. */
export const benchWhatsAppAdapter = () =>
  createWhatsAppAdapter({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    phoneNumberIds: [PHONE_NUMBER_ID],
  });

let counter = 0;

export function whatsappBody(n = ++counter): string {
  const from = `1555${String(1_000_000 + (n % 50)).slice(1)}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.bench.${process.pid}.${n}`,
                  timestamp: String(1_700_000_000 + n),
                  type: 'text',
                  text: { body: `hello ${n}` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

export const sign = (body: string | Uint8Array): string =>
  `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;

/** A fresh signed body with the headers Meta sends. */
export function signedWebhook(): { body: string; headers: Record<string, string> } {
  const body = whatsappBody();
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } };
}
