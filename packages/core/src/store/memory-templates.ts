import type { MemoryGuard } from './memory-queues.js';
import { mergeTemplate } from './template-merge.js';
import type { TemplateRecord, TemplateStore } from './template-types.js';

const copy = <T>(value: T): T => structuredClone(value);
const keyOf = (channel: string, accountId: string, name: string, language: string) =>
  [channel, accountId, name, language].join('\u0000');

export function createMemoryTemplates(guard: MemoryGuard): TemplateStore {
  const rows = new Map<string, TemplateRecord>();
  return {
    async apply(patch) {
      guard.check();
      const key = keyOf(patch.channel, patch.accountId, patch.name, patch.language);
      const record = mergeTemplate(rows.get(key), copy(patch));
      rows.set(key, record);
      return copy(record);
    },
    async get(channel, accountId, name, language) {
      guard.check();
      const row = rows.get(keyOf(channel, accountId, name, language));
      return row ? copy(row) : undefined;
    },
    async list({ channel, accountId, name, status, limit }) {
      guard.check();
      return [...rows.values()]
        .filter(
          (r) =>
            r.channel === channel &&
            r.accountId === accountId &&
            (name === undefined || r.name === name) &&
            (status === undefined || r.status === status),
        )
        .sort((a, b) => (a.name === b.name ? (a.language < b.language ? -1 : 1) : a.name < b.name ? -1 : 1))
        .slice(0, limit ?? 1000)
        .map(copy);
    },
  };
}
