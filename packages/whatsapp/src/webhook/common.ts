import { createHash } from 'node:crypto';
import type { PlatformError, WebhookProblem } from '@switchboard/core';
import type { z } from 'zod';
import type { Contact, WaError } from './schemas.js';

export const CHANNEL = 'whatsapp';

/** Where one item sits in the body and what surrounds it. */
export interface ItemContext {
  /** `value.metadata.phone_number_id`: the account of every messaging event. */
  phoneNumberId: string;
  /** `entry.id`: the WABA. */
  wabaId: string;
  contacts: readonly Contact[];
}

/** Events or problems produced by one item. */
export interface ItemResult<E> {
  events: E[];
  problems: WebhookProblem[];
}

/** WhatsApp sends Unix seconds as strings; the model wants epoch milliseconds. */
export function secondsToMs(value: string | number): number {
  return Number(value) * 1000;
}

/** Short, stable hash of a JSON value, for keys of items without an id. */
export function hashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('hex')
    .slice(0, 16);
}

/** Drops keys whose value is undefined, so events serialize and compare cleanly. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const k in value) if (value[k] !== undefined) out[k] = value[k];
  return out as T;
}

export function mapError(error: WaError): PlatformError {
  return compact({
    code: error.code,
    title: error.title,
    message: error.message,
    details: error.error_data?.details,
  });
}

export function describeErrors(errors: readonly WaError[] | undefined): string {
  if (!errors || errors.length === 0) return '';
  return errors.map((e) => `${e.code ?? '?'} ${e.title ?? e.message ?? ''}`.trim()).join('; ');
}

/** The sender profile of `contacts[]` that belongs to this user: matched by wa_id or BSUID, never by index. */
export function findContact(
  contacts: readonly Contact[],
  phone?: string,
  bsuid?: string,
): Contact | undefined {
  return contacts.find(
    (c) => (phone !== undefined && c.wa_id === phone) || (bsuid !== undefined && c.user_id === bsuid),
  );
}

/**
 * The user id of the model: the phone number (`wa_id` / `from`) when Meta gives one, else the
 * business-scoped user id (BSUID, `CC.xxxx`). Phone first keeps conversations stored before BSUIDs
 * continuous and is what every message type (including authentication templates) can be sent to.
 */
export function userIdOf(phone: string | undefined, bsuid: string | undefined): string | undefined {
  return phone && phone.length > 0 ? phone : bsuid && bsuid.length > 0 ? bsuid : undefined;
}

export function conversationIdOf(accountId: string, userId: string): string {
  return `${CHANNEL}:${accountId}:${userId}`;
}

/** A group's conversation: never the participant's one-to-one thread. */
export function groupConversationIdOf(accountId: string, groupId: string): string {
  return `${CHANNEL}:${accountId}:group:${groupId}`;
}

export function problemOf(path: string, error: z.ZodError | string, raw: unknown): WebhookProblem {
  if (typeof error === 'string') return { path, message: error, raw };
  const issue = error.issues[0];
  const sub = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return { path: `${path}${sub}`, message: issue?.message ?? 'invalid item', raw };
}
