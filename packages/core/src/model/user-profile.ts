import { z } from 'zod';

/**
 * A person as the platform describes them to the business: display name, avatar and, where the platform
 * gives them, follower facts. Every field is optional: platforms leave out what the person hid.
 *
 * @example
 * const profile = await switchboard.profiles.get({ channel: 'instagram', accountId, userId });
 * // { name: 'Peter Chang', username: 'peter_chang_live', avatarUrl: 'https://…', followerCount: 1234, … }
 */
export const UserProfile = z.object({
  name: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  username: z.string().optional(),
  /** Picture URL; platforms make it expire (Instagram: after a few days), so it is refreshed with the profile. */
  avatarUrl: z.string().optional(),
  followerCount: z.number().int().nonnegative().optional(),
  /** The person follows the business account. */
  followsBusiness: z.boolean().optional(),
  /** The business account follows the person. */
  followedByBusiness: z.boolean().optional(),
  verified: z.boolean().optional(),
  locale: z.string().optional(),
  /** Hours from UTC. */
  timezone: z.number().optional(),
});
export type UserProfile = z.infer<typeof UserProfile>;

/**
 * What an adapter's `userProfile` found: the profile, or why there is none (the person never wrote to the
 * account so there is no consent, the account has no profile, the person blocked the business).
 */
export type UserProfileLookup = { found: true; profile: UserProfile } | { found: false; reason: string };
