import type {
  AdapterHost,
  ChannelAdapter,
  OutboundMessage,
  SendReceipt,
  WebhookHeaders,
} from '@switchboard/core';
import { SwitchboardError, silentLogger, systemClock } from '@switchboard/core';
import {
  createGraphClient,
  createMetaAccess,
  type GraphClient,
  metaCapabilities,
  verifyMetaChallenge,
} from '@switchboard/meta-graph';
import { resolveWhatsAppConfig, type WhatsAppAdapterConfig } from './config.js';
import { type FlowPublicKeyStatus, getFlowPublicKey, uploadFlowPublicKey } from './flows/public-key.js';
import { createWhatsAppGroups, type WhatsAppGroups } from './groups.js';
import { createProbes, resubscribeWaba } from './health.js';
import {
  type DownloadedMedia,
  type DownloadMediaOptions,
  downloadMedia,
  type MediaStream,
  openMedia,
  type UploadMediaInput,
  uploadMedia,
} from './media.js';
import { WHATSAPP_LIMITS } from './send/limits.js';
import { sendMessage } from './send/send.js';
import { createTemplateApi, type WhatsAppTemplates } from './templates/api.js';
import { checkTemplateSend, noteTemplateRefusal } from './templates/gate.js';
import { parseWhatsAppWebhook, parseWhatsAppWebhookSlices } from './webhook/parse.js';

/** What a token needs to send from and manage a customer's numbers. */
export const WHATSAPP_REQUIRED_SCOPES = ['whatsapp_business_messaging', 'whatsapp_business_management'];

/** The WhatsApp adapter: the `ChannelAdapter` contract plus media and subscription helpers. No `backfill`: the Cloud API has no history. */
export interface WhatsAppAdapter extends ChannelAdapter {
  channel: 'whatsapp';
  accountIds: readonly string[];
  /** Resolves the media id and downloads the file at once, size-capped and hash-checked. */
  downloadMedia(mediaId: string, options?: DownloadMediaOptions): Promise<DownloadedMedia>;
  /** `downloadMedia` as a stream, to pass a file on (a proxy, object storage) without holding it in memory. */
  openMedia(mediaId: string, options?: DownloadMediaOptions): Promise<MediaStream>;
  /** Uploads a file for later sends (`{ type: 'image', mediaId }`); ids live 30 days. */
  uploadMedia(input: UploadMediaInput): Promise<{ mediaId: string }>;
  /** Subscribes our app to a WABA's webhooks again. Accepts a WABA id, or a phone number id (its WABA from `wabaIdByPhoneNumberId`, or the only WABA configured). */
  resubscribe(accountId: string): Promise<void>;
  /** Group management of the adapter's numbers (create, info, settings, invite links, participants). */
  groups: WhatsAppGroups;
  /**
   * Uploads the number's business public key for Flows (a PEM public key, or the private key it is
   * derived from). Do it again after re-registering the number or on a `public-key-missing` alert.
   */
  uploadFlowPublicKey(
    phoneNumberId: string,
    key: string | { privateKey: string; passphrase?: string },
  ): Promise<void>;
  /** The Flow public key Meta holds for the number and its signature status, or `undefined`. */
  getFlowPublicKey(phoneNumberId: string): Promise<FlowPublicKeyStatus | undefined>;
  /** Message template management of a WABA: list, get, create, edit, delete (feeds the engine's template cache). */
  templates: WhatsAppTemplates;
}

/**
 * Creates the WhatsApp Cloud API adapter. Parsing needs only the app secret and verify token;
 * sending, probes and media need the access token. The environment is read only through
 * {@link whatsAppConfigFromEnv}.
 *
 * @example
 * const whatsapp = createWhatsAppAdapter({
 *   appSecrets: [process.env.WHATSAPP_APP_SECRET!],
 *   verifyToken: process.env.WHATSAPP_VERIFY_TOKEN!,
 *   accessToken: process.env.WHATSAPP_ACCESS_TOKEN,
 *   wabaIdByPhoneNumberId: { '106540352242922': '102290129340398' },
 *   appId: '1234567890123456',
 * });
 * // or: createWhatsAppAdapter({ ...whatsAppConfigFromEnv(), logger })
 * const switchboard = createSwitchboard({ adapters: [whatsapp], store });
 */
export function createWhatsAppAdapter(config: WhatsAppAdapterConfig): WhatsAppAdapter {
  const resolved = resolveWhatsAppConfig(config);
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const clientOptions = {
    baseUrl: resolved.graphBaseUrl,
    version: resolved.graphVersion,
    channel: 'whatsapp' as const,
    logger,
    ...(resolved.timeoutMs ? { timeoutMs: resolved.timeoutMs } : {}),
    ...(resolved.mediaHosts ? { mediaHosts: resolved.mediaHosts } : {}),
  };
  const wabaOf = (phoneNumberId: string): string | undefined =>
    access.account(phoneNumberId)?.linkedIds.wabaId ?? resolved.wabaIdByPhoneNumberId[phoneNumberId];
  const access = createMetaAccess({
    // A WABA's own token, else the adapter's: for a number (via its WABA) or a WABA id itself.
    configuredToken: (id) => resolved.accessTokenByWabaId[wabaOf(id) ?? id] ?? resolved.accessToken,
    appSecrets: resolved.appSecrets,
    appsecretProof: true,
    describe: (id) => `WhatsApp account ${id}`,
    ...(resolved.appId ? { appId: resolved.appId } : {}),
    appGraph: clientOptions,
    now: () => clock.now(),
  });
  // A client per account: its token comes from the registry or the configuration on every call.
  const clients = new Map<string, GraphClient>();
  /** The client of a phone number id or WABA id; without one, of the configured `accessToken`. */
  const graph = (accountId = ''): GraphClient => {
    let client = clients.get(accountId);
    if (!client) {
      client = createGraphClient({
        ...clientOptions,
        auth: 'bearer',
        credentials: accountId
          ? () => access.credentials(accountId)
          : async () => {
              if (!resolved.accessToken)
                throw new SwitchboardError(
                  'AUTH_FAILED',
                  'WhatsApp accessToken is not configured (WHATSAPP_ACCESS_TOKEN)',
                );
              const secret = resolved.appSecrets[0];
              return { accessToken: resolved.accessToken, ...(secret ? { appSecret: secret } : {}) };
            },
      });
      clients.set(accountId, client);
    }
    return client;
  };
  let debugClient: GraphClient | undefined;
  const debugGraph = (): GraphClient => {
    const secret = resolved.appSecrets[0];
    if (!resolved.appId || !secret) return graph();
    debugClient ??= createGraphClient({
      ...clientOptions,
      accessToken: `${resolved.appId}|${secret}`,
      auth: 'query',
    });
    return debugClient;
  };

  const wabaFor = (accountId: string): string => {
    if (resolved.wabaIds.includes(accountId)) return accountId;
    const linked = wabaOf(accountId);
    if (linked) return linked;
    if (resolved.wabaIds.length === 1) return resolved.wabaIds[0]!;
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `cannot tell which WABA ${accountId} belongs to: pass a WABA id, or connect the number with linkedIds.wabaId (configured: ${resolved.wabaIds.join(', ') || 'none'})`,
    );
  };

  let host: AdapterHost | undefined;
  const templates = createTemplateApi({ graph, wabaFor, cache: () => host?.templates, clock });
  const gate = {
    cache: () => host?.templates,
    api: templates,
    wabaOf: (id: string) =>
      wabaOf(id) ??
      (resolved.wabaIds.includes(id) ? id : resolved.wabaIds.length === 1 ? resolved.wabaIds[0] : undefined),
    unknownTemplate: resolved.unknownTemplate,
    logger,
    now: () => clock.now(),
  };

  const adapter = {
    channel: 'whatsapp' as const,
    // Sends are confirmed by status webhooks (sent, delivered, read, failed).
    capabilities: metaCapabilities('status'),
    limits: WHATSAPP_LIMITS,
    accountIds: resolved.phoneNumberIds,
    verifyChallenge: (query: URLSearchParams) => verifyMetaChallenge(query, resolved.verifyToken),
    verifySignature: (rawBody: Uint8Array, headers: WebhookHeaders) =>
      access.verifySignature(rawBody, headers.get('x-hub-signature-256')),
    parseWebhook: (rawBody: Uint8Array) => parseWhatsAppWebhook(rawBody, { now: () => clock.now() }),
    parseWebhookSlices: (rawBody: Uint8Array) =>
      parseWhatsAppWebhookSlices(rawBody, { now: () => clock.now() }),
    send: async (message: OutboundMessage): Promise<SendReceipt> => {
      await checkTemplateSend(message, gate);
      try {
        return await sendMessage(() => graph(message.to.accountId), message, clock);
      } catch (error) {
        if (error instanceof SwitchboardError) await noteTemplateRefusal(message, error, gate);
        throw error;
      }
    },
    templates,
    probes: () => createProbes({ config: resolved, graph: () => graph(), debugGraph, clock }),
    downloadMedia: async (mediaId: string, options?: DownloadMediaOptions) =>
      downloadMedia(graph(options?.phoneNumberId), mediaId, resolved.mediaMaxBytes, options),
    openMedia: async (mediaId: string, options?: DownloadMediaOptions) =>
      openMedia(graph(options?.phoneNumberId), mediaId, resolved.mediaMaxBytes, options),
    uploadMedia: async (input: UploadMediaInput) => uploadMedia(graph(input.phoneNumberId), input),
    resubscribe: async (accountId: string) => resubscribeWaba(graph(accountId), wabaFor(accountId)),
    groups: createWhatsAppGroups((phoneNumberId) => graph(phoneNumberId)),
    uploadFlowPublicKey: (phoneNumberId: string, key: string | { privateKey: string; passphrase?: string }) =>
      uploadFlowPublicKey(graph(phoneNumberId), phoneNumberId, key),
    getFlowPublicKey: (phoneNumberId: string) => getFlowPublicKey(graph(phoneNumberId), phoneNumberId),
    inspectToken: (accountId: string) => {
      // A WhatsApp token's granular scopes name WABAs: check coverage only when the number's WABA is known.
      const waba = wabaOf(accountId) ?? (resolved.wabaIds.length === 1 ? resolved.wabaIds[0] : undefined);
      return access.inspectToken(accountId, {
        requiredScopes: WHATSAPP_REQUIRED_SCOPES,
        ...(waba ? { targetIds: [accountId, waba] } : {}),
      });
    },
    attach: (engine: AdapterHost) => {
      host = engine;
      access.attach(engine);
    },
  } satisfies WhatsAppAdapter;
  return adapter;
}
