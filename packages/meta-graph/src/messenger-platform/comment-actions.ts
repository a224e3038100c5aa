import type { Clock, OutboundContent, ParsedOutboundMessage, SendReceipt } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import type { GraphClient } from '../client.js';
import { NewCommentResponse, SuccessResponse } from './comment-schemas.js';
import type { MessengerPlatformChannel } from './keys.js';

type CommentAction = Extract<OutboundContent, { type: 'public_reply' | 'comment_moderation' }>;

/** Longest public reply accepted before any call (Facebook comments: 8000 characters; Instagram: 2200). */
export const COMMENT_TEXT_MAX: Record<MessengerPlatformChannel, number> = {
  messenger: 8000,
  instagram: 2200,
};

export function isCommentAction(content: { type: string }): content is CommentAction {
  return content.type === 'public_reply' || content.type === 'comment_moderation';
}

/** The Graph call of a comment action: method, path and body. Pure, checked before any network call. */
export function buildCommentActionRequest(
  channel: MessengerPlatformChannel,
  commentId: string | undefined,
  content: CommentAction,
): { method: 'POST' | 'DELETE'; path: string; body?: Record<string, unknown> } {
  if (!commentId) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `${content.type} needs to.commentId (the comment acted on)`,
    );
  }
  const node = `/${encodeURIComponent(commentId)}`;
  if (content.type === 'public_reply') {
    const max = COMMENT_TEXT_MAX[channel];
    const length = [...content.text].length;
    if (length > max) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `reply is ${length} characters long; ${channel} allows ${max}`,
      );
    }
    // The two networks use different edges (meta-platform-more §1.3).
    const edge = channel === 'instagram' ? 'replies' : 'comments';
    return { method: 'POST', path: `${node}/${edge}`, body: { message: content.text } };
  }
  if (content.action === 'delete') return { method: 'DELETE', path: node };
  const hidden = content.action === 'hide';
  return {
    method: 'POST',
    path: node,
    body: channel === 'instagram' ? { hide: hidden } : { is_hidden: hidden },
  };
}

/**
 * Replies publicly under a comment, or hides / unhides / deletes it. The receipt's `messageId` is the new
 * comment's id for a reply, empty for moderation (nothing comes back to await).
 */
export async function performCommentAction(
  client: GraphClient,
  message: ParsedOutboundMessage,
  channel: MessengerPlatformChannel,
  clock: Clock,
): Promise<SendReceipt> {
  const content = message.content as CommentAction;
  const request = buildCommentActionRequest(channel, message.to.commentId, content);
  if (request.method === 'DELETE') {
    const { data } = await client.delete(request.path, SuccessResponse);
    return { messageId: '', acceptedAt: clock.now(), raw: data };
  }
  if (content.type === 'public_reply') {
    const { data } = await client.post(request.path, request.body, NewCommentResponse);
    return { messageId: data.id, acceptedAt: clock.now(), raw: data };
  }
  const { data } = await client.post(request.path, request.body, SuccessResponse);
  return { messageId: '', acceptedAt: clock.now(), raw: data };
}

/**
 * Private replies (Messenger and Instagram): one per comment within 7 days of it; Meta allows 750 an
 * hour per account. Burst plus an hour's refill stays under 750 in any hour (150 + 600).
 */
export const MESSENGER_PLATFORM_PRIVATE_REPLIES = {
  windowHours: 7 * 24,
  ratePerSecond: 600 / 3600,
  burst: 150,
} as const;
