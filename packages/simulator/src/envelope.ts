import type { SimChannel, SimWorld, TruthRecord } from './types.js';
import { indexOf } from './world-index.js';

/** Which subscribed field a record needs (Meta only sends fields the app subscribed to). */
export function fieldFor(record: TruthRecord): string {
  if (record.channel === 'whatsapp') return record.type === 'account' ? record.kind : 'messages';
  if (record.field !== undefined) return record.field;
  const ig = record.channel === 'instagram';
  // Events of threads another app owns come only to apps subscribed to `standby`.
  if (record.standby) return 'standby';
  if (record.kind === 'handover') return 'messaging_handovers';
  if (record.type === 'echo') return ig ? 'messages' : 'message_echoes';
  switch (record.kind) {
    case 'delivery':
      return 'message_deliveries';
    case 'read':
      return ig ? 'messaging_seen' : 'message_reads';
    case 'reaction':
    case 'unreact':
      return 'message_reactions';
    case 'postback':
      return 'messaging_postbacks';
    case 'referral':
      return 'messaging_referrals';
    case 'edit':
      return ig ? 'message_edit' : 'message_edits';
    default:
      return 'messages';
  }
}

/**
 * The id whose `subscribed_apps` decides delivery: the Page, the Instagram account (Instagram Login) or
 * the WABA. An Instagram account linked to a Page (Facebook Login) is served through its Page, so it
 * shares the Page's one field list for our app.
 */
export function subscriptionId(world: SimWorld, channel: SimChannel, accountId: string): string {
  const index = indexOf(world);
  if (channel === 'whatsapp') return index.phones.get(accountId)?.wabaId ?? accountId;
  if (channel === 'instagram') return index.instagram.get(accountId)?.pageId ?? accountId;
  return accountId;
}

/** Builds one webhook body (Meta's envelope) holding every record, grouped by entry like Meta does. */
export function buildEnvelope(
  world: SimWorld,
  channel: SimChannel,
  records: TruthRecord[],
  now: number,
): Record<string, unknown> {
  if (channel !== 'whatsapp') {
    const entries = new Map<string, { messaging: unknown[]; standby: unknown[]; changes: unknown[] }>();
    for (const r of records) {
      const lists = entries.get(r.accountId) ?? { messaging: [], standby: [], changes: [] };
      // Comments are change webhooks (`changes[]{field,value}`), not messaging items.
      if (r.field !== undefined) lists.changes.push({ field: r.field, value: r.item });
      else (r.standby ? lists.standby : lists.messaging).push(r.item);
      entries.set(r.accountId, lists);
    }
    // Change entries carry `time` in seconds, messaging entries in ms, as Meta sends them.
    return {
      object: channel === 'messenger' ? 'page' : 'instagram',
      entry: [...entries].map(([id, { messaging, standby, changes }]) => ({
        id,
        time: messaging.length || standby.length ? now : Math.floor(now / 1000),
        ...(messaging.length ? { messaging } : {}),
        ...(standby.length ? { standby } : {}),
        ...(changes.length ? { changes } : {}),
      })),
    };
  }
  const byWaba = new Map<string, Array<{ field: string; value: Record<string, unknown> }>>();
  const groups = new Map<string, TruthRecord[]>();
  for (const r of records) {
    const key = `${r.accountId}|${r.type === 'account' ? `account:${r.id}` : r.type}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  for (const [key, group] of groups) {
    const [phoneId = '', type = ''] = key.split('|');
    const phone = indexOf(world).phones.get(phoneId);
    const wabaId = phone?.wabaId ?? phoneId;
    const changes = byWaba.get(wabaId) ?? [];
    const first = group[0];
    if (type.startsWith('account:') && first) {
      changes.push({ field: first.kind, value: first.item });
    } else {
      const metadata = { display_phone_number: phone?.displayPhoneNumber ?? '', phone_number_id: phoneId };
      if (type === 'inbound') {
        const contacts = [...new Set(group.map((r) => r.userId))].map((userId) => {
          const c = indexOf(world).customer('whatsapp', phoneId, userId);
          return {
            profile: { name: c?.name ?? userId },
            wa_id: userId,
            ...(c?.bsuid ? { user_id: c.bsuid } : {}),
          };
        });
        changes.push({
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata, contacts, messages: group.map((r) => r.item) },
        });
      } else {
        changes.push({
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata, statuses: group.map((r) => r.item) },
        });
      }
    }
    byWaba.set(wabaId, changes);
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...byWaba].map(([id, changes]) => ({ id, changes })),
  };
}
