import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createMemoryStore,
  createSwitchboard,
  type Store,
  type Switchboard,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { metaJsonStringify, signMetaBody } from '@switchboard/meta-graph';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';

/** Every secret configured below: none of them may ever show up in a log line, an error or /metrics. */
export const SECRETS = {
  messengerAppSecret: 'sec-messenger-app-secret-7f3a9c',
  instagramAppSecret: 'sec-instagram-app-secret-41be07',
  whatsappAppSecret: 'sec-whatsapp-app-secret-d29e55',
  messengerToken: 'EAAMsecMessengerPageToken0123456789',
  instagramToken: 'IGAAsecInstagramToken0123456789abcd',
  whatsappToken: 'EAAWsecWhatsAppSystemToken987654321',
  messengerVerify: 'sec-messenger-verify-token-5512',
  instagramVerify: 'sec-instagram-verify-token-8871',
  whatsappVerify: 'sec-whatsapp-verify-token-3390',
} as const;

export const PAGE = '1000000001';
export const IG = '17841400000000001';
export const PHONE = '106540352242922';

const APP_SECRET = {
  messenger: SECRETS.messengerAppSecret,
  instagram: SECRETS.instagramAppSecret,
  whatsapp: SECRETS.whatsappAppSecret,
} as const;
export type Channel = keyof typeof APP_SECRET;

export interface Harness {
  switchboard: Switchboard;
  store: Store;
  /** Every line the engine and the adapters logged. */
  lines: Record<string, unknown>[];
  /** `http://127.0.0.1:<port>`: the engine behind `toNodeListener` on node:http. */
  base: string;
  /** POSTs a body to `/webhooks/<channel>` signed with that channel's app secret (or the given signature). */
  post(channel: Channel, body: unknown, signature?: string): Promise<Response>;
  close(): Promise<void>;
}

/** The real adapters, a real store and node:http: the surface Meta (or an attacker) talks to. */
export async function startHarness(
  options: { store?: 'sqlite' | 'memory'; maxBodyBytes?: number; graphBaseUrl?: string } = {},
) {
  const graph = options.graphBaseUrl ? { graphBaseUrl: options.graphBaseUrl } : {};
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  const dir = mkdtempSync(join(tmpdir(), 'sb-security-'));
  const store =
    options.store === 'memory' ? createMemoryStore() : createSqliteStore({ path: join(dir, 'sb.db') });
  const switchboard = createSwitchboard({
    adapters: [
      createMessengerAdapter({
        appSecret: SECRETS.messengerAppSecret,
        verifyToken: SECRETS.messengerVerify,
        accessToken: SECRETS.messengerToken,
        pageIds: [PAGE],
        logger,
        ...graph,
      }),
      createInstagramAdapter({
        appSecret: SECRETS.instagramAppSecret,
        verifyToken: SECRETS.instagramVerify,
        accessToken: SECRETS.instagramToken,
        instagramAccountIds: [IG],
        logger,
        ...graph,
      }),
      createWhatsAppAdapter({
        appSecret: SECRETS.whatsappAppSecret,
        verifyToken: SECRETS.whatsappVerify,
        accessToken: SECRETS.whatsappToken,
        phoneNumberIds: [PHONE],
        logger,
        ...graph,
      }),
    ],
    store,
    logger,
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const server: Server = createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const harness: Harness = {
    switchboard,
    store,
    lines,
    base,
    post: (channel, body, signature) => {
      const bytes =
        body instanceof Uint8Array
          ? body
          : new TextEncoder().encode(typeof body === 'string' ? body : metaJsonStringify(body));
      return fetch(`${base}/webhooks/${channel}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signature ?? signMetaBody(bytes, APP_SECRET[channel]),
        },
        body: bytes as BodyInit,
      });
    },
    close: async () => {
      await switchboard.stop();
      await new Promise((resolve) => server.close(resolve));
      await store.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A WhatsApp `messages` webhook of the given message items. */
export function whatsappBody(messages: unknown[]): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE },
              contacts: [{ wa_id: '15551234567', profile: { name: 'Ana' } }],
              messages,
            },
          },
        ],
      },
    ],
  };
}

/** A WhatsApp text message item. */
export function whatsappText(id: string, text = 'hello', timestamp = String(Math.floor(Date.now() / 1000))) {
  return { from: '15551234567', id, timestamp, type: 'text', text: { body: text } };
}

/** A Messenger `page` webhook of the given `messaging[]` items. */
export function messengerBody(messaging: unknown[]): unknown {
  return { object: 'page', entry: [{ id: PAGE, time: Date.now(), messaging }] };
}
