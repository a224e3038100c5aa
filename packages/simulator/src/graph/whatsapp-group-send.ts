import type { GraphResponse, SimContext } from '../context.js';
import { waError } from '../graph-error.js';
import { activeGroup, seconds } from '../groups.js';
import type { BusinessSend } from '../types.js';

/** Groups take text, media and templates only (reference §7.1). */
const GROUP_TYPES = new Set(['text', 'image', 'video', 'audio', 'document', 'sticker', 'template']);
const M = { messaging_product: 'whatsapp' } as const;

/** A send with `recipient_type: "group"`: checked against the group, recorded, statuses per participant. */
export function sendToGroup(
  ctx: SimContext,
  phoneId: string,
  type: string,
  p: Record<string, unknown>,
): GraphResponse {
  const groupId = typeof p.to === 'string' ? p.to : '';
  const group = activeGroup(ctx.state, groupId);
  if (!group || group.phoneNumberId !== phoneId)
    throw waError(131041, 'Group not found', `Group ${groupId} does not belong to this phone number`, 404);
  if (group.suspended)
    throw waError(131207, 'Group suspended', 'Messages cannot be sent to a suspended group', 403);
  if (!GROUP_TYPES.has(type))
    throw waError(131051, 'Unsupported message type', `Groups do not take ${type} messages`);
  const opaque = typeof p.biz_opaque_callback_data === 'string' ? p.biz_opaque_callback_data : undefined;
  const messageId = ctx.state.newMessageId('whatsapp', phoneId);
  const send: BusinessSend = {
    channel: 'whatsapp',
    accountId: phoneId,
    userId: group.id,
    messageId,
    at: ctx.clock.now(),
    kind: type,
    body: p,
    ...(opaque !== undefined ? { bizOpaqueCallbackData: opaque } : {}),
  };
  ctx.state.sends.push(send);
  const status = (name: string, participant?: string) => () =>
    void ctx.publish({
      channel: 'whatsapp',
      accountId: phoneId,
      userId: group.id,
      type: 'status',
      kind: name,
      messageId,
      item: {
        id: messageId,
        status: name,
        timestamp: seconds(ctx.clock.now()),
        recipient_id: group.id,
        recipient_type: 'group',
        ...(participant ? { recipient_participant_id: participant } : {}),
        ...(opaque !== undefined ? { biz_opaque_callback_data: opaque } : {}),
      },
    });
  const { sent, delivered, read } = ctx.statusDelays;
  ctx.clock.setTimeout(status('sent'), sent);
  // Delivered and read come per participant (Meta aggregates them per status type).
  for (const participant of group.participants) {
    if (delivered !== null) ctx.clock.setTimeout(status('delivered', participant), delivered);
    if (read !== null) ctx.clock.setTimeout(status('read', participant), read);
  }
  return { body: { ...M, contacts: [{ input: group.id, wa_id: group.id }], messages: [{ id: messageId }] } };
}
