import type { ChannelEvent, EventInsertResult, EventRecord, EventStore } from '@switchboard/core';
import { conversationOfEvent } from '@switchboard/core/internal';
import {
  claimRows,
  completeAll,
  countStates,
  type Db,
  eventJson,
  type WorkColumns,
  workFields,
} from './db.js';

interface EventColumns extends WorkColumns {
  seq: number;
  key: string;
  kind: EventRecord['kind'];
  channel: string;
  account_id: string;
  conversation_id: string | null;
  timestamp: number;
  source: EventRecord['source'];
  inbox_id: number | null;
  event: string;
  created_at: number;
}

/** A row with its event: the work row (`events`) joined to the JSON written once at insert (`event_bodies`). */
const WITH_EVENT = `SELECT events.*, b.event FROM events JOIN event_bodies b ON b.seq = events.seq`;

const toRecord = (r: EventColumns): EventRecord => ({
  seq: r.seq,
  key: r.key,
  kind: r.kind,
  channel: r.channel,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  timestamp: r.timestamp,
  source: r.source,
  inboxId: r.inbox_id,
  event: JSON.parse(r.event) as ChannelEvent,
  createdAt: r.created_at,
  ...workFields(r),
});

export function createSqliteEvents(handle: Db): EventStore {
  const finish = (what: string, seq: number, owner: string, set: string, args: unknown[] = []) =>
    handle.write(
      what,
      () =>
        handle
          .stmt(
            `UPDATE events SET ${set}, lease_owner = NULL, lease_expires_at = NULL WHERE seq = ? AND lease_owner = ? AND state = 'pending'`,
          )
          .run(...args, seq, owner).changes === 1,
      true,
    );
  return {
    async insertMany(events, { inboxId, owner, leaseMs, now }) {
      return handle.write('events insert', () => {
        const insert = handle.stmt(
          `INSERT INTO events (key, kind, channel, account_id, conversation_id, timestamp, source, inbox_id, next_attempt_at, lease_owner, lease_expires_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
        );
        const body = handle.stmt(`INSERT INTO event_bodies (seq, event) VALUES (?, ?)`);
        const existing = handle.stmt(`SELECT seq FROM events WHERE key = ?`);
        return events.map((e): EventInsertResult => {
          const info = insert.run(
            e.key,
            e.kind,
            e.channel,
            e.accountId,
            conversationOfEvent(e),
            e.timestamp,
            e.source,
            inboxId,
            now,
            owner,
            now + leaseMs,
            now,
          );
          if (info.changes === 1) {
            body.run(info.lastInsertRowid, eventJson(e));
            return { key: e.key, result: 'inserted', seq: Number(info.lastInsertRowid) };
          }
          const row = existing.get(e.key) as { seq: number };
          return { key: e.key, result: 'duplicate', seq: row.seq };
        });
      });
    },
    async claim(lease) {
      const rows = await handle.write('events claim', () =>
        claimRows<EventColumns>(handle, 'events', 'seq', WITH_EVENT, lease),
      );
      return rows.map(toRecord);
    },
    async complete(seq, owner) {
      return finish('events complete', seq, owner, `state = 'done'`);
    },
    async completeMany(seqs, owner) {
      await handle.write(
        'events complete many',
        () => completeAll(handle, 'events', 'seq', seqs, owner),
        true,
      );
    },
    async retry(seq, owner, { nextAttemptAt, error }) {
      return finish('events retry', seq, owner, `attempts = attempts + 1, next_attempt_at = ?, error = ?`, [
        nextAttemptAt,
        error,
      ]);
    },
    async kill(seq, owner, reason) {
      return finish('events kill', seq, owner, `state = 'dead', error = ?`, [reason]);
    },
    async getByKey(key) {
      const row = handle.run(
        'events get',
        () => handle.stmt(`${WITH_EVENT} WHERE key = ?`).get(key) as EventColumns | undefined,
      );
      return row ? toRecord(row) : undefined;
    },
    async list({ conversationId, since, until, limit }) {
      const rows = handle.run(
        'events list',
        () =>
          handle
            .stmt(
              `${WITH_EVENT} WHERE (? IS NULL OR conversation_id = ?) AND timestamp >= ? AND timestamp <= ?
             ORDER BY timestamp, events.seq LIMIT ?`,
            )
            .all(
              conversationId ?? null,
              conversationId ?? null,
              since ?? 0,
              until ?? Number.MAX_SAFE_INTEGER,
              limit,
            ) as EventColumns[],
      );
      return rows.map(toRecord);
    },
    async count() {
      return handle.run('events count', (d) => countStates(d, 'events'));
    },
  };
}
