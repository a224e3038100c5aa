import type { ChannelEvent, HandoverEvent } from '@switchboard/core';
import { formatPath } from '@switchboard/core/internal';
import type { z } from 'zod';
import {
  conversational,
  type ItemContext,
  type ItemResult,
  mapReferral,
  problem,
  userIdOf,
} from './context.js';
import { messengerPlatformKeys as keys } from './keys.js';
import {
  AppRolesPayload,
  DeliveryPayload,
  EditPayload,
  HandoverPayload,
  OptinPayload,
  PostbackPayload,
  ReactionPayload,
  ReadPayload,
  ReferralPayload,
} from './schemas.js';

type Mapper = (ctx: ItemContext, value: unknown) => ItemResult;

/** Validates the payload under `key`, resolves the customer id, then builds the events. */
function mapper<S extends z.ZodType>(
  key: string,
  schema: S,
  build: (ctx: ItemContext, payload: z.output<S>, userId: string, timestamp: number) => ChannelEvent[],
  userIdFrom?: (payload: z.output<S>) => string | undefined,
): Mapper {
  return (ctx, value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        events: [],
        problems: [
          problem(ctx, `${key}: ${issue?.message ?? 'invalid'}`, formatPath(issue?.path ?? [], `.${key}`)),
        ],
      };
    }
    const userId = userIdOf(ctx) ?? userIdFrom?.(parsed.data);
    if (userId === undefined)
      return { events: [], problems: [problem(ctx, `${key} without a sender id`, '.sender')] };
    return { events: build(ctx, parsed.data, userId, ctx.base.timestamp ?? ctx.entryTime), problems: [] };
  };
}

const standbyFlag = (ctx: ItemContext) => (ctx.standby ? { standby: true } : {});

const reaction = mapper('reaction', ReactionPayload, (ctx, r, userId, ts) => [
  {
    kind: 'reaction',
    ...conversational(ctx, userId, ts),
    key: keys.reaction(ctx.channel, r.mid, userId, r.action, ts),
    messageId: r.mid,
    action: r.action,
    direction: ctx.base.sender?.id === ctx.accountId ? 'outbound' : 'inbound',
    ...(r.emoji === undefined ? {} : { emoji: r.emoji }),
    ...(r.reaction === undefined ? {} : { reaction: r.reaction }),
  },
]);

const postback = mapper('postback', PostbackPayload, (ctx, p, userId, ts) => [
  {
    kind: 'postback',
    ...conversational(ctx, userId, ts),
    key: keys.postback(ctx.channel, ctx.accountId, userId, ts, p.mid),
    ...(p.payload === undefined ? {} : { payload: p.payload }),
    ...(p.title === undefined ? {} : { title: p.title }),
    ...(p.mid === undefined ? {} : { messageId: p.mid }),
    ...(p.referral ? { referral: mapReferral(p.referral) } : {}),
    ...standbyFlag(ctx),
  },
]);

const referral = mapper('referral', ReferralPayload, (ctx, r, userId, ts) => [
  {
    kind: 'referral',
    ...conversational(ctx, userId, ts),
    key: keys.referral(ctx.channel, ctx.accountId, userId, ts),
    referral: mapReferral(r),
  },
]);

// Meta's own delivery example has no timestamp: the watermark is the best event time.
const delivery: Mapper = (ctx, value) =>
  mapper('delivery', DeliveryPayload, (c, d, userId) => {
    const mids = d.mids ?? [];
    return [
      {
        kind: 'delivery',
        ...conversational(c, userId, c.base.timestamp ?? d.watermark),
        key: keys.delivery(c.channel, c.accountId, userId, d.watermark, mids),
        messageIds: mids,
        watermark: d.watermark,
        ...standbyFlag(c),
      },
    ];
  })(ctx, value);

const read = mapper('read', ReadPayload, (ctx, r, userId, ts) => [
  {
    kind: 'read',
    ...conversational(ctx, userId, ts),
    key:
      r.mid !== undefined
        ? keys.readMessage(ctx.channel, r.mid, userId)
        : keys.readWatermark(ctx.channel, ctx.accountId, userId, r.watermark ?? ts),
    ...(r.watermark === undefined ? {} : { watermark: r.watermark }),
    ...(r.mid === undefined ? {} : { messageId: r.mid }),
    ...standbyFlag(ctx),
  },
]);

const edit = mapper('message_edit', EditPayload, (ctx, e, userId, ts) => [
  {
    kind: 'edit',
    ...conversational(ctx, userId, ts),
    key: keys.edit(ctx.channel, e.mid, userId, ts, e.num_edit),
    messageId: e.mid,
    ...(e.text === undefined ? {} : { text: e.text }),
    ...(e.num_edit === undefined ? {} : { editCount: e.num_edit }),
  },
]);

const optin = mapper(
  'optin',
  OptinPayload,
  (ctx, o, userId, ts) => [
    {
      kind: 'optin',
      ...conversational(ctx, userId, ts),
      key: keys.optin(ctx.channel, ctx.accountId, userId, ts, o.type ?? 'plugin'),
      ...(o.type === undefined ? {} : { optinType: o.type }),
      ...(o.payload === undefined ? {} : { payload: o.payload }),
      ...(o.ref === undefined ? {} : { ref: o.ref }),
      ...(o.notification_messages_token === undefined ? {} : { token: o.notification_messages_token }),
      ...(o.notification_messages_status === undefined ? {} : { status: o.notification_messages_status }),
      ...(o.notification_messages_frequency === undefined
        ? {}
        : { frequency: o.notification_messages_frequency }),
      ...(o.title === undefined ? {} : { title: o.title }),
      ...(o.token_expiry_timestamp === undefined ? {} : { tokenExpiresAt: o.token_expiry_timestamp }),
    },
  ],
  (o) => o.user_ref,
);

const handover = (action: HandoverEvent['action'] & string): Mapper =>
  mapper(action, HandoverPayload, (ctx, h, userId, ts) => [
    {
      kind: 'handover',
      ...conversational(ctx, userId, ts),
      key: keys.handover(ctx.channel, ctx.accountId, userId, action, ts),
      action,
      ...(h.previous_owner_app_id === undefined ? {} : { previousOwnerAppId: h.previous_owner_app_id }),
      ...(h.new_owner_app_id === undefined ? {} : { newOwnerAppId: h.new_owner_app_id }),
      ...(h.requested_owner_app_id === undefined ? {} : { requestedOwnerAppId: h.requested_owner_app_id }),
      ...(h.metadata === undefined ? {} : { metadata: h.metadata }),
    },
  ]);

// app_roles is about the Page, not a conversation: it has no customer, so it is an account event.
const appRoles: Mapper = (ctx, value) => {
  const parsed = AppRolesPayload.safeParse(value);
  if (!parsed.success)
    return { events: [], problems: [problem(ctx, 'app_roles: expected { appId: roles[] }', '.app_roles')] };
  const ts = ctx.base.timestamp ?? ctx.entryTime;
  return {
    events: [
      {
        kind: 'account',
        channel: ctx.channel,
        accountId: ctx.accountId,
        timestamp: ts,
        source: 'webhook',
        raw: ctx.raw,
        key: keys.handover(ctx.channel, ctx.accountId, '-', 'app_roles', ts),
        field: 'messaging_handovers',
        event: 'app_roles',
        data: parsed.data,
      },
    ],
    problems: [],
  };
};

/** Item keys in the order they are recognised; the first present key decides the kind. */
export const ITEM_MAPPERS: ReadonlyArray<readonly [string, Mapper]> = [
  ['message_edit', edit],
  ['reaction', reaction],
  ['postback', postback],
  ['delivery', delivery],
  ['read', read],
  ['optin', optin],
  ['pass_thread_control', handover('pass_thread_control')],
  ['take_thread_control', handover('take_thread_control')],
  ['request_thread_control', handover('request_thread_control')],
  ['app_roles', appRoles],
  ['referral', referral],
];
