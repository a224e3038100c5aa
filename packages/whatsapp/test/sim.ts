import type { MetaSimulator, MetaSimulatorOptions } from '@switchboard/simulator';
import { startMetaSimulator } from '@switchboard/simulator';
import { createWhatsAppAdapter, type WhatsAppAdapterConfig } from '../src/index.js';

/** A simulator plus an adapter configured against it, for the first WhatsApp number. */
export async function startWorld(
  overrides: Partial<WhatsAppAdapterConfig> = {},
  simOptions: MetaSimulatorOptions = {},
) {
  const sim: MetaSimulator = await startMetaSimulator({ seed: 7, ...simOptions });
  const phone = sim.world.phoneNumbers[0]!;
  const waba = sim.world.wabas.find((w) => w.id === phone.wabaId)!;
  const customer = sim.world.customers.find((c) => c.channel === 'whatsapp' && c.accountId === phone.id)!;
  const adapter = createWhatsAppAdapter({
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    accessToken: sim.world.systemUserToken,
    phoneNumberIds: sim.world.phoneNumbers.map((p) => p.id),
    wabaIds: [waba.id],
    appId: sim.world.app.id,
    graphBaseUrl: sim.url,
    ...overrides,
  });
  const to = { channel: 'whatsapp', accountId: phone.id, userId: customer.userId };
  return { sim, adapter, phone, waba, customer, to };
}
