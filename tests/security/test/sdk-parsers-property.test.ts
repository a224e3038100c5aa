import { type ChannelAdapter, ChannelEvent, SwitchboardError } from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyFor } from './sdk-arbitraries.js';
import { IG, PAGE, PHONE, SECRETS } from './sdk-harness.js';

const adapters: Record<'messenger' | 'instagram' | 'whatsapp', ChannelAdapter> = {
  messenger: createMessengerAdapter({
    appSecret: SECRETS.messengerAppSecret,
    verifyToken: 'v',
    pageIds: [PAGE],
  }),
  instagram: createInstagramAdapter({
    appSecret: SECRETS.instagramAppSecret,
    verifyToken: 'v',
    instagramAccountIds: [IG],
  }),
  whatsapp: createWhatsAppAdapter({
    appSecret: SECRETS.whatsappAppSecret,
    verifyToken: 'v',
    phoneNumberIds: [PHONE],
  }),
};

/** What every parse must satisfy: a result whose events all pass the model's schema, or PAYLOAD_INVALID. */
function checkParse(adapter: ChannelAdapter, bytes: Uint8Array): void {
  const attempts = [
    () => adapter.parseWebhook(bytes),
    () => {
      const events: ChannelEvent[] = [];
      for (const slice of adapter.parseWebhookSlices?.(bytes) ?? []) events.push(...slice.events);
      return { events, problems: [] };
    },
  ];
  for (const parse of attempts) {
    let parsed: ReturnType<typeof adapter.parseWebhook>;
    try {
      parsed = parse();
    } catch (error) {
      if (!(error instanceof SwitchboardError) || error.code !== 'PAYLOAD_INVALID') throw error;
      continue;
    }
    for (const event of parsed.events) {
      const check = ChannelEvent.safeParse(event);
      if (!check.success) {
        throw new Error(`event ${event.key} fails the model: ${JSON.stringify(check.error.issues[0])}`);
      }
      JSON.stringify(event); // storable: no cycles, no overflow
    }
  }
}

describe('property: the three parsers on signed garbage (issue 13 bad-input suite)', () => {
  for (const channel of ['messenger', 'instagram', 'whatsapp'] as const) {
    it(`${channel}: never throws past PAYLOAD_INVALID; every event passes the model's zod schema`, () => {
      const adapter = adapters[channel];
      fc.assert(
        fc.property(bodyFor(channel), (bytes) => {
          checkParse(adapter, bytes);
        }),
        // Seeded so a run is reproducible; SECURITY_PROPERTY_SEED and _RUNS explore further.
        {
          numRuns: Number(process.env.SECURITY_PROPERTY_RUNS ?? 1500),
          seed: Number(process.env.SECURITY_PROPERTY_SEED ?? 20261206),
        },
      );
      expect(adapter.parseWebhookSlices).toBeTypeOf('function');
    });
  }
});
