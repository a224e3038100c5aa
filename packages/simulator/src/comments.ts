import type { SimContext } from './context.js';
import { createPrng, type Prng } from './prng.js';
import type { TruthRecord } from './types.js';
import { indexOf } from './world-index.js';

/** The two channels with comments. */
export type SimCommentChannel = 'messenger' | 'instagram';

/** A Page post (Facebook) or a media (Instagram) people comment on. */
export interface SimPost {
  id: string;
  channel: SimCommentChannel;
  accountId: string;
  caption: string;
  createdAt: number;
  /** An Instagram live broadcast: its comments are `live_comments`, privately answerable only while live. */
  live: boolean;
  /** Epoch ms the broadcast ended. */
  endedAt?: number;
}

export interface SimComment {
  id: string;
  channel: SimCommentChannel;
  accountId: string;
  postId: string;
  parentId?: string;
  /** PSID / IGSID of a customer, or the account id for the business's own comments. */
  authorId: string;
  authorName: string;
  text: string;
  createdAt: number;
  hidden: boolean;
  deleted: boolean;
  /** The message id of the one private reply the comment got. */
  privateReplyId?: string;
}

/** Input of `sim.comments.customerComments`. */
export interface CustomerCommentInput {
  channel: SimCommentChannel;
  /** Page id / IG account id; default the channel's first account. */
  accountId?: string;
  /** Default: a new post of the account. */
  postId?: string;
  /** Answer this comment (a reply; Instagram attaches replies to the top-level comment). */
  parentId?: string;
  /** A customer of the account; default its first. */
  userId?: string;
  text: string;
  /** Epoch ms of the comment (default now): an old one is past the private-reply window. */
  at?: number;
  /** Instagram: the comment @mentions the account on someone else's media (a `mentions` webhook). */
  mention?: boolean;
}

/** Private replies are allowed for 7 days after the comment (meta-platform-more §1.4). */
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 3_600_000;

/** Posts, comments and their webhooks. */
export class CommentBook {
  readonly posts = new Map<string, SimPost>();
  readonly comments = new Map<string, SimComment>();
  private readonly ids: Prng;

  constructor(seed: number) {
    this.ids = createPrng(seed + 17);
  }

  newPost(
    ctx: SimContext,
    input: { channel: SimCommentChannel; accountId: string; caption?: string; live?: boolean },
  ): SimPost {
    const id =
      input.channel === 'messenger'
        ? `${input.accountId}_${this.ids.digits(18)}`
        : `18${this.ids.digits(15)}`;
    const post: SimPost = {
      id,
      channel: input.channel,
      accountId: input.accountId,
      caption: input.caption ?? 'New arrivals',
      createdAt: ctx.clock.now(),
      live: input.live ?? false,
    };
    this.posts.set(id, post);
    return post;
  }

  newCommentId(post: SimPost): string {
    return post.channel === 'messenger'
      ? `${post.id.split('_')[1] ?? post.id}_${this.ids.digits(16)}`
      : `178${this.ids.digits(14)}`;
  }

  /** Adds a comment and publishes its webhook; the business's own comments are published as echoes. */
  add(
    ctx: SimContext,
    post: SimPost,
    input: {
      authorId: string;
      authorName: string;
      text: string;
      parentId?: string;
      at?: number;
      mention?: boolean;
    },
  ): { comment: SimComment; record: TruthRecord } {
    const parent = input.parentId === undefined ? undefined : this.comments.get(input.parentId);
    if (input.parentId !== undefined && !parent) throw new Error(`no comment ${input.parentId}`);
    // Instagram threads are one level deep: a reply to a reply hangs under the top-level comment.
    const parentId = parent && post.channel === 'instagram' ? (parent.parentId ?? parent.id) : parent?.id;
    const comment: SimComment = {
      id: this.newCommentId(post),
      channel: post.channel,
      accountId: post.accountId,
      postId: post.id,
      ...(parentId === undefined ? {} : { parentId }),
      authorId: input.authorId,
      authorName: input.authorName,
      text: input.text,
      createdAt: input.at ?? ctx.clock.now(),
      hidden: false,
      deleted: false,
    };
    this.comments.set(comment.id, comment);
    const record = publishComment(ctx, comment, post, 'add', input.mention === true);
    return { comment, record };
  }
}

/** Publishes a comment's webhook as Meta shapes it: a Page `feed` change, or Instagram `comments` / `live_comments` / `mentions`. */
export function publishComment(
  ctx: SimContext,
  comment: SimComment,
  post: SimPost,
  verb: 'add' | 'edited' | 'remove' | 'hide' | 'unhide',
  mention = false,
): TruthRecord {
  const own = comment.authorId === comment.accountId;
  const base = {
    channel: comment.channel,
    accountId: comment.accountId,
    userId: comment.authorId,
    type: own ? ('echo' as const) : ('inbound' as const),
    kind: 'comment',
    messageId: comment.id,
  };
  if (comment.channel === 'messenger') {
    const value = {
      item: 'comment',
      verb,
      comment_id: comment.id,
      post_id: post.id,
      parent_id: comment.parentId ?? post.id,
      from: { id: comment.authorId, name: comment.authorName },
      ...(verb === 'remove' ? {} : { message: comment.text }),
      created_time: Math.floor(comment.createdAt / 1000),
      ...(verb === 'hide' || verb === 'unhide' ? { is_hidden: verb === 'hide' } : {}),
      post: { id: post.id, status_type: 'added_photos', is_published: true },
    };
    return ctx.publish({ ...base, field: 'feed', item: value });
  }
  if (mention) {
    return ctx.publish({ ...base, field: 'mentions', item: { comment_id: comment.id, media_id: post.id } });
  }
  const customer = indexOf(ctx.state.world).customer('instagram', comment.accountId, comment.authorId);
  const username = own
    ? indexOf(ctx.state.world).instagram.get(comment.accountId)?.username
    : (customer?.username ?? comment.authorName);
  const value = {
    from: { id: comment.authorId, ...(username ? { username } : {}) },
    media: { id: post.id, media_product_type: post.live ? 'LIVE' : 'FEED' },
    id: comment.id,
    ...(comment.parentId === undefined ? {} : { parent_id: comment.parentId }),
    text: comment.text,
  };
  return ctx.publish({ ...base, field: post.live ? 'live_comments' : 'comments', item: value });
}
