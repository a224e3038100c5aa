import type { TemplateRecord, TemplateStore } from '@switchboard/core';
import { mergeTemplate } from '@switchboard/core/internal';
import { type Db, num } from './db.js';

type Row = Record<string, unknown>;

const toTemplate = (r: Row): TemplateRecord => ({
  channel: r.channel as string,
  accountId: r.account_id as string,
  name: r.name as string,
  language: r.language as string,
  templateId: (r.template_id as string | null) ?? null,
  status: (r.status as string | null) ?? null,
  category: (r.category as string | null) ?? null,
  quality: (r.quality as string | null) ?? null,
  reason: (r.reason as string | null) ?? null,
  definition: r.definition ?? null,
  updatedAt: num(r.updated_at),
});

export function createPgTemplates(db: Db): TemplateStore {
  const t = db.t('templates');
  const WHERE_ONE = `channel = $1 AND account_id = $2 AND name = $3 AND language = $4`;
  return {
    async apply(patch) {
      const key = [patch.channel, patch.accountId, patch.name, patch.language];
      return db.tx(async (query) => {
        // Make sure the row exists, then lock it: concurrent applies merge one after the other.
        const created = await query(
          `INSERT INTO ${t} (channel, account_id, name, language, updated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [...key, patch.at],
        );
        const [row] = await query(`SELECT * FROM ${t} WHERE ${WHERE_ONE} FOR UPDATE`, key);
        // A row just inserted above holds nothing yet: merge as if it were absent.
        const r = mergeTemplate(created.length > 0 || !row ? undefined : toTemplate(row), patch);
        await query(
          `UPDATE ${t} SET template_id = $5, status = $6, category = $7, quality = $8, reason = $9, definition = $10,
             updated_at = $11 WHERE ${WHERE_ONE}`,
          [
            ...key,
            r.templateId,
            r.status,
            r.category,
            r.quality,
            r.reason,
            r.definition === null ? null : JSON.stringify(r.definition),
            r.updatedAt,
          ],
        );
        return r;
      });
    },
    async get(channel, accountId, name, language) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE ${WHERE_ONE}`, [
        channel,
        accountId,
        name,
        language,
      ]);
      return rows[0] ? toTemplate(rows[0]) : undefined;
    },
    async list({ channel, accountId, name, status, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE channel = $1 AND account_id = $2
           AND ($3::text IS NULL OR name = $3) AND ($4::text IS NULL OR status = $4)
         ORDER BY name, language LIMIT $5`,
        [channel, accountId, name ?? null, status ?? null, limit ?? 1000],
      );
      return rows.map(toTemplate);
    },
  };
}
