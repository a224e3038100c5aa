import { z } from 'zod';
import { GraphId } from './schemas.js';

/** Facebook Page `feed` change value of `item: "comment"` (meta-platform-more §1.1). */
export const FeedCommentValue = z.object({
  item: z.literal('comment'),
  verb: z.string().min(1),
  comment_id: GraphId,
  post_id: GraphId.optional(),
  parent_id: GraphId.optional(),
  from: z.object({ id: GraphId, name: z.string().optional() }).optional(),
  message: z.string().optional(),
  /** Unix seconds (some captures: an ISO-8601 string). */
  created_time: z.union([z.number(), z.string()]).optional(),
  is_hidden: z.boolean().optional(),
  permalink_url: z.string().optional(),
  post: z.object({ id: GraphId.optional(), permalink_url: z.string().optional() }).optional(),
});
export type FeedCommentValue = z.infer<typeof FeedCommentValue>;

/** Instagram `comments` / `live_comments` change value (meta-platform-more §1.2). */
export const InstagramCommentValue = z.object({
  id: GraphId,
  text: z.string().optional(),
  parent_id: GraphId.optional(),
  from: z.object({ id: GraphId, username: z.string().optional() }).optional(),
  media: z
    .object({
      id: GraphId,
      media_product_type: z.string().optional(),
      ad_id: GraphId.optional(),
      original_media_id: GraphId.optional(),
    })
    .optional(),
});
export type InstagramCommentValue = z.infer<typeof InstagramCommentValue>;

/** Instagram `mentions` change value: a comment mention names the comment, a caption mention only the media. */
export const InstagramMentionValue = z.object({
  media_id: GraphId,
  comment_id: GraphId.optional(),
});

/** Graph's answer to a new comment (`POST /{id}/comments`, `/{id}/replies`). */
export const NewCommentResponse = z.looseObject({ id: GraphId });
/** Graph's answer to hide / unhide / delete. */
export const SuccessResponse = z.looseObject({ success: z.union([z.boolean(), z.string()]).optional() });
