import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every ```ts block of these READMEs runs here, against the built packages, as a user pastes it into a
 * file: the names a fragment takes from the text around it (a `switchboard`, an Express `app`, secrets)
 * come from a small setup per block, written below and keyed by the block's heading. A block without
 * a setup fails the test: a new example gets one, or is marked ```typescript (an illustration).
 * Ports become 0 and file paths a temporary directory; each block runs in its own Node process. A block
 * under the same heading as the block before it continues that example, so it runs after it. Blocks that
 * call the Graph API run against the Meta simulator: a setup that starts one (`simulator` below) has the
 * README's Graph hosts and example ids replaced by the simulator's (`toSimulator`).
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(`${ROOT}tests/packaging/.readme-blocks-`);
const pgSchema = `readme_blocks_${process.pid}`;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  spawnSync('psql', [
    '-h',
    '127.0.0.1',
    '-U',
    'postgres',
    '-d',
    'test',
    '-qc',
    `DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`,
  ]);
});

/** An engine on the memory store with a WhatsApp adapter whose Graph calls go nowhere (127.0.0.1:9). */
const engine = `import { createMemoryStore as __memory, createSwitchboard as __create } from '@switchboard/core';
import { createWhatsAppAdapter as __whatsapp } from '@switchboard/whatsapp';
const switchboard = __create({
  adapters: [__whatsapp({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })],
  store: __memory(),
});`;

/** An adapter that accepts every send at once, for the outbox examples. */
const acceptingEngine = `import { createMemoryStore as __memory, createSwitchboard as __create } from '@switchboard/core';
const switchboard = __create({
  store: __memory(),
  adapters: [{
    channel: 'whatsapp',
    limits: { textMaxLength: 4096, textLengthUnit: 'chars', buttonsMax: 3, quickRepliesMax: 0, windowHours: 24, sendPerSecond: 80, supportedContent: ['text'] },
    verifyChallenge: () => null,
    verifySignature: () => ({ ok: false, reason: 'missing' }),
    parseWebhook: () => ({ events: [], problems: [] }),
    send: async () => ({ messageId: 'wamid.1', acceptedAt: Date.now(), raw: null }),
    probes: () => [],
  }],
});
await switchboard.start();`;

const adapters = `import { createInstagramAdapter, } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
const graphBaseUrl = 'http://127.0.0.1:9';`;

/**
 * The Meta simulator on the real clock, with the names blocks take from their prose: `__page` (a Page and
 * its customers), `__ig` (its linked Instagram account), the app's id and secret in the environment the
 * adapters' `…ConfigFromEnv()` read.
 */
const simulator = `import { startMetaSimulator as __startSim } from '@switchboard/simulator';
const __sim = await __startSim({ seed: 7 });
const __page = __sim.account('messenger');
const __ig = __sim.account('instagram');
const __app = __sim.world.app;
Object.assign(process.env, {
  MESSENGER_APP_ID: __app.id, MESSENGER_APP_SECRET: __app.secret, MESSENGER_VERIFY_TOKEN: 'verify-token',
  MESSENGER_PAGE_IDS: __page.accountId, MESSENGER_ACCESS_TOKEN: __page.token, MESSENGER_GRAPH_BASE_URL: __sim.url,
  INSTAGRAM_APP_ID: __app.id, INSTAGRAM_APP_SECRET: __app.secret, INSTAGRAM_VERIFY_TOKEN: 'verify-token',
  INSTAGRAM_ACCESS_TOKEN: __ig.token, INSTAGRAM_ACCESS_TOKENS: \`\${__ig.accountId}:\${__ig.token}\`,
  INSTAGRAM_ACCOUNT_IDS: __ig.accountId, INSTAGRAM_GRAPH_BASE_URL: __sim.url,
});`;

/** The README's example ids → the simulator's (an id used as an object key becomes a computed key). */
const SIM_IDS: Record<string, string> = {
  '105927095402516': '__page.accountId',
  '6571349092893521': '__page.customers[0].userId',
  '17841405822304914': '__ig.accountId',
  '1254459154682919': '__ig.customers[0].userId',
};

/** Graph calls of the adapters and onboarding helpers go to the simulator instead of Meta's hosts. */
function toSimulator(code: string): string {
  let out = code
    .replace(/create(Messenger|Instagram|WhatsApp)Adapter\(\{/g, '$&graphBaseUrl: __sim.url, ')
    .replace(/connectFacebookLogin\(\{/g, '$&graphBaseUrl: __sim.url, ')
    .replace(
      /connectInstagramLogin\(\{/g,
      '$&graphBaseUrl: __sim.url, instagramGraphBaseUrl: __sim.url, instagramApiBaseUrl: __sim.url, ',
    );
  for (const [id, expression] of Object.entries(SIM_IDS))
    out = out.replaceAll(`'${id}':`, `[${expression}]:`).replaceAll(`'${id}'`, expression);
  return out;
}

/**
 * A simulator with its first WhatsApp number and a customer, for the WhatsApp README: `phoneNumberId`,
 * `wabaId`, `customerWaId`, and `__config`, an adapter configuration whose Graph calls go to the simulator.
 */
const waSim = `import { startMetaSimulator as __start } from '@switchboard/simulator';
import { createMemoryStore as __memory, createSwitchboard as __create } from '@switchboard/core';
import { createWhatsAppAdapter as __wa } from '@switchboard/whatsapp';
const __sim = await __start({ seed: 7, templateReviewMs: 0 });
const phoneNumberId = __sim.world.phoneNumbers[0]!.id;
const wabaId = __sim.world.phoneNumbers[0]!.wabaId;
const customerWaId = __sim.world.customers.find((c) => c.channel === 'whatsapp' && c.accountId === phoneNumberId)!.userId;
const __config = { appSecret: __sim.world.app.secret, verifyToken: __sim.world.app.verifyToken, accessToken: __sim.world.systemUserToken, graphBaseUrl: __sim.url, wabaIdByPhoneNumberId: { [phoneNumberId]: wabaId } };`;

/** The same with \`whatsapp\` (the adapter) and a started \`switchboard\` around it. */
const waEngine = `${waSim}
const whatsapp = __wa(__config);
const switchboard = __create({ adapters: [whatsapp], store: __memory(), watch: false });
await switchboard.start();`;

/** An engine with a Meta adapter (comments on) against a simulator holding one customer comment. */
const commentsEngine = (
  channel: 'messenger' | 'instagram',
) => `import { createMemoryStore as __memory, createSwitchboard as __create } from '@switchboard/core';
import { create${channel === 'messenger' ? 'Messenger' : 'Instagram'}Adapter as __adapter } from '@switchboard/${channel}';
import { startMetaSimulator as __sim } from '@switchboard/simulator';
const __s = await __sim({ seed: 5 });
const __account = __s.account('${channel}');
const { comment: __comment } = __s.comments.customerComments({ channel: '${channel}', text: 'Price?' });
const commentId = __comment.id, authorId = __comment.authorId;
const ${channel === 'messenger' ? 'pageId' : 'igId'} = __account.accountId;
const switchboard = __create({
  adapters: [__adapter({ appSecret: __s.world.app.secret, verifyToken: 'verify-token', accessToken: __account.token, graphBaseUrl: __s.url, comments: true, ${channel === 'messenger' ? 'pageIds: [__account.accountId]' : `instagramAccountIds: [__account.accountId], pageIdByInstagramAccountId: { [__account.accountId]: __s.world.instagram[0]?.pageId ?? '' }`} })],
  store: __memory(),
});
await switchboard.start();`;

/** A block that runs in another suite instead (named, so a moved or renamed test is noticed). */
const ELSEWHERE = 'elsewhere:';

/** A simulator and an engine for the Messenger / Instagram routing, profile and people sections. */
const metaSim = `import { createMemoryStore as __memory, createSwitchboard as __create, silentLogger as __silent } from '@switchboard/core';
import { startMetaSimulator as __start } from '@switchboard/simulator';
const __sim = await __start({ seed: 5 });
const __app = { appId: __sim.world.app.id, appSecret: __sim.world.app.secret, verifyToken: 'verify-token', graphBaseUrl: __sim.url };`;
const messengerSim = `${metaSim}
import { createMessengerAdapter as __messenger } from '@switchboard/messenger';
const __page = __sim.account('messenger');
const pageId = __page.accountId;
const psid = __page.customers[0]!.userId;
const userRef = __sim.people.checkboxOptIn(pageId).userRef;
const messenger = __messenger({ ...__app, pageIds: [pageId], accessToken: __page.token });
const switchboard = __create({ adapters: [messenger], store: __memory(), logger: __silent, watch: false, tokens: false });`;
const instagramSim = `${metaSim}
import { createInstagramAdapter as __instagram } from '@switchboard/instagram';
const __linked = __sim.world.instagram.find((a) => a.pageId)!;
const igId = __linked.id;
const igsid = __sim.account('instagram', __sim.world.instagram.indexOf(__linked)).customers[0]!.userId;
const instagram = __instagram({ ...__app, apiFlavour: 'facebook-login', instagramAccountIds: [igId], pageIdByInstagramAccountId: { [igId]: __linked.pageId! }, accessToken: __linked.accessToken });
const switchboard = __create({ adapters: [instagram], store: __memory(), logger: __silent, watch: false, tokens: false });`;

const SETUPS: Record<string, Record<string, string>> = {
  core: {
    // Its adapterContract call registers vitest cases: it runs inside testkit's suite.
    'Writing an adapter': `${ELSEWHERE}packages/testkit/test/core-readme-adapter.test.ts`,
    'Quick start (node:http)': `const appSecret = 'app-secret', verifyToken = 'verify-token', accessToken = 'token';`,
    Express: `import express from 'express';\nimport { toNodeListener } from '@switchboard/core/node';\n${engine}`,
    Fastify: `import Fastify from 'fastify';\nimport { toNodeListener } from '@switchboard/core/node';\n${engine}\nconst fastify = Fastify();`,
    'Web-standard': `import { Hono } from 'hono';\n${engine}\nconst app = new Hono();`,
    'Another server': `${engine}\nconst headers: Record<string, string> = {};\nconst rawBody = new TextEncoder().encode('{}');`,
    'Sending: the outbox': `${acceptingEngine}
const to = { channel: 'whatsapp', accountId: '106540352242922', userId: '33612345678' };
const message = { to, content: { type: 'text' as const, text: 'Your order is on its way' } };`,
    'Many businesses': `${adapters}
import { createMemoryStore } from '@switchboard/core';
const store = createMemoryStore();
const businessToken = 'EAAG-business-token';
const acmeInbox: unknown[] = [];
const pageAcme = (_alarm: unknown) => {};`,
    'Running in a child process': `import http from 'node:http';
import { createSwitchboard } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
const adapters = [createWhatsAppAdapter({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })];`,
    'Fleet watch': engine,
    'Traffic charts': engine,
    'Silence detection': `${adapters}
import { createMemoryRateLimiter, createMemoryStore, createSwitchboard } from '@switchboard/core';
const store = createMemoryStore();
const limiter = createMemoryRateLimiter();
const common = { appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl, limiter };
const messenger = createMessengerAdapter(common);
const instagram = createInstagramAdapter(common);
const whatsapp = createWhatsAppAdapter(common);`,
  },
  messenger: {
    'Quick start': simulator,
    'Without the engine': `import { createHmac } from 'node:crypto';
import { createMessengerAdapter } from '@switchboard/messenger';
const messenger = createMessengerAdapter({ appSecret: 'app-secret', verifyToken: 'verify-token' });
const rawBody = new TextEncoder().encode('{"object":"page","entry":[]}');
const request = { headers: { 'x-hub-signature-256': \`sha256=\${createHmac('sha256', 'app-secret').update(rawBody).digest('hex')}\` } };`,
    'Many businesses': `${simulator}
import { createMemoryStore, createSwitchboard, credentialKeysFromEnv } from '@switchboard/core';
import { createMessengerAdapter } from '@switchboard/messenger';
const store = createMemoryStore();
const appId = __app.id, appSecret = __app.secret, pageId = __page.accountId, pageToken = __page.token;`,
    Comments: commentsEngine('messenger'),
    'Replies and moderation': commentsEngine('messenger'),
    'Onboarding: Facebook Login': `${simulator}
import { createMemoryStore as __memory, createSwitchboard as __create, credentialKeysFromEnv as __keys } from '@switchboard/core';
import { createMessengerAdapter as __messenger } from '@switchboard/messenger';
const switchboard = __create({ adapters: [__messenger({ appSecrets: [], verifyToken: 'v', graphBaseUrl: __sim.url })], store: __memory(), credentials: { keys: __keys() } });
const appId = __app.id, appSecret = __app.secret;
const { userAccessToken } = __sim.onboarding.facebookLogin({ pages: 1, instagram: 1 });`,
    'Conversation routing': messengerSim,
    'Profile settings': messengerSim,
    'User profiles': messengerSim,
    Personas: messengerSim,
    'Downloading inbound attachments': messengerSim,
  },
  instagram: {
    Comments: commentsEngine('instagram'),
    'Replies and moderation': commentsEngine('instagram'),
    'Quick start': simulator,
    'Many businesses': `${simulator}
import { createMemoryStore, createSwitchboard, credentialKeysFromEnv } from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
const store = createMemoryStore();
const pageToken = __page.token, instagramUserToken = __sim.account('instagram', 1).token;`,
    'Onboarding: Instagram Login': `${simulator}
import { createMemoryStore as __memory, createSwitchboard as __create, credentialKeysFromEnv as __keys } from '@switchboard/core';
import { createInstagramAdapter as __instagram } from '@switchboard/instagram';
const switchboard = __create({ adapters: [__instagram({ appSecrets: [], verifyToken: 'v' })], store: __memory(), credentials: { keys: __keys() } });
const { code } = __sim.onboarding.instagramLogin({ redirectUri: 'https://platform.example.com/auth/instagram/callback' });`,
    'Conversation routing': instagramSim,
    'Ice breakers and persistent menu': instagramSim,
    'User profiles': instagramSim,
    'Downloading inbound attachments': instagramSim,
  },
  simulator: {
    'Quick start (JS API)': '',
    Traffic: `import { ManualClock as __Clock } from '@switchboard/core';
import { startMetaSimulator as __startSim } from '@switchboard/simulator';
const sim = await __startSim({ clock: new __Clock(), seed: 2 });`,
    'Accounts at runtime': '',
  },
  redis: {
    'Quick start': `import { createMemoryStore as __memory } from '@switchboard/core';
import { createWhatsAppAdapter as __whatsapp } from '@switchboard/whatsapp';
const adapters = [__whatsapp({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })];
const store = __memory();`,
    'Running several instances': `import { createMemoryStore as __memory, createSwitchboard, silentLogger as logger } from '@switchboard/core';
import { createWhatsAppAdapter as __whatsapp } from '@switchboard/whatsapp';
const adapters = [__whatsapp({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })];
const store = __memory(), instanceId = 'readme-1';
const reconcile = async () => {};`,
    Lock: `import { createRedisLock } from '@switchboard/redis';
const reconcile = async () => {};`,
  },
  'store-postgres': {
    'Quick start': `import { createWhatsAppAdapter as __whatsapp } from '@switchboard/whatsapp';
const whatsapp = __whatsapp({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' });`,
    'Running several instances': `import { createWhatsAppAdapter, whatsAppConfigFromEnv } from '@switchboard/whatsapp';
Object.assign(process.env, { WHATSAPP_APP_SECRET: 'app-secret', WHATSAPP_VERIFY_TOKEN: 'verify-token', WHATSAPP_ACCESS_TOKEN: 'token', WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:9' });`,
  },
  testkit: {
    'Signed requests': `${engine}
const fixture = { object: 'whatsapp_business_account', entry: [] };`,
    // storeContract registers vitest cases: it runs inside testkit's suite.
    Stores: `${ELSEWHERE}packages/testkit/test/readme-store.test.ts`,
    'Accounts stand-in': `${simulator}
const sim = __sim, appId = __app.id, appSecret = __app.secret, redirectUri = 'https://platform.example.com/auth/instagram/callback';
const { code } = __sim.onboarding.instagramLogin({ redirectUri });`,
  },
  whatsapp: {
    'Quick start': `import { createMemoryStore } from '@switchboard/core';
const store = createMemoryStore();
process.env.WHATSAPP_APP_SECRET ??= 'app-secret';
process.env.WHATSAPP_VERIFY_TOKEN ??= 'verify-token';
process.env.WHATSAPP_ACCESS_TOKEN ??= 'token';`,
    'Without the engine': `${waEngine}
const inbox = { save: async (_events: unknown, _problems: unknown) => {} };`,
    'Many businesses': `${waSim}
import { createSwitchboard, credentialKeysFromEnv } from '@switchboard/core';
// The block's adapter, pointed at the simulator.
const createWhatsAppAdapter: typeof __wa = (config) => __wa({ ...config, graphBaseUrl: __sim.url });
const store = __memory();
const appId = __sim.world.app.id, appSecret = __sim.world.app.secret;
const businessToken = __sim.world.systemUserToken;
const { mediaId } = await __wa(__config).uploadMedia({ phoneNumberId, bytes: new Uint8Array([137, 80, 78, 71]), mimeType: 'image/png' });
process.env.WHATSAPP_VERIFY_TOKEN ??= 'verify-token';`,
    Onboarding: `${waEngine}
process.env.WHATSAPP_APP_ID ??= __sim.world.app.id;
process.env.WHATSAPP_APP_SECRET ??= __sim.world.app.secret;
process.env.WHATSAPP_VERIFY_TOKEN ??= 'tenant-verify';`,
    Media: `${waEngine}
const bytes = new TextEncoder().encode('%PDF-1.4 invoice');
const to = { channel: 'whatsapp', accountId: phoneNumberId, userId: customerWaId };
const part = await whatsapp.uploadMedia({ phoneNumberId, bytes: new Uint8Array([137, 80, 78, 71]), mimeType: 'image/png' });`,
    Groups: `${waEngine}
await whatsapp.groups.create(phoneNumberId, { subject: 'Launch' });
const groupId = __sim.groups.list(phoneNumberId)[0]!.id;
const groupsTable = { save: async (_group: unknown) => {} };`,
    Calls: `${waEngine}
const callList = { allow: async (_userId: string, _until: number | null | undefined) => {} };`,
    'Flows: sending': `${waEngine}
const bookings = { confirm: async (_key: string | null, _answers: Record<string, unknown>) => {} };`,
    'public key': waEngine,
    'data-exchange endpoint': `import http from 'node:http';
process.env.WHATSAPP_APP_SECRET ??= 'app-secret';
const bookingOpen = async (_token: string) => true;
const freeSlots = async () => ['10:00', '11:00'];`,
    'Managing templates': waEngine,
    'Template webhooks': `${waEngine}\nconst notifyMarketing = async (_text: string) => {};`,
    'Sending a template': `${waEngine}\nconst to = { channel: 'whatsapp', accountId: phoneNumberId, userId: customerWaId };`,
  },
  'store-sqlite': {
    'Quick start': `import { createWhatsAppAdapter } from '@switchboard/whatsapp';
const adapters = [createWhatsAppAdapter({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })];`,
  },
};

/** The README's ts blocks; one under the same heading as the block before it runs after that block. */
function blocksOf(name: string): { heading: string; code: string }[] {
  const readme = readFileSync(`${ROOT}packages/${name}/README.md`, 'utf8');
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  for (const part of readme.split(/^(```ts\n[\s\S]*?^```)$/m)) {
    if (!part.startsWith('```ts\n')) {
      heading = [...part.matchAll(/^#{2,3} (.+)$/gm)].pop()?.[1] ?? heading;
      continue;
    }
    const before = out.at(-1);
    const code = part.slice(6, -3);
    out.push({ heading, code: before?.heading === heading ? `${before.code}\n${code}` : code });
  }
  return out;
}

const env = {
  ...process.env,
  VERIFY_TOKEN: 'verify-token',
  META_APP_ID: '605992674944142',
  META_APP_SECRET: 'app-secret',
  SWITCHBOARD_CREDENTIAL_KEY: randomBytes(32).toString('base64'),
  SWITCHBOARD_ALARM_URL: 'http://127.0.0.1:9/alarms',
  DB_PATH: `${dir}/child.db`,
  PORT: '0',
  LOG_LEVEL: 'silent',
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  // store-postgres's quick start takes its schema from here (a block that names one uses 'switchboard').
  SWITCHBOARD_PG_SCHEMA: pgSchema,
};

describe.each(Object.keys(SETUPS))('%s README', (name) => {
  const blocks = blocksOf(name);
  it('has ts blocks', () => expect(blocks.length).toBeGreaterThan(0));

  it.each(blocks.map((b, i) => [i, b.heading, b.code] as const))(
    'block %i (%s) runs',
    (i, heading, code) => {
      const setups = SETUPS[name] ?? {};
      const key = Object.keys(setups).find((k) => heading.includes(k));
      expect(key, `no setup for the block under "${heading}"`).toBeDefined();
      const setup = setups[key ?? ''] ?? '';
      if (setup.startsWith(ELSEWHERE)) {
        const suite = readFileSync(`${ROOT}${setup.slice(ELSEWHERE.length)}`, 'utf8');
        expect(suite, `${setup} runs the block under "${heading}"`).toContain(`## ${heading}`);
        return;
      }
      const body = (setup.includes('__sim') ? toSimulator(code) : code)
        .replaceAll("'./data/switchboard.db'", JSON.stringify(`${dir}/${name}-${i}.db`))
        .replace(/\.listen\(3000\)/g, ".listen(0, '127.0.0.1')");
      const file = `${dir}/${name}-${i}.mts`;
      writeFileSync(file, `${setup}\n${body}\nprocess.exit(0);\n`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, `${heading}\n${run.stderr}`).toBe(0);
    },
    90_000,
  );
});

/** Packages whose README blocks run in a suite of their own, against their sources. */
const OWN_SUITES: Record<string, string> = {
  'meta-graph': 'packages/meta-graph/test/readme.test.ts',
  telegram: 'packages/telegram/test/readme.test.ts',
};

it('every package README with ts blocks runs here or in a suite of its own', () => {
  const withBlocks = readdirSync(`${ROOT}packages`).filter((name) => {
    try {
      return readFileSync(`${ROOT}packages/${name}/README.md`, 'utf8').includes('\n```ts\n');
    } catch {
      return false;
    }
  });
  const uncovered = withBlocks.filter((name) => !(name in SETUPS) && !(name in OWN_SUITES));
  expect(uncovered).toEqual([]);
  for (const suite of Object.values(OWN_SUITES))
    expect(readFileSync(`${ROOT}${suite}`, 'utf8')).toContain('README');
});
