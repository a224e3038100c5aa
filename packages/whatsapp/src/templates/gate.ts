import type { Logger, OutboundMessage, SwitchboardError, TemplateStore } from '@switchboard/core';
import type { WhatsAppTemplates } from './api.js';
import { checkTemplateParameters, unsendable } from './send-check.js';

export interface TemplateGateDeps {
  cache: () => TemplateStore | undefined;
  api: WhatsAppTemplates;
  /** The WABA of a phone number id, when known. */
  wabaOf: (phoneNumberId: string) => string | undefined;
  unknownTemplate: 'fetch' | 'send' | 'reject';
  logger: Logger;
  now: () => number;
}

/**
 * Before a template send: consults the engine's template cache (reading the template from Graph once
 * when it is unknown and `unknownTemplate` is `fetch`), fails fast on anything but APPROVED, and checks
 * the parameters against the definition. Without a cache (adapter used outside an engine) or without a
 * known WABA for the number, the send goes to Graph unchecked.
 */
export async function checkTemplateSend(message: OutboundMessage, deps: TemplateGateDeps): Promise<void> {
  const content = message.content;
  if (content.type !== 'template') return;
  const cache = deps.cache();
  const waba = deps.wabaOf(message.to.accountId);
  if (!cache || !waba) return;
  const { name, language } = content;
  let record = await cache.get('whatsapp', waba, name, language);
  if (!record?.definition || !record.status) {
    if (deps.unknownTemplate === 'send') return;
    if (deps.unknownTemplate === 'reject' && !record?.status) throw unsendable(undefined, name, language);
    if (deps.unknownTemplate === 'fetch') {
      // The list call caches what it finds (status and definition): later sends need no call.
      const page = await deps.api.list(waba, { name, language, limit: 100 });
      const found = page.templates.find((t) => t.name === name && t.language === language);
      if (found) record = await cache.get('whatsapp', waba, name, language);
    }
  }
  if (record?.status !== 'APPROVED') throw unsendable(record, name, language);
  if (record.definition) checkTemplateParameters(content, record.definition);
}

/** After Graph refused a template send as paused / disabled / missing: the cache learns it. */
export async function noteTemplateRefusal(
  message: OutboundMessage,
  error: SwitchboardError,
  deps: Pick<TemplateGateDeps, 'cache' | 'wabaOf' | 'now' | 'logger'>,
): Promise<void> {
  const content = message.content;
  if (content.type !== 'template') return;
  const status = { 132015: 'PAUSED', 132016: 'DISABLED' }[error.platform?.code ?? 0];
  const cache = deps.cache();
  const waba = deps.wabaOf(message.to.accountId);
  if (!status || !cache || !waba) return;
  try {
    await cache.apply({
      channel: 'whatsapp',
      accountId: waba,
      name: content.name,
      language: content.language,
      status,
      at: deps.now(),
    });
  } catch (e) {
    deps.logger.warn('could not record a template refusal in the template cache', {
      error: e instanceof Error ? e.message : String(e),
    });
  }
}
