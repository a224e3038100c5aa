import { factoryOf } from './accounts.js';
import { authenticate } from './auth.js';
import type { GraphRequest, GraphResponse, SimContext } from './context.js';
import {
  handleAppSubscriptions,
  handleDebugToken,
  handleProfileNode,
  handleSubscribedApps,
} from './graph/admin.js';
import { handleCommentModeration, handleCommentNode, handleCommentReply } from './graph/comments.js';
import { handleConversationList, handleConversationNode, handleMessageNode } from './graph/conversations.js';
import { handleAttachmentUpload, handleMessagingSend } from './graph/messaging-send.js';
import { handleMessengerProfile } from './graph/messenger-profile.js';
import {
  handleInstagramExchange,
  handleInstagramRefresh,
  handleMeAccounts,
  handleOAuthAccessToken,
} from './graph/oauth.js';
import {
  customerForToken,
  handlePersonaList,
  handlePersonaNode,
  handleUserProfile,
  personaOf,
} from './graph/people.js';
import { handleThreadControl } from './graph/routing.js';
import {
  handleMediaNode,
  handleMediaUpload,
  handlePhoneNode,
  handleWabaNode,
} from './graph/whatsapp-account.js';
import { handleFlowPublicKey } from './graph/whatsapp-flow-key.js';
import { handleGroupNode, handlePhoneGroups } from './graph/whatsapp-groups.js';
import {
  handlePhoneWebhookConfiguration,
  handleRegister,
  handleWabaSubscribedApps,
} from './graph/whatsapp-onboarding.js';
import { handleWhatsAppSend } from './graph/whatsapp-send.js';
import { handleTemplateNode, handleWabaTemplates } from './graph/whatsapp-templates.js';
import { GraphError, objectMissing, unknownPath } from './graph-error.js';
import { groupsOf } from './groups.js';
import { templateState } from './templates.js';
import type { SimChannel, SimToken } from './types.js';
import { indexOf } from './world-index.js';

/** What the usage headers of a response are about. */
export interface UsageTarget {
  objectId?: string;
  type: string;
  appToken: boolean;
  throttledForMs: number;
}

type ObjectKind =
  | 'page'
  | 'instagram'
  | 'phone'
  | 'waba'
  | 'app'
  | 'conversation'
  | 'message'
  | 'media'
  | 'group'
  | 'comment'
  | 'user'
  | 'template'
  | 'customer'
  | 'persona';

function resolve(
  ctx: SimContext,
  id: string,
  token: SimToken,
): { kind: ObjectKind; channel?: SimChannel; accountId?: string; usageId: string } {
  const { world } = ctx.state;
  const index = indexOf(world);
  if (index.pages.has(id)) return { kind: 'page', channel: 'messenger', accountId: id, usageId: id };
  if (index.instagram.has(id)) return { kind: 'instagram', channel: 'instagram', accountId: id, usageId: id };
  const phone = index.phones.get(id);
  if (phone) return { kind: 'phone', channel: 'whatsapp', accountId: id, usageId: phone.wabaId };
  if (index.wabas.has(id)) return { kind: 'waba', channel: 'whatsapp', usageId: id };
  if (id === world.app.id) return { kind: 'app', usageId: id };
  const conv = ctx.state.conversationsById.get(id);
  if (conv)
    return {
      kind: 'conversation',
      channel: conv.channel,
      accountId: conv.accountId,
      usageId: conv.accountId,
    };
  const msg = ctx.state.messages.get(id);
  if (msg)
    return {
      kind: 'message',
      channel: msg.conversation.channel,
      accountId: msg.conversation.accountId,
      usageId: msg.conversation.accountId,
    };
  const media = ctx.state.media.get(id);
  if (media)
    return {
      kind: 'media',
      channel: 'whatsapp',
      accountId: media.phoneNumberId,
      usageId: media.phoneNumberId,
    };
  const group = groupsOf(ctx.state).get(id);
  if (group)
    return {
      kind: 'group',
      channel: 'whatsapp',
      accountId: group.phoneNumberId,
      usageId: group.phoneNumberId,
    };
  const comment = ctx.comments.comments.get(id);
  if (comment)
    return {
      kind: 'comment',
      channel: comment.channel,
      accountId: comment.accountId,
      usageId: comment.accountId,
    };
  if (id === token.profileId) return { kind: 'user', usageId: id };
  const template = templateState(ctx.state).byId.get(id);
  if (template) return { kind: 'template', channel: 'whatsapp', usageId: template.wabaId };
  if (personaOf(ctx, id)) return { kind: 'persona', usageId: id };
  const customer = customerForToken(ctx, token, id);
  if (customer)
    return {
      kind: 'customer',
      channel: customer.channel,
      accountId: customer.accountId,
      usageId: customer.accountId,
    };
  throw objectMissing(id);
}

function checkStorm(
  ctx: SimContext,
  channel: SimChannel | undefined,
  accountId: string | undefined,
  usage: UsageTarget,
): void {
  if (!channel) return;
  const candidates: Array<[SimChannel, string | undefined]> = [[channel, accountId]];
  const linked = accountId ? indexOf(ctx.state.world).pages.get(accountId)?.instagramId : undefined;
  if (linked) candidates.push(['instagram', linked]);
  for (const [ch, acc] of candidates) {
    const storm = ctx.faults.find('rate-limit-storm', ch, acc);
    if (!storm) continue;
    usage.throttledForMs =
      storm.endsAt !== undefined ? Math.max(1000, storm.endsAt - ctx.clock.now()) : 60 * 60_000;
    const wa = ch === 'whatsapp';
    const code = storm.code ?? (wa ? 130429 : 613);
    ctx.usage.countThrottled(code);
    const message = wa
      ? `(#${code}) Rate limit hit`
      : `(#${code}) Calls to this api have exceeded the rate limit.`;
    throw new GraphError(storm.httpStatus ?? 429, code, message, {
      ...(storm.subcode !== undefined ? { subcode: storm.subcode } : {}),
      ...(wa
        ? {
            errorData: {
              messaging_product: 'whatsapp',
              details: 'Cloud API message throughput has been reached.',
            },
          }
        : {}),
    });
  }
}

const THREAD_CONTROL_EDGES = new Set([
  'pass_thread_control',
  'take_thread_control',
  'request_thread_control',
  'release_thread_control',
  'extend_thread_control',
  'thread_owner',
]);

const USAGE_TYPE: Record<SimChannel, string> = {
  messenger: 'pages',
  instagram: 'instagram',
  whatsapp: 'whatsapp_business_api',
};

/** Dispatches a Graph API request to its handler (path already stripped of `/vNN.0`). */
export function routeGraph(
  ctx: SimContext,
  req: GraphRequest,
  usage: UsageTarget,
): GraphResponse | Promise<GraphResponse> {
  const [first, edge, ...rest] = req.segments;
  if (!first) throw unknownPath('/');
  if (rest.length > 0) throw unknownPath(`/${rest.join('/')}`);
  // OAuth endpoints authenticate with client credentials or the token being exchanged.
  const factory = factoryOf(ctx.state);
  if (first === 'oauth' && edge === 'access_token') return handleOAuthAccessToken(ctx, req, factory);
  if (first === 'access_token' && !edge) return handleInstagramExchange(ctx, req, factory);
  if (first === 'refresh_access_token' && !edge) return handleInstagramRefresh(ctx, req, factory);
  const token = authenticate(req, ctx.state, ctx.clock.now());
  usage.appToken = token.type === 'APP';
  if (first === 'debug_token' && !edge) return handleDebugToken(ctx, req);
  const id = first === 'me' ? token.profileId : first;
  const obj = resolve(ctx, id, token);
  usage.objectId = obj.usageId;
  if (obj.channel) usage.type = USAGE_TYPE[obj.channel];
  // App tokens count against the app's platform limit only; Page and system-user tokens also against
  // the object's BUC limit (reference §1.4).
  ctx.usage.admit(ctx.state.world.app.id, usage.appToken ? undefined : obj.usageId, usage.type);
  checkStorm(ctx, obj.channel, obj.accountId ?? id, usage);
  const m = req.method;
  const unsupported = () =>
    new GraphError(
      400,
      100,
      `Unsupported ${m.toLowerCase()} request. Object with ID '${id}' does not support this operation.`,
      { subcode: 33, type: 'GraphMethodException' },
    );
  switch (obj.kind) {
    case 'page':
    case 'instagram':
      if (!edge && m === 'GET') return handleProfileNode(ctx, req, token, id);
      if (edge === 'messages' && m === 'POST') return handleMessagingSend(ctx, req, token, id);
      if (edge === 'conversations' && m === 'GET') return handleConversationList(ctx, req, token, id);
      if (edge === 'subscribed_apps') return handleSubscribedApps(ctx, req, token, id);
      if (edge === 'message_attachments' && m === 'POST') return handleAttachmentUpload(ctx, req, token, id);
      if (edge === 'messenger_profile') return handleMessengerProfile(ctx, req, token, id);
      if (edge && THREAD_CONTROL_EDGES.has(edge)) return handleThreadControl(ctx, req, token, id, edge);
      if (edge === 'personas' && obj.kind === 'page') return handlePersonaList(ctx, req, token, id);
      break;
    case 'customer': {
      const customer = customerForToken(ctx, token, id);
      if (!edge && m === 'GET' && customer) return handleUserProfile(ctx, req, customer);
      break;
    }
    case 'persona':
      if (!edge) return handlePersonaNode(ctx, req, token, id);
      break;
    case 'phone': {
      const phone = indexOf(ctx.state.world).phones.get(id);
      if ((edge === 'register' || edge === 'deregister') && m === 'POST')
        return handleRegister(ctx, req, token, id, edge);
      if (!edge && m === 'GET' && phone) return handlePhoneNode(ctx, req, token, phone);
      if (!edge && m === 'POST') return handlePhoneWebhookConfiguration(ctx, req, token, id);
      if (edge === 'messages' && m === 'POST') return handleWhatsAppSend(ctx, req, token, id);
      if (edge === 'media' && m === 'POST') return handleMediaUpload(ctx, req, token, id);
      if (edge === 'groups' && (m === 'GET' || m === 'POST')) return handlePhoneGroups(ctx, req, token, id);
      if (edge === 'whatsapp_business_encryption' && (m === 'GET' || m === 'POST'))
        return handleFlowPublicKey(ctx, req, token, id);
      break;
    }
    case 'waba':
      if (edge === 'subscribed_apps') return handleWabaSubscribedApps(ctx, req, token, id);
      if (edge === 'message_templates') return handleWabaTemplates(ctx, req, token, id);
      if (m === 'GET' && (!edge || edge === 'phone_numbers'))
        return handleWabaNode(ctx, req, token, id, edge);
      break;
    case 'app':
      if (!edge && m === 'GET') return handleProfileNode(ctx, req, token, id);
      if (edge === 'subscriptions' && m === 'GET') return handleAppSubscriptions(ctx, token);
      break;
    case 'conversation': {
      const conv = ctx.state.conversationsById.get(id);
      if (conv && m === 'GET') return handleConversationNode(ctx, req, token, conv, edge);
      break;
    }
    case 'message':
      if (!edge && m === 'GET') return handleMessageNode(ctx, req, token, id);
      break;
    case 'media':
      if (!edge) return handleMediaNode(ctx, req, token, id);
      break;
    case 'group': {
      const handled = handleGroupNode(ctx, req, token, id, edge);
      if (handled) return handled;
      break;
    }
    case 'template':
      if (!edge) return handleTemplateNode(ctx, req, token, id);
      break;
    case 'comment':
      if (!edge && m === 'GET') return handleCommentNode(ctx, token, id);
      if (!edge && (m === 'POST' || m === 'DELETE')) return handleCommentModeration(ctx, req, token, id);
      if ((edge === 'comments' || edge === 'replies') && m === 'POST')
        return handleCommentReply(ctx, req, token, id, edge);
      break;
    case 'user':
      if (!edge && m === 'GET') return handleProfileNode(ctx, req, token, id);
      if (edge === 'accounts' && m === 'GET') return handleMeAccounts(ctx, req, token, factory);
      break;
  }
  if (edge) throw unknownPath(`/${edge}`);
  throw unsupported();
}
