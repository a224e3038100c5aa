/**
 * A message template as the engine last learnt it, from the platform's template API (list/get) or from
 * template webhooks. Keyed by (channel, accountId, name, language): WhatsApp templates belong to a WABA
 * and one name exists once per language.
 */
export interface TemplateRecord {
  channel: string;
  /** The account that owns the template (WhatsApp: the WABA id). */
  accountId: string;
  name: string;
  /** Language code as the platform spells it in its API (`en_US`). */
  language: string;
  /** The platform's template id, when known. */
  templateId: string | null;
  /** Upper-case platform status (`APPROVED`, `PENDING`, `PAUSED`, ...); null when never told. */
  status: string | null;
  category: string | null;
  /** Quality rating (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`). */
  quality: string | null;
  /** Why the status is what it is (rejection or pause reason), when the platform said. */
  reason: string | null;
  /** The platform's own template object (components, parameter format); null until fetched from the API. */
  definition: unknown;
  /** Epoch ms of the newest information applied. */
  updatedAt: number;
}

/**
 * A change to a cached template. Absent (or null) fields keep the stored value, except `reason`, which
 * follows `status` (a status without a reason clears the old reason).
 */
export interface TemplatePatch {
  channel: string;
  accountId: string;
  name: string;
  language: string;
  templateId?: string | null;
  status?: string | null;
  category?: string | null;
  quality?: string | null;
  reason?: string | null;
  definition?: unknown;
  /** Epoch ms the information is from (event time, or when the API answered). */
  at: number;
}

/**
 * The template cache. `apply` never moves a template back in time: a patch older than the stored
 * `updatedAt` changes nothing (a late webhook after a fresher API read), so it is safe to apply in any order.
 *
 * @example
 * await store.templates.apply({ channel: 'whatsapp', accountId: wabaId, name: 'order_update', language: 'en_US', status: 'PAUSED', at: Date.now() });
 * const t = await store.templates.get('whatsapp', wabaId, 'order_update', 'en_US'); // t.status === 'PAUSED'
 */
export interface TemplateStore {
  /** Merges the patch into the stored record (creating it); resolves with the record as stored afterwards. */
  apply(patch: TemplatePatch): Promise<TemplateRecord>;
  get(
    channel: string,
    accountId: string,
    name: string,
    language: string,
  ): Promise<TemplateRecord | undefined>;
  /** The account's templates ordered by name then language; filters are exact matches. */
  list(query: {
    channel: string;
    accountId: string;
    name?: string;
    status?: string;
    limit?: number;
  }): Promise<TemplateRecord[]>;
}
