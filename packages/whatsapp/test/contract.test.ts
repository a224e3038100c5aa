import { adapterContract, metaContract } from '@switchboard/testkit/contracts';
import { createWhatsAppAdapter } from '../src/index.js';
import { APP_SECRET, FIXTURES, P1, P2, U1, VERIFY_TOKEN, WABA } from './helpers.js';

const messagingBody = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: WABA,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: P1 },
            ...value,
          },
        },
      ],
    },
  ],
});

adapterContract({
  name: 'whatsapp',
  ...metaContract({ channel: 'whatsapp', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, wabaId: WABA }),
  createAdapter: ({ graphBaseUrl }) =>
    createWhatsAppAdapter({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      accessToken: 'EAAGcontractToken0000',
      phoneNumberIds: [P1, P2],
      wabaIds: [WABA],
      graphBaseUrl,
    }),
  fixturesDir: FIXTURES,
  recipient: { accountId: P1, userId: U1 },
  unknownItemBodies: [
    // A messages change carrying only an array Meta may add later.
    messagingBody({ groups: [{ id: '120363040000000000', subject: 'Team' }] }),
    // A status we do not know.
    messagingBody({
      statuses: [{ id: 'wamid.X', status: 'warning', timestamp: '1795939200', recipient_id: U1 }],
    }),
    // Out-of-band errors with nothing else.
    messagingBody({ errors: [{ code: 131000, title: 'Something went wrong' }] }),
  ],
});
