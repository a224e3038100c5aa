import type { MetaSimulator } from '@switchboard/simulator';
import { CHANNEL_LABEL, formatDuration } from '../shared/format.js';
import type { ChaosAction, FaultView } from '../shared/types.js';

/**
 * Chaos controls over the in-process simulator: the faults a user can start from the health page
 * to watch Switchboard notice and recover.
 */
export function createChaos(sim: MetaSimulator) {
  /** Tokens this page expired, with their real expiry, so "renew" can give them back. */
  const expired = new Map<string, number>();
  const tokenOf = (channel: string): string => {
    if (channel === 'whatsapp') return sim.world.systemUserToken;
    if (channel === 'instagram') return sim.world.instagram[0]?.accessToken ?? '';
    return sim.world.pages[0]?.accessToken ?? '';
  };
  const renew = () => {
    for (const [token, expiresAt] of expired) {
      const record = sim.world.tokens.find((t) => t.token === token);
      if (record) record.expiresAt = expiresAt;
    }
    expired.clear();
  };

  return {
    apply(action: ChaosAction): string {
      switch (action.type) {
        case 'instagram-outage':
          sim.faults.webhookOutage({
            channel: 'instagram',
            mode: action.mode,
            durationMs: action.durationMs,
          });
          return `Instagram webhooks ${action.mode === 'drop' ? 'dropped' : 'held back'} for ${formatDuration(action.durationMs)}`;
        case 'rate-limit-storm':
          sim.faults.rateLimitStorm({
            ...(action.channel ? { channel: action.channel as 'messenger' } : {}),
            durationMs: action.durationMs,
          });
          return `429 storm on ${action.channel ? CHANNEL_LABEL[action.channel] : 'every channel'} for ${formatDuration(action.durationMs)}`;
        case 'expire-token': {
          const token = tokenOf(action.channel);
          const record = sim.world.tokens.find((t) => t.token === token);
          if (!record) throw new Error(`no ${action.channel} token in the simulator`);
          if (!expired.has(token)) expired.set(token, record.expiresAt);
          sim.faults.expireToken(token);
          return `${CHANNEL_LABEL[action.channel] ?? action.channel} access token expired`;
        }
        case 'renew-tokens':
          renew();
          return 'Tokens renewed';
        case 'clear':
          sim.faults.clear();
          renew();
          return 'All faults cleared';
      }
    },
    faults(): FaultView[] {
      const now = sim.clock.now();
      const views: FaultView[] = sim.faults.list().map((f) => ({
        id: f.id,
        type: f.type,
        label: labelOf(f),
        until: f.endsAt ?? null,
      }));
      for (const token of expired.keys()) {
        const owner = sim.world.tokens.find((t) => t.token === token);
        views.push({
          id: `token:${owner?.label ?? '?'}`,
          type: 'expired-token',
          label: `Expired token (${owner?.label ?? 'unknown'})`,
          until: null,
        });
      }
      return views.filter((v) => v.until === null || v.until > now);
    },
  };
}

function labelOf(f: ReturnType<MetaSimulator['faults']['list']>[number]): string {
  const where = f.channel ? CHANNEL_LABEL[f.channel] : 'all channels';
  switch (f.type) {
    case 'webhook-outage':
      return `Webhook outage (${f.mode}) on ${where}`;
    case 'rate-limit-storm':
      return `429 rate-limit storm on ${where}`;
    default:
      return `${f.type} on ${where}`;
  }
}
