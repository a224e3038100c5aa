/**
 * The WhatsApp peers of the parse bench, each called the way its README shows, counting the events
 * it delivers: whatsapp-api-js (`post()` → on.message / on.status), Kapso (`verifySignature` +
 * `JSON.parse` + `normalizeWebhook`), Chat SDK's adapter (`handleWebhook(Request)` → processMessage /
 * processReaction / processAction, with an in-memory state for its identity links).
 */
import { createWhatsAppAdapter as createChatSdkAdapter } from '@chat-adapter/whatsapp';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { WhatsAppAPI } from 'whatsapp-api-js';

export interface SignedBody {
  bytes: Uint8Array;
  text: string;
  signature: string;
}

/** Verifies, parses and dispatches one body; resolves to the number of events delivered. */
export type Peer = (body: SignedBody) => number | Promise<number>;

export function whatsappApiJs(appSecret: string): Peer {
  const api = new WhatsAppAPI({ token: 'bench-token', appSecret, v: 'v24.0' });
  let seen = 0;
  api.on.message = () => {
    seen++;
  };
  api.on.status = () => {
    seen++;
  };
  return async (b) => {
    seen = 0;
    try {
      await api.post(JSON.parse(b.text), b.text, b.signature);
    } catch {
      // it rejects some account-level fields it does not model; that is part of its cost
    }
    return seen;
  };
}

export function kapso(appSecret: string): Peer {
  return (b) => {
    const buffer = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
    if (!verifySignature({ appSecret, rawBody: buffer, signatureHeader: b.signature })) {
      throw new Error('kapso: bad signature');
    }
    const events = normalizeWebhook(JSON.parse(buffer.toString('utf8')));
    return events.messages.length + events.statuses.length;
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export async function chatSdk(appSecret: string, phoneNumberId: string): Promise<Peer> {
  const adapter = createChatSdkAdapter({
    accessToken: 'bench-token',
    appSecret,
    phoneNumberId,
    verifyToken: 'bench-verify-token',
    userName: 'bench',
    logger: silent,
  } as Parameters<typeof createChatSdkAdapter>[0]);
  const state = new Map<string, unknown>();
  let seen = 0;
  const count = () => {
    seen++;
  };
  await adapter.initialize({
    processMessage: count,
    processReaction: count,
    processAction: count,
    getState: () => ({
      get: async (key: string) => state.get(key) ?? null,
      set: async (key: string, value: unknown) => {
        state.set(key, value);
      },
      delete: async (key: string) => {
        state.delete(key);
      },
    }),
  } as never);
  return async (b) => {
    seen = 0;
    const request = new Request('http://bench.local/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': b.signature },
      body: b.text,
    });
    const response = await adapter.handleWebhook(request);
    if (response.status !== 200) throw new Error(`chat-sdk: ${response.status}`);
    return seen;
  };
}
