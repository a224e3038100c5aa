import type { TemplateRecord, TemplateStore } from '@switchboard/core';
import { mergeTemplate } from '@switchboard/core/internal';
import { type Db, json, parseJson } from './db.js';

interface TemplateColumns {
  channel: string;
  account_id: string;
  name: string;
  language: string;
  template_id: string | null;
  status: string | null;
  category: string | null;
  quality: string | null;
  reason: string | null;
  definition: string | null;
  updated_at: number;
}

const toTemplate = (r: TemplateColumns): TemplateRecord => ({
  channel: r.channel,
  accountId: r.account_id,
  name: r.name,
  language: r.language,
  templateId: r.template_id,
  status: r.status,
  category: r.category,
  quality: r.quality,
  reason: r.reason,
  definition: parseJson(r.definition),
  updatedAt: r.updated_at,
});

const SELECT_ONE = `SELECT * FROM templates WHERE channel = ? AND account_id = ? AND name = ? AND language = ?`;

export function createSqliteTemplates(handle: Db): TemplateStore {
  const one = (channel: string, accountId: string, name: string, language: string) =>
    handle.stmt(SELECT_ONE).get(channel, accountId, name, language) as TemplateColumns | undefined;
  return {
    async apply(patch) {
      // One writer per file: read and write inside the same batch transaction.
      return handle.write('template apply', () => {
        const existing = one(patch.channel, patch.accountId, patch.name, patch.language);
        const r = mergeTemplate(existing ? toTemplate(existing) : undefined, patch);
        handle
          .stmt(
            `INSERT INTO templates (channel, account_id, name, language, template_id, status, category, quality, reason, definition, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (channel, account_id, name, language) DO UPDATE SET template_id = excluded.template_id,
               status = excluded.status, category = excluded.category, quality = excluded.quality,
               reason = excluded.reason, definition = excluded.definition, updated_at = excluded.updated_at`,
          )
          .run(
            r.channel,
            r.accountId,
            r.name,
            r.language,
            r.templateId,
            r.status,
            r.category,
            r.quality,
            r.reason,
            r.definition === null ? null : json(r.definition),
            r.updatedAt,
          );
        return r;
      });
    },
    async get(channel, accountId, name, language) {
      const row = handle.run('template get', () => one(channel, accountId, name, language));
      return row ? toTemplate(row) : undefined;
    },
    async list({ channel, accountId, name, status, limit }) {
      const rows = handle.run(
        'template list',
        () =>
          handle
            .stmt(
              `SELECT * FROM templates WHERE channel = @channel AND account_id = @account
                 AND (@name IS NULL OR name = @name) AND (@status IS NULL OR status = @status)
               ORDER BY name, language LIMIT @limit`,
            )
            .all({
              channel,
              account: accountId,
              name: name ?? null,
              status: status ?? null,
              limit: limit ?? 1000,
            }) as TemplateColumns[],
      );
      return rows.map(toTemplate);
    },
  };
}
