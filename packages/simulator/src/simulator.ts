import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@switchboard/core';
import { GRAPH_API_VERSION } from '@switchboard/meta-graph/wire';
import { AccountFactory, createAccountsApi, type SimAccounts } from './accounts.js';
import { accountsControl } from './accounts-control.js';
import { answerCallPermission, type CallPermissionAnswer } from './call-permissions.js';
import { CommentBook } from './comments.js';
import { createSimComments, type SimComments } from './comments-api.js';
import type { SimContext } from './context.js';
import { createControl } from './control.js';
import { customerSends } from './customer.js';
import { FaultRegistry } from './faults.js';
import { createFaultsApi, type SimFaults } from './faults-api.js';
import { completeFlow, type FlowCompletion } from './flow-completions.js';
import { createGroupsApi, type SimGroups } from './groups.js';
import { type HandshakeResult, verifyWebhookTarget } from './handshake.js';
import { createOnboarding, publishPartnerEvent, type SimOnboarding } from './onboarding.js';
import { businessReplies } from './outbound.js';
import { createPeopleApi, createThreadsApi, type SimPeople, type SimThreads } from './people-control.js';
import { createPrng, randomAlnum } from './prng.js';
import { createSimServer } from './server.js';
import { SimState } from './state.js';
import { createTemplatesApi, type SimTemplates, templatesControl } from './templates-api.js';
import { TrafficGenerator } from './traffic.js';
import { TruthLedger } from './truth.js';
import type {
  BusinessSend,
  CustomerSendInput,
  MetaSimulatorOptions,
  SimChannel,
  SimCustomer,
  SimWorld,
  TrafficOptions,
  TruthRecord,
} from './types.js';
import { type SimGraphUsage, UsageMeter } from './usage.js';
import { WebhookSender } from './webhooks.js';
import { createWorld } from './world.js';
import { indexOf } from './world-index.js';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** One channel account with what a test needs to use it. */
export interface SimAccount {
  channel: SimChannel;
  /** Page id / IG account id / phone_number_id. */
  accountId: string;
  /** Token to send with (Page token, IG Login token for unlinked IG accounts, system-user token). */
  token: string;
  customers: SimCustomer[];
}

/** A running simulator (see `startMetaSimulator`). */
export interface MetaSimulator {
  /** `http://127.0.0.1:<port>` — use as `graphBaseUrl` (paths accept any `/vNN.0` prefix). */
  url: string;
  /** The bearer token `/_sim/*` requires; `undefined` on a loopback listener without one. */
  controlToken: string | undefined;
  /** `${url}/${GRAPH_API_VERSION}` */
  graphUrl: string;
  port: number;
  clock: Clock;
  world: SimWorld;
  /** The n-th account of a channel (default the first). */
  account(channel: SimChannel, index?: number): SimAccount;
  /** A simulated customer acts; returns the ground-truth record of the webhook event. */
  customerSends(input: CustomerSendInput): TruthRecord;
  /** What the business sent through the Graph API (ground truth of outbound). */
  businessSends(filter?: { channel?: SimChannel; accountId?: string; userId?: string }): BusinessSend[];
  truth: TruthLedger;
  /**
   * Whether the Conversations API still details a message: one of the newest 20 of its conversation,
   * not deleted (what a backfill can still recover).
   */
  isDetailed(messageId: string): boolean;
  faults: SimFaults;
  /** Posts and comments: customers comment, the business replies publicly / privately and moderates. */
  comments: SimComments;
  /** Graph calls counted, throttled (by error code) and the peak usage percentages reported. */
  graphUsage(): SimGraphUsage;
  /** Pages, Instagram accounts and WABAs created and removed at runtime (also `/_sim/accounts`). */
  accounts: SimAccounts;
  /** The customer side of Embedded Signup, Facebook Login and Instagram Login (also `/_sim/onboarding/*`). */
  onboarding: SimOnboarding;
  /** Meta's side of template review: approve, reject, pause, rate (also `/_sim/templates`). */
  templates: SimTemplates;
  /** Conversation Routing as other apps drive it: take, pass, request threads. */
  threads: SimThreads;
  /** Profile API state, plugin references (`user_ref`) and people who never wrote. */
  people: SimPeople;
  traffic: { start(options: TrafficOptions): void; stop(): void };
  /** WhatsApp groups created through the Graph API, and their participants' side. */
  groups: SimGroups;
  /** A customer answers the business's latest WhatsApp call permission request. */
  answerCallPermission(input: CallPermissionAnswer): TruthRecord;
  /** A customer submits the business's latest WhatsApp Flow (an `nfm_reply` carrying its flow_token). */
  completeFlow(input: FlowCompletion): TruthRecord;
  /** Sends Meta's verification GET to the channel's webhook target; `ok` when the challenge is echoed. */
  verifyWebhook(channel: SimChannel): Promise<HandshakeResult>;
  /** Changes (or removes) a channel's webhook target URL. */
  setWebhook(channel: SimChannel, url: string | undefined): void;
  /** Resolves when no webhook POST is in flight and nothing is queued for delivery now. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a fake Meta platform on 127.0.0.1: Graph API, signed webhooks, faults and ground truth.
 *
 * @example
 * const clock = new ManualClock();
 * const sim = await startMetaSimulator({ clock, webhooks: { messenger: 'http://127.0.0.1:3000/webhooks/messenger' } });
 * const ev = sim.customerSends({ channel: 'messenger', kind: 'text', text: 'Bonjour 👋' });
 * await sim.idle();
 * console.log(sim.truth.summary().delivered);
 * await sim.stop();
 */
export async function startMetaSimulator(options: MetaSimulatorOptions = {}): Promise<MetaSimulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const world = createWorld(options.seed, options.world, clock.now());
  const host = options.host ?? '127.0.0.1';
  const controlToken = options.controlToken ?? (isLoopback(host) ? undefined : randomAlnum(32));
  const state = new SimState(world, seed, clock.now(), options.world?.windowsOpen ?? true);
  const truth = new TruthLedger();
  const faults = new FaultRegistry(clock, createPrng(seed + 2));
  const targets: Partial<Record<SimChannel, string>> = { ...options.webhooks };
  const sender = new WebhookSender({
    clock,
    state,
    truth,
    faults,
    targets,
    batchWindowMs: options.batch?.windowMs ?? 0,
    maxEvents: options.batch?.maxEvents ?? 50,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const ctx: SimContext = {
    clock,
    state,
    truth,
    faults,
    sender,
    usage: new UsageMeter(clock, options.rateLimits),
    rng: createPrng(seed + 4),
    baseUrl: '',
    targets,
    statusDelays: { sent: 100, delivered: 1000, read: 5000, ...options.statusDelaysMs },
    conversationsRateLimit: options.conversationsRateLimit ?? 2,
    comments: new CommentBook(seed),
    ...(options.logger ? { logger: options.logger } : {}),
    publish(input) {
      const record = truth.add({ ...input, createdAt: clock.now() });
      sender.emit(record);
      return record;
    },
  };
  const factory = new AccountFactory(
    state,
    clock,
    options.seed,
    options.world?.windowsOpen ?? true,
    (wabaId) => {
      const waba = indexOf(world).wabas.get(wabaId);
      publishPartnerEvent(ctx, wabaId, {
        event: 'PARTNER_REMOVED',
        waba_info: { waba_id: wabaId, owner_business_id: waba?.businessId ?? '' },
        disconnection_info: { reason: 'Business removed the partner', initiated_by: 'USER' },
      });
    },
  );
  const accounts = createAccountsApi(factory, state);
  const onboarding = createOnboarding(ctx, factory);
  const contentRng = createPrng(seed + 1);
  const send = (input: CustomerSendInput) => customerSends(ctx, contentRng, input);
  const latest = (channel: SimChannel, accountId: string, userId: string): string | undefined => {
    if (channel === 'whatsapp') {
      return [...state.waInbound]
        .reverse()
        .find(([, v]) => v.phoneNumberId === accountId && v.userId === userId)?.[0];
    }
    const messages = state.conversations.get(state.windowKey(channel, accountId, userId))?.messages ?? [];
    return messages.filter((m) => !m.deleted).at(-1)?.id;
  };
  const traffic = new TrafficGenerator(clock, createPrng(seed + 3), world, {
    customer: send,
    business: (input) => businessReplies(ctx, input),
    latest,
  });
  const faultsApi = createFaultsApi(ctx);
  const verify = async (channel: SimChannel): Promise<HandshakeResult> => {
    const target = targets[channel];
    if (!target) throw new Error(`no webhook target for ${channel}`);
    return verifyWebhookTarget(world, target, ctx.rng.digits(10), options.webhookTimeoutMs ?? 5000);
  };
  const comments = createSimComments(ctx);
  const control = createControl(ctx, faultsApi, traffic, send, verify, comments);
  const templates = createTemplatesApi(ctx, options.templateReviewMs ?? 2000);
  const server = createSimServer(
    () => ctx,
    async (method, segments, query, body) =>
      accountsControl(accounts, onboarding, method, segments, body) ??
      templatesControl(templates, method, segments, query, body) ??
      control(method, segments, query, body),
    controlToken,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  /** A number sends with its WABA's newest working business token (the default world's: the system user's). */
  const businessTokenOf = (wabaId: string): string | undefined => {
    const index = indexOf(world);
    const businessId = index.wabas.get(wabaId)?.businessId;
    if (!businessId) return world.systemUserToken;
    const tokens = index.tokensByProfile.get(businessId) ?? [];
    return tokens.filter((t) => t.revokedSubcode === undefined).at(-1)?.token;
  };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = url;
  if (options.traffic) traffic.start(options.traffic);

  return {
    url,
    controlToken,
    graphUrl: `${url}/${GRAPH_API_VERSION}`,
    port,
    clock,
    world,
    account(channel, index = 0) {
      const found =
        channel === 'messenger'
          ? world.pages[index]
          : channel === 'instagram'
            ? world.instagram[index]
            : world.phoneNumbers[index];
      const token = !found
        ? undefined
        : 'accessToken' in found
          ? found.accessToken
          : businessTokenOf(found.wabaId);
      if (!found || !token) throw new Error(`no ${channel} account #${index}`);
      return {
        channel,
        accountId: found.id,
        token,
        customers: [...indexOf(world).customersOf(channel, found.id)],
      };
    },
    customerSends: send,
    businessSends: (filter = {}) =>
      state.sends.filter(
        (s) =>
          (!filter.channel || s.channel === filter.channel) &&
          (!filter.accountId || s.accountId === filter.accountId) &&
          (!filter.userId || s.userId === filter.userId),
      ),
    truth,
    isDetailed: (messageId) => state.isDetailed(messageId),
    faults: faultsApi,
    comments,
    graphUsage: () => ctx.usage.summary(world.app.id),
    accounts,
    onboarding,
    templates,
    threads: createThreadsApi(ctx),
    people: createPeopleApi(ctx),
    traffic: { start: (o) => traffic.start(o), stop: () => traffic.stop() },
    groups: createGroupsApi(ctx),
    answerCallPermission: (input) => answerCallPermission(ctx, input),
    completeFlow: (input) => completeFlow(ctx, input),
    verifyWebhook: verify,
    setWebhook: (channel, target) => sender.setTarget(channel, target),
    idle: () => sender.idle(),
    async stop() {
      traffic.stop();
      sender.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
