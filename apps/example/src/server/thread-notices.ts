import type { GroupEvent, OutboundMessage } from '@switchboard/core';

const who = (event: GroupEvent) =>
  event.participants
    ?.map((p) => p.userId ?? p.input)
    .filter(Boolean)
    .join(', ') || 'Someone';

/** One line per group notification: what happened to the group, and whether it worked. */
export function groupNotice(event: GroupEvent): string {
  const failed = event.succeeded ? '' : ' — failed';
  switch (event.action) {
    case 'created':
      return `👥 Group “${event.subject ?? event.groupId ?? 'new group'}” created${failed}`;
    case 'deleted':
      return `👥 Group deleted${failed}`;
    case 'updated': {
      const changes = (event.changes ?? []).map(
        (c) =>
          `${c.setting}${c.value === undefined ? '' : ` → “${c.value}”`}${c.succeeded ? '' : ' (failed)'}`,
      );
      return `👥 Group settings changed: ${changes.join(', ') || 'settings'}`;
    }
    case 'participants_added':
      return `👥 ${who(event)} joined${event.reason === 'invite_link' ? ' via the invite link' : ''}`;
    case 'participants_removed': {
      const by = event.initiatedBy === 'participant' ? 'left' : 'was removed';
      const notRemoved = event.failedParticipants?.length
        ? ` (${event.failedParticipants.length} could not be removed)`
        : '';
      return `👥 ${who(event)} ${by}${notRemoved}`;
    }
    case 'join_requested':
      return `👥 ${who(event)} asked to join`;
    case 'join_request_revoked':
      return `👥 ${who(event)} withdrew the request to join`;
    case 'suspended':
      return '⛔ Group suspended by WhatsApp';
    case 'unsuspended':
      return '👥 Group suspension lifted';
  }
}

/** How an outbound Flow or call permission request reads in a reply quote and in the thread. */
export function describeOutboundInteractive(content: OutboundMessage['content']): string | undefined {
  if (content.type === 'flow') return `📋 ${content.body} [${content.cta}]`;
  if (content.type === 'call_permission_request') return `📞 ${content.text} [call permission]`;
  return undefined;
}
