/**
 * The simulator for bench/send.ts, in its own process so its CPU is not counted with the sender's.
 * Sends `{ type: 'ready', url, token, appSecret, phoneNumberId, userId }` over IPC.
 */
import { startMetaSimulator } from '@switchboard/simulator';

const sim = await startMetaSimulator({ seed: 7 });
const phone = sim.world.phoneNumbers[0]!;
const customer = sim.world.customers.find((c) => c.channel === 'whatsapp' && c.accountId === phone.id)!;
process.send?.({
  type: 'ready',
  url: sim.url,
  token: sim.world.systemUserToken,
  appSecret: sim.world.app.secret,
  verifyToken: sim.world.app.verifyToken,
  phoneNumberId: phone.id,
  userId: customer.userId,
});
process.on('message', async (m: { type?: string }) => {
  if (m?.type !== 'stop') return;
  await sim.stop();
  process.exit(0);
});
