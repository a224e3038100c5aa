import { adapterContract, metaContract } from '@switchboard/testkit/contracts';
import { createMessengerAdapter } from '../src/index.js';
import { APP_SECRET, FIXTURES, PAGE, PSID } from './helpers.js';

adapterContract({
  name: 'messenger',
  ...metaContract({ channel: 'messenger', appSecret: APP_SECRET, verifyToken: 'verify-me' }),
  createAdapter: ({ graphBaseUrl }) =>
    createMessengerAdapter({
      appSecret: APP_SECRET,
      verifyToken: 'verify-me',
      pageIds: [PAGE],
      accessToken: 'EAAcontracttoken0000000',
      graphBaseUrl,
    }),
  fixturesDir: FIXTURES,
  recipient: { accountId: PAGE, userId: PSID },
  unknownItemBodies: [
    {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1764410400123,
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: 1764410400000,
              brand_new_event: { x: 1 },
            },
          ],
        },
      ],
    },
    {
      object: 'page',
      entry: [
        { id: PAGE, time: 1764410400123, changes: [{ field: 'feed', value: { item: 'post', verb: 'add' } }] },
      ],
    },
  ],
});
