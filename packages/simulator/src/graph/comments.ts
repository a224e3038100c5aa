import { requireScope, requireTarget } from '../auth.js';
import { PRIVATE_REPLY_WINDOW_MS, publishComment, type SimComment } from '../comments.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { GraphError, invalidParam } from '../graph-error.js';
import type { SimToken } from '../types.js';
import { canAct, indexOf } from '../world-index.js';

/** The comment, if the token may moderate it (its Page / IG account, or the IG account's Page). */
function commentFor(ctx: SimContext, token: SimToken, commentId: string): SimComment {
  const comment = ctx.comments.comments.get(commentId);
  if (!comment || comment.deleted) {
    throw new GraphError(
      400,
      100,
      `Unsupported request - method type: ${commentId}. Object with ID '${commentId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      { subcode: 33, type: 'GraphMethodException' },
    );
  }
  const pageId = indexOf(ctx.state.world).instagram.get(comment.accountId)?.pageId;
  if (!(canAct(token, comment.accountId) || (pageId !== undefined && canAct(token, pageId))))
    requireTarget(token, comment.accountId);
  if (comment.channel === 'messenger') requireScope(token, 'pages_manage_engagement', 200);
  else
    requireScope(
      token,
      token.type === 'USER' ? 'instagram_business_manage_comments' : 'instagram_manage_comments',
      200,
    );
  return comment;
}

const messageOf = (req: GraphRequest): string => {
  const message = req.params.message;
  if (typeof message !== 'string' || message.length === 0)
    throw invalidParam('param message must be a non-empty string');
  return message;
};

/** `GET /{comment-id}` — the comment node. */
export function handleCommentNode(ctx: SimContext, token: SimToken, commentId: string): GraphResponse {
  const c = commentFor(ctx, token, commentId);
  const fb = c.channel === 'messenger';
  return {
    body: {
      id: c.id,
      ...(fb ? { message: c.text, is_hidden: c.hidden } : { text: c.text, hidden: c.hidden }),
      from: fb ? { id: c.authorId, name: c.authorName } : { id: c.authorId, username: c.authorName },
      ...(c.parentId ? { parent: { id: c.parentId } } : {}),
      [fb ? 'created_time' : 'timestamp']: new Date(c.createdAt).toISOString().replace('.000Z', '+0000'),
      can_reply_privately: privateReplyRefusal(ctx, c) === undefined,
    },
  };
}

/** `POST /{comment-id}/comments` (Facebook) or `/{comment-id}/replies` (Instagram) — a public reply. */
export function handleCommentReply(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  commentId: string,
  edge: 'comments' | 'replies',
): GraphResponse {
  const parent = commentFor(ctx, token, commentId);
  const expected = parent.channel === 'instagram' ? 'replies' : 'comments';
  if (edge !== expected) throw new GraphError(400, 2500, `Unknown path components: /${edge}`);
  if (parent.channel === 'instagram' && parent.hidden) throw invalidParam('Cannot reply to a hidden comment');
  const post = ctx.comments.posts.get(parent.postId);
  if (!post) throw invalidParam('The post no longer exists');
  if (parent.channel === 'instagram' && post.live)
    throw invalidParam('Live comments cannot be replied to publicly');
  const name =
    parent.channel === 'messenger'
      ? (indexOf(ctx.state.world).pages.get(parent.accountId)?.name ?? 'Page')
      : (indexOf(ctx.state.world).instagram.get(parent.accountId)?.username ?? 'account');
  const { comment } = ctx.comments.add(ctx, post, {
    authorId: parent.accountId,
    authorName: name,
    text: messageOf(req),
    parentId: parent.id,
  });
  ctx.state.sends.push({
    channel: parent.channel,
    accountId: parent.accountId,
    userId: parent.authorId,
    messageId: comment.id,
    at: ctx.clock.now(),
    kind: 'public_reply',
    body: req.params,
  });
  return { body: { id: comment.id } };
}

/** `POST /{comment-id}` with `is_hidden` (Facebook) / `hide` (Instagram), and `DELETE /{comment-id}`. */
export function handleCommentModeration(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  commentId: string,
): GraphResponse {
  const comment = commentFor(ctx, token, commentId);
  const post = ctx.comments.posts.get(comment.postId);
  const now = ctx.clock.now();
  let kind: string;
  if (req.method === 'DELETE') {
    comment.deleted = true;
    kind = 'delete';
    if (comment.channel === 'messenger' && post) publishComment(ctx, comment, post, 'remove');
  } else {
    const flag = comment.channel === 'messenger' ? req.params.is_hidden : req.params.hide;
    if (flag === undefined) {
      throw invalidParam(`param ${comment.channel === 'messenger' ? 'is_hidden' : 'hide'} is required`);
    }
    const hide = flag === true || flag === 'true';
    comment.hidden = hide;
    kind = hide ? 'hide' : 'unhide';
    // Instagram sends no webhook for moderation; Facebook reports it in `feed`.
    if (comment.channel === 'messenger' && post)
      publishComment(ctx, comment, post, kind as 'hide' | 'unhide');
  }
  ctx.state.sends.push({
    channel: comment.channel,
    accountId: comment.accountId,
    userId: comment.authorId,
    messageId: comment.id,
    at: now,
    kind,
    body: req.params,
  });
  return { body: { success: true } };
}

/** Why Meta would refuse a private reply to this comment now, as its Graph error; undefined when allowed. */
export function privateReplyRefusal(ctx: SimContext, comment: SimComment): GraphError | undefined {
  if (comment.deleted || comment.authorId === comment.accountId || comment.privateReplyId !== undefined) {
    return invalidParam('The comment is invalid for a private reply', 2534025);
  }
  const post = ctx.comments.posts.get(comment.postId);
  const now = ctx.clock.now();
  const closed = post?.live
    ? post.endedAt !== undefined && post.endedAt <= now
    : now - comment.createdAt > PRIVATE_REPLY_WINDOW_MS;
  if (closed) {
    return new GraphError(400, 10, '(#10) This message is sent outside of allowed window.', {
      subcode: comment.channel === 'instagram' ? 2534022 : 2018278,
    });
  }
  return undefined;
}
