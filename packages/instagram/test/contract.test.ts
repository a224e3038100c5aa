import { adapterContract, metaContract } from '@switchboard/testkit/contracts';
import { createInstagramAdapter } from '../src/index.js';
import { APP_SECRET, FIXTURES, IG, IGSID } from './helpers.js';

adapterContract({
  name: 'instagram',
  ...metaContract({ channel: 'instagram', appSecret: APP_SECRET, verifyToken: 'verify-me' }),
  createAdapter: ({ graphBaseUrl }) =>
    createInstagramAdapter({
      appSecret: APP_SECRET,
      verifyToken: 'verify-me',
      instagramAccountIds: [IG],
      accessToken: 'EAAcontracttoken0000000',
      graphBaseUrl,
    }),
  fixturesDir: FIXTURES,
  recipient: { accountId: IG, userId: IGSID },
  unknownItemBodies: [
    {
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: 1764410400456,
          messaging: [
            { sender: { id: IGSID }, recipient: { id: IG }, timestamp: 1764410400456, brand_new_event: {} },
          ],
        },
      ],
    },
    {
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: 1764410400,
          changes: [{ field: 'story_insights', value: { media_id: '1', impressions: 3 } }],
        },
      ],
    },
  ],
});
