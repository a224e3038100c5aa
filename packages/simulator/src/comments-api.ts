import {
  type CustomerCommentInput,
  publishComment,
  type SimComment,
  type SimCommentChannel,
  type SimPost,
} from './comments.js';
import type { SimContext } from './context.js';
import type { TruthRecord } from './types.js';
import { indexOf } from './world-index.js';

/** `sim.comments`: posts and comments of Pages and Instagram accounts. */
export interface SimComments {
  /** A new Page post / Instagram media (`live: true`: a live broadcast, Instagram). */
  post(input: { channel: SimCommentChannel; accountId?: string; caption?: string; live?: boolean }): SimPost;
  /** A customer comments (or replies, or @mentions the account): the webhook is published. */
  customerComments(input: CustomerCommentInput): { comment: SimComment; record: TruthRecord };
  /** The customer edits their comment (Facebook sends `verb: edited`; Instagram sends nothing). */
  customerEdits(commentId: string, text: string): TruthRecord | undefined;
  /** Ends a live broadcast: its comments can no longer be answered privately. */
  endLive(postId: string): void;
  get(commentId: string): SimComment | undefined;
  list(filter?: { channel?: SimCommentChannel; accountId?: string; postId?: string }): SimComment[];
}

export function createSimComments(ctx: SimContext): SimComments {
  const book = ctx.comments;
  const index = () => indexOf(ctx.state.world);
  const firstAccount = (channel: SimCommentChannel): string => {
    const id = channel === 'messenger' ? ctx.state.world.pages[0]?.id : ctx.state.world.instagram[0]?.id;
    if (!id) throw new Error(`no ${channel} account`);
    return id;
  };
  const post: SimComments['post'] = (input) => {
    const accountId = input.accountId ?? firstAccount(input.channel);
    if (input.live && input.channel !== 'instagram') throw new Error('live broadcasts are Instagram posts');
    return book.newPost(ctx, { ...input, accountId });
  };
  return {
    post,
    customerComments(input) {
      const accountId = input.accountId ?? firstAccount(input.channel);
      const target =
        input.postId !== undefined
          ? book.posts.get(input.postId)
          : input.parentId !== undefined
            ? book.posts.get(book.comments.get(input.parentId)?.postId ?? '')
            : post({ channel: input.channel, accountId });
      if (!target || target.accountId !== accountId)
        throw new Error(`no post ${input.postId ?? ''} of ${accountId}`);
      if (input.mention && input.channel !== 'instagram') throw new Error('mentions are Instagram webhooks');
      const customers = index().customersOf(input.channel, accountId);
      const customer =
        input.userId === undefined ? customers[0] : index().customer(input.channel, accountId, input.userId);
      if (!customer) throw new Error(`no customer ${input.userId ?? ''} of ${accountId}`);
      return book.add(ctx, target, {
        authorId: customer.userId,
        authorName: input.channel === 'instagram' ? (customer.username ?? customer.name) : customer.name,
        text: input.text,
        ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
        ...(input.at === undefined ? {} : { at: input.at }),
        ...(input.mention ? { mention: true } : {}),
      });
    },
    customerEdits(commentId, text) {
      const comment = book.comments.get(commentId);
      if (!comment) throw new Error(`no comment ${commentId}`);
      comment.text = text;
      const target = book.posts.get(comment.postId);
      if (comment.channel !== 'messenger' || !target) return undefined;
      return publishComment(ctx, comment, target, 'edited');
    },
    endLive(postId) {
      const target = book.posts.get(postId);
      if (target?.live) target.endedAt = ctx.clock.now();
    },
    get: (commentId) => book.comments.get(commentId),
    list: (filter = {}) =>
      [...book.comments.values()].filter(
        (c) =>
          (!filter.channel || c.channel === filter.channel) &&
          (!filter.accountId || c.accountId === filter.accountId) &&
          (!filter.postId || c.postId === filter.postId),
      ),
  };
}
