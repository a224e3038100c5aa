import type { TemplatePatch, TemplateRecord } from './template-types.js';

/** The record `patch` makes of `existing` (every store implementation applies it the same way). */
export function mergeTemplate(existing: TemplateRecord | undefined, patch: TemplatePatch): TemplateRecord {
  if (existing && patch.at < existing.updatedAt) return existing;
  const pick = <T>(value: T | null | undefined, old: T | null | undefined): T | null => value ?? old ?? null;
  return {
    channel: patch.channel,
    accountId: patch.accountId,
    name: patch.name,
    language: patch.language,
    templateId: pick(patch.templateId, existing?.templateId),
    status: pick(patch.status, existing?.status),
    category: pick(patch.category, existing?.category),
    quality: pick(patch.quality, existing?.quality),
    reason: patch.status ? (patch.reason ?? null) : pick(patch.reason, existing?.reason),
    definition: patch.definition ?? existing?.definition ?? null,
    updatedAt: Math.max(patch.at, existing?.updatedAt ?? patch.at),
  };
}
