import { z } from 'zod';

/** Bot API objects, in Telegram's own field names (api#update and below). Only what the mapper reads; unknown fields pass. */

/** chat.id / user.id have up to 52 significant bits: safe as a JS number, never int32. */
const id = z.number().int();

export const User = z.object({
  id,
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
export type User = z.infer<typeof User>;

export const Chat = z.object({
  id,
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export type Chat = z.infer<typeof Chat>;

const file = {
  file_id: z.string().min(1),
  file_unique_id: z.string().optional(),
  file_size: z.number().optional(),
};

const PhotoSize = z.object({ ...file, width: z.number(), height: z.number() });
const FileWithName = z.object({
  ...file,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

const InlineKeyboardButton = z.object({ text: z.string(), callback_data: z.string().optional() });

export const Message = z.object({
  message_id: z.number().int().nonnegative(),
  from: User.optional(),
  sender_chat: Chat.optional(),
  chat: Chat,
  date: z.number().int().nonnegative(),
  edit_date: z.number().int().optional(),
  business_connection_id: z.string().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(PhotoSize).optional(),
  document: FileWithName.optional(),
  animation: FileWithName.optional(),
  audio: FileWithName.extend({ title: z.string().optional() }).optional(),
  video: FileWithName.optional(),
  video_note: z.object(file).optional(),
  voice: z.object({ ...file, mime_type: z.string().optional() }).optional(),
  sticker: z
    .object({
      ...file,
      emoji: z.string().optional(),
      is_animated: z.boolean().optional(),
      is_video: z.boolean().optional(),
    })
    .optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  venue: z
    .object({
      location: z.object({ latitude: z.number(), longitude: z.number() }),
      title: z.string(),
      address: z.string(),
    })
    .optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string(),
      last_name: z.string().optional(),
      user_id: z.number().optional(),
    })
    .optional(),
  reply_to_message: z.object({ message_id: z.number().int() }).optional(),
  forward_origin: z.unknown().optional(),
  reply_markup: z.object({ inline_keyboard: z.array(z.array(InlineKeyboardButton)) }).optional(),
});
export type Message = z.infer<typeof Message>;

export const CallbackQuery = z.object({
  id: z.string().min(1),
  from: User,
  /** Absent for buttons on inline-mode messages; `date` 0 when the message is no longer accessible. */
  message: z
    .object({
      message_id: z.number().int(),
      chat: Chat,
      date: z.number().int(),
      reply_markup: Message.shape.reply_markup,
    })
    .optional(),
  inline_message_id: z.string().optional(),
  chat_instance: z.string().optional(),
  data: z.string().optional(),
  game_short_name: z.string().optional(),
});
export type CallbackQuery = z.infer<typeof CallbackQuery>;

const ReactionType = z.object({
  type: z.string(),
  emoji: z.string().optional(),
  custom_emoji_id: z.string().optional(),
});
export type ReactionType = z.infer<typeof ReactionType>;

export const MessageReactionUpdated = z.object({
  chat: Chat,
  message_id: z.number().int(),
  user: User.optional(),
  actor_chat: Chat.optional(),
  date: z.number().int().nonnegative(),
  old_reaction: z.array(ReactionType),
  new_reaction: z.array(ReactionType),
});

export const ChatMemberUpdated = z.object({
  chat: Chat,
  from: User,
  date: z.number().int().nonnegative(),
  old_chat_member: z.object({ status: z.string() }),
  new_chat_member: z.object({ status: z.string() }),
});

export const BusinessConnection = z.object({
  id: z.string().min(1),
  user: User,
  user_chat_id: id,
  date: z.number().int().nonnegative(),
  is_enabled: z.boolean(),
});

export const BusinessMessagesDeleted = z.object({
  business_connection_id: z.string().min(1),
  chat: Chat,
  message_ids: z.array(z.number().int()),
});

/** The envelope: one update per request, at most one optional field besides `update_id`. */
export const Update = z.looseObject({ update_id: z.number().int().nonnegative() });
