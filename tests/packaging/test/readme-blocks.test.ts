import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every ```ts block of these READMEs runs here, against the built packages, as a user pastes it into a
 * file: the names a fragment takes from the text around it (a `switchboard`, an Express `app`, secrets)
 * come from a small setup per block, written below and keyed by the block's heading. A block without
 * a setup fails the test: a new example gets one, or is marked ```typescript (an illustration).
 * Ports become 0 and file paths a temporary directory; each block runs in its own Node process.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(`${ROOT}tests/packaging/.readme-blocks-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    'Conversation routing': messengerSim,
    'Profile settings': messengerSim,
    'User profiles': messengerSim,
    Personas: messengerSim,
    'Downloading inbound attachments': messengerSim,
  },
  instagram: {
    'Conversation routing': instagramSim,
    'Ice breakers and persistent menu': instagramSim,
    'User profiles': instagramSim,
    'Downloading inbound attachments': instagramSim,
  },
  'store-sqlite': {
    'Quick start': `import { createWhatsAppAdapter } from '@switchboard/whatsapp';
const adapters = [createWhatsAppAdapter({ appSecret: 'app-secret', verifyToken: 'verify-token', accessToken: 'token', graphBaseUrl: 'http://127.0.0.1:9' })];`,
  },
};

function blocksOf(name: string): { heading: string; code: string }[] {
  const readme = readFileSync(`${ROOT}packages/${name}/README.md`, 'utf8');
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  for (const part of readme.split(/^(```ts\n[\s\S]*?^```)$/m)) {
    if (part.startsWith('```ts\n')) out.push({ heading, code: part.slice(6, -3) });
    else heading = [...part.matchAll(/^#{2,3} (.+)$/gm)].pop()?.[1] ?? heading;
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
      const body = code
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
