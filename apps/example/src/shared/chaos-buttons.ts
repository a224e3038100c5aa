import type { ChaosAction } from './types.js';

/**
 * The fault buttons of the health page (besides "Renew tokens" and "Clear all faults"): what each
 * sends to `POST /api/chaos`. Shared with the tests, which press the same actions.
 */
export const CHAOS_BUTTONS: ReadonlyArray<{
  label: string;
  hint: string;
  action: ChaosAction;
  testid: string;
}> = [
  {
    label: 'Instagram webhook outage',
    hint: 'Meta holds Instagram webhooks for 2 min, then delivers them late',
    action: { type: 'instagram-outage', mode: 'hold', durationMs: 120_000 },
    testid: 'chaos-ig-hold',
  },
  {
    label: 'Instagram outage (events lost)',
    hint: 'Like 2024-07-11: webhooks are dropped for 2 min; backfill recovers them',
    action: { type: 'instagram-outage', mode: 'drop', durationMs: 120_000 },
    testid: 'chaos-ig-drop',
  },
  {
    label: '429 storm',
    hint: 'Every Graph call answers 613 / HTTP 429 for 1 min; sends back off and retry',
    action: { type: 'rate-limit-storm', durationMs: 60_000 },
    testid: 'chaos-429',
  },
  {
    label: 'Expire Page token',
    hint: 'The Messenger Page token (also used by the linked Instagram account) expires',
    action: { type: 'expire-token', channel: 'messenger' },
    testid: 'chaos-expire-messenger',
  },
  {
    label: 'Expire WhatsApp token',
    hint: 'The WhatsApp system-user token expires',
    action: { type: 'expire-token', channel: 'whatsapp' },
    testid: 'chaos-expire-whatsapp',
  },
];
