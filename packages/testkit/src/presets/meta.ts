import { metaJsonStringify, signMetaBody } from '@switchboard/meta-graph/wire';
import type { ContractMessage, ContractPlatform, ContractWire } from '../adapter-contract/types.js';

export interface MetaContractOptions {
  channel: 'messenger' | 'instagram' | 'whatsapp';
  /** The app secret the adapter verifies `X-Hub-Signature-256` with. */
  appSecret: string;
  /** The verify token the adapter accepts in the `hub.*` handshake. */
  verifyToken: string;
  /** WhatsApp: the WABA id of the entry (default '102290129340398'). */
  wabaId?: string;
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

function messengerPlatformBody(object: 'page' | 'instagram', m: ContractMessage, extra: unknown[] = []) {
  return {
    object,
    entry: [
      {
        id: m.accountId,
        time: m.timestamp,
        messaging: [
          {
            sender: { id: m.userId },
            recipient: { id: m.accountId },
            timestamp: m.timestamp,
            message: { mid: m.messageId, text: m.text },
          },
          ...extra,
        ],
      },
    ],
  };
}

function whatsappBody(wabaId: string, m: ContractMessage, extra: unknown[] = []) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: m.accountId },
              contacts: [{ profile: { name: 'Contract Check' }, wa_id: m.userId }],
              messages: [
                {
                  from: m.userId,
                  id: m.messageId,
                  timestamp: seconds(m.timestamp),
                  type: 'text',
                  text: { body: m.text },
                },
                ...extra,
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Meta's error bodies: code 2 (temporary) for 5xx, code 4 (app rate limit) for 429. */
function metaError(status: number) {
  const rateLimited = status === 429;
  return {
    error: {
      message: rateLimited ? '(#4) Application request limit reached' : 'An unexpected error has occurred.',
      type: 'OAuthException',
      code: rateLimited ? 4 : 2,
      is_transient: !rateLimited,
      fbtrace_id: 'AContractTrace',
    },
  };
}

/**
 * The adapter contract's wire and platform for Meta's channels, ready-made: `X-Hub-Signature-256` over
 * Meta-escaped JSON, the `hub.*` handshake, Messenger Platform or WhatsApp Cloud API bodies, and Graph's
 * send answers and error bodies.
 *
 * @example
 * adapterContract({
 *   ...metaContract({ channel: 'messenger', appSecret, verifyToken }),
 *   createAdapter: ({ graphBaseUrl }) => createMessengerAdapter({ appSecret, verifyToken, pageIds: [PAGE], accessToken, graphBaseUrl }),
 *   recipient: { accountId: PAGE, userId: PSID },
 * });
 */
export function metaContract(options: MetaContractOptions): {
  wire: ContractWire;
  platform: ContractPlatform;
} {
  const { channel, appSecret, verifyToken } = options;
  const whatsapp = channel === 'whatsapp';
  const wabaId = options.wabaId ?? '102290129340398';
  const object = channel === 'instagram' ? 'instagram' : 'page';
  const hub = (mode: string, token: string, challenge = '1158201444') =>
    new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });
  const wire: ContractWire = {
    sign: (body) => ({ 'X-Hub-Signature-256': signMetaBody(body, appSecret) }),
    handshake: {
      accept: hub('subscribe', verifyToken),
      challenge: '1158201444',
      refuse: [hub('subscribe', `${verifyToken}-wrong`), hub('unsubscribe', verifyToken)],
    },
    encode: metaJsonStringify,
    textMessageBody: (m) => (whatsapp ? whatsappBody(wabaId, m) : messengerPlatformBody(object, m)),
    bodyWithBadItem: (m) =>
      whatsapp
        ? whatsappBody(wabaId, m, [{ from: 5, id: null, timestamp: 'soon', type: 'text' }])
        : messengerPlatformBody(object, m, [
            { sender: { id: 42 }, recipient: 7, timestamp: 'soon', message: { mid: 9 } },
          ]),
  };
  const platform: ContractPlatform = {
    accept: (request, messageId) => {
      const sent = parse(request.body) as { to?: string; recipient?: { id?: string } };
      return whatsapp
        ? {
            body: {
              messaging_product: 'whatsapp',
              contacts: [{ input: sent.to, wa_id: sent.to }],
              messages: [{ id: messageId }],
            },
          }
        : { body: { recipient_id: sent.recipient?.id, message_id: messageId } };
    },
    error: metaError,
    recipientOf: (request) => {
      const sent = parse(request.body) as { to?: unknown; recipient?: { id?: unknown } };
      const to = whatsapp ? sent.to : sent.recipient?.id;
      return typeof to === 'string' ? to : undefined;
    },
  };
  return { wire, platform };
}

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
