import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';

/** App ids of Meta's own inboxes, the usual targets of a pass to humans (Conversation Routing). */
export const META_INBOX_APP_IDS = {
  /** Page Inbox / Meta Business Suite (Messenger). */
  pageInbox: '263902037430900',
  /** Instagram Inbox. */
  instagramInbox: '1217981644879628',
} as const;

/** Longest ownership `extend` may ask for: 7 days. */
export const THREAD_CONTROL_MAX_EXTEND_SECONDS = 7 * 24 * 60 * 60;

/** Who holds a conversation (`GET /{page-id}/thread_owner`). */
export interface ThreadOwner {
  /** The owning app; Meta shows it only to the owner and the default app, so it may be absent. */
  appId?: string;
  /** Epoch ms when ownership lapses without activity (24 h, extendable to 7 days). */
  expiresAt?: number;
  /** No app owns the thread (idle): only the default app may send. */
  idle: boolean;
  /** `appId` is the app this adapter speaks for (`appId` of its config); undefined when that is unknown. */
  ownedByThisApp?: boolean;
}

/** Which Conversation Routing features the Page has (`GET /me?fields=messaging_feature_status`). */
export interface MessagingFeatureStatus {
  /** Handover v2 / Conversation Routing on Messenger. */
  hopV2?: boolean;
  /** Several apps may serve Messenger conversations. */
  messengerMultiApp?: boolean;
  /** Several apps may serve Instagram conversations. */
  instagramMultiApp?: boolean;
  raw: Record<string, unknown>;
}

/** The thread-control calls (Messenger Conversation Routing; Instagram uses the same Page-node edges). */
export interface ThreadControlOptions {
  /** Free string delivered to the other app in its `messaging_handovers` webhook (your correlation id). */
  metadata?: string;
}

const Success = z.looseObject({ success: z.boolean() });
const OwnerResponse = z.looseObject({
  data: z.array(
    z.looseObject({
      thread_owner: z
        .looseObject({
          app_id: z.union([z.string(), z.number()]).transform(String).optional(),
          expiration: z.union([z.number(), z.string()]).optional(),
        })
        .optional(),
    }),
  ),
});
const FeatureResponse = z.looseObject({
  messaging_feature_status: z.record(z.string(), z.unknown()).optional(),
});

const METADATA_MAX = 1000;

function checked(userId: string, options: ThreadControlOptions | undefined): Record<string, unknown> {
  if (!userId)
    throw new SwitchboardError('INVALID_REQUEST', 'thread control needs the user id (PSID / IGSID)');
  const metadata = options?.metadata;
  if (metadata !== undefined && metadata.length > METADATA_MAX)
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `thread control metadata is longer than ${METADATA_MAX} characters`,
    );
  return { recipient: { id: userId }, ...(metadata === undefined ? {} : { metadata }) };
}

async function call(
  client: GraphClient,
  path: string,
  body: unknown,
  params?: Record<string, string | number>,
) {
  const { data } = await client.post(path, body, Success, params);
  if (!data.success)
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `Graph answered success: false to ${path.replace(/^\/[^/]+/, '')}`,
    );
}

/** Epoch ms from Meta's `expiration` (seconds or ms, number or string). */
function expirationMs(value: number | string | undefined): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  return n < 1e12 ? n * 1000 : n;
}

/**
 * Thread control on one Page / Instagram account (`node` is the Page id, or the IG account id on
 * graph.instagram.com). Every call resolves once Meta said `success: true` and throws a classified error
 * otherwise: `(#27)` take without Conversation Routing → NOT_SUPPORTED, not owner → THREAD_NOT_OWNED.
 */
export function createThreadControl(client: GraphClient, node: string, thisAppId?: string) {
  return {
    /** Hands the conversation to `targetAppId` (e.g. `META_INBOX_APP_IDS.pageInbox` for humans). */
    async pass(userId: string, targetAppId: string, options?: ThreadControlOptions): Promise<void> {
      if (!targetAppId) throw new SwitchboardError('INVALID_REQUEST', 'pass needs the target app id');
      await call(client, `/${node}/pass_thread_control`, {
        ...checked(userId, options),
        target_app_id: targetAppId,
      });
    },
    /** Takes the conversation from its owner (needs Conversation Routing with a default app / takeover on). */
    async take(userId: string, options?: ThreadControlOptions): Promise<void> {
      await call(client, `/${node}/take_thread_control`, checked(userId, options));
    },
    /** Asks the owner to pass the conversation (only where Conversation Routing is not enabled). */
    async request(userId: string, options?: ThreadControlOptions): Promise<void> {
      await call(client, `/${node}/request_thread_control`, checked(userId, options));
    },
    /** Gives the conversation up: it becomes idle (no webhook is sent for a release). */
    async release(userId: string): Promise<void> {
      await call(client, `/${node}/release_thread_control`, checked(userId, undefined));
    },
    /** Keeps ownership for `seconds` more (Meta: up to 7 days; ownership otherwise lapses after 24 h idle). */
    async extend(userId: string, seconds: number): Promise<void> {
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > THREAD_CONTROL_MAX_EXTEND_SECONDS)
        throw new SwitchboardError(
          'INVALID_REQUEST',
          `extend takes 1 to ${THREAD_CONTROL_MAX_EXTEND_SECONDS} whole seconds, not ${seconds}`,
        );
      await call(client, `/${node}/extend_thread_control`, checked(userId, undefined), { duration: seconds });
    },
    /** The current owner of the conversation. */
    async owner(userId: string): Promise<ThreadOwner> {
      if (!userId) throw new SwitchboardError('INVALID_REQUEST', 'thread_owner needs the user id');
      const { data } = await client.get(`/${node}/thread_owner`, OwnerResponse, { recipient: userId });
      const owner = data.data[0]?.thread_owner;
      if (!owner || (owner.app_id === undefined && owner.expiration === undefined)) return { idle: true };
      const expiresAt = expirationMs(owner.expiration);
      return {
        idle: false,
        ...(owner.app_id === undefined ? {} : { appId: owner.app_id }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(thisAppId === undefined || owner.app_id === undefined
          ? {}
          : { ownedByThisApp: owner.app_id === thisAppId }),
      };
    },
    /** Which routing features the Page has, to choose between take and request. */
    async featureStatus(): Promise<MessagingFeatureStatus> {
      const { data } = await client.get(`/${node}`, FeatureResponse, { fields: 'messaging_feature_status' });
      const raw = data.messaging_feature_status ?? {};
      const flag = (key: string) =>
        typeof raw[key] === 'boolean' ? { value: raw[key] as boolean } : undefined;
      const hop = flag('hop_v2');
      const msgr = flag('msgr_multi_app');
      const ig = flag('ig_multi_app');
      return {
        raw,
        ...(hop ? { hopV2: hop.value } : {}),
        ...(msgr ? { messengerMultiApp: msgr.value } : {}),
        ...(ig ? { instagramMultiApp: ig.value } : {}),
      };
    },
  };
}

export type ThreadControl = ReturnType<typeof createThreadControl>;
