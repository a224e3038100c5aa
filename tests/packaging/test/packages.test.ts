import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/** Every published package and the exports a user relies on. */
const PACKAGES: Record<string, readonly string[]> = {
  '@switchboard/core': [
    'SwitchboardError',
    'ERROR_CODES',
    'ChannelEvent',
    'ContentPart',
    'OutboundMessage',
    'SendReceipt',
    'parseWith',
    'formatPath',
    'createLogger',
    'redact',
    'ManualClock',
    'systemClock',
    'conversationIdOf',
    'createSwitchboard',
    'createMemoryStore',
    'toNodeListener',
  ],
  '@switchboard/meta-graph': [
    'GRAPH_API_VERSION',
    'GRAPH_BASE_URL',
    'INSTAGRAM_GRAPH_BASE_URL',
    'verifyMetaSignature',
    'signMetaBody',
    'metaJsonStringify',
    'verifyMetaChallenge',
    'decodeJsonBody',
    'parseUsageHeaders',
    'classifyGraphError',
    'classifyTransportError',
    'META_ERROR_TABLE',
    'createGraphClient',
    'DebugTokenResponse',
    'MessengerPlatformEnvelope',
    'WhatsAppEnvelope',
    'parseEnvelope',
    'parseMessengerPlatformWebhook',
  ],
  // Meta's wire format alone (escaping, signing, Graph version): what the simulator and testkit import.
  '@switchboard/meta-graph/wire': [
    'metaJsonStringify',
    'signMetaBody',
    'appSecretProof',
    'GRAPH_API_VERSION',
  ],
  '@switchboard/messenger': ['createMessengerAdapter', 'messengerConfigFromEnv', 'MESSENGER_LIMITS'],
  '@switchboard/instagram': ['createInstagramAdapter', 'instagramConfigFromEnv', 'INSTAGRAM_LIMITS'],
  '@switchboard/whatsapp': ['createWhatsAppAdapter', 'parseWhatsAppWebhook'],
  '@switchboard/telegram': ['createTelegramAdapter', 'telegramConfigFromEnv', 'TELEGRAM_LIMITS'],
  '@switchboard/telegram/fake': ['startFakeBotApi'],
  '@switchboard/store-sqlite': ['createSqliteStore', 'MIGRATIONS'],
  '@switchboard/store-postgres': ['createPostgresStore', 'migrate', 'MIGRATIONS'],
  '@switchboard/redis': ['createRedisRateLimiter', 'createRedisLock'],
  '@switchboard/simulator': ['startMetaSimulator', 'TruthLedger', 'createWorld', 'metaStringify'],
  '@switchboard/testkit': [
    'createWebhookRequest',
    'createChallengeRequest',
    'signWebhookBody',
    'metaEscapedJson',
  ],
  '@switchboard/cli': ['runDoctor', 'main', 'formatReport'],
};

const NAMES = Object.keys(PACKAGES);
const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

type ChildResult = Record<string, { keys?: string[]; error?: string }>;

/** Runs plain Node (not vitest's module runner) so real `exports` resolution is exercised; one result per package. */
function loadInChild(mode: 'esm' | 'cjs'): ChildResult {
  const load = mode === 'esm' ? 'await import(n)' : 'require(n)';
  const script = `const out = {};
for (const n of ${JSON.stringify(NAMES)}) {
  try { out[n] = { keys: Object.keys(${load}).sort() }; } catch (e) { out[n] = { error: String(e && e.message || e) }; }
}
process.stdout.write(JSON.stringify(out));`;
  const args = mode === 'esm' ? ['--input-type=module', '-e', script] : ['-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' })) as ChildResult;
}

describe('the conformance suites', () => {
  it('load from an ES module, as vitest test files are', async () => {
    const mod = (await import('@switchboard/testkit/contracts')) as Record<string, unknown>;
    expect(mod.storeContract).toBeTypeOf('function');
    expect(mod.adapterContract).toBeTypeOf('function');
  });

  it("refuse CommonJS with vitest's own explanation instead of half-loading", () => {
    expect(() => require('@switchboard/testkit/contracts')).toThrow(/use "import" instead/);
  });
});

describe('every built package loads from ES modules and CommonJS', () => {
  let esm: ChildResult = {};
  let cjs: ChildResult = {};
  beforeAll(() => {
    esm = loadInChild('esm');
    cjs = loadInChild('cjs');
  });

  describe.each(NAMES)('%s', (name) => {
    const expected = PACKAGES[name] ?? [];

    it('imports in-process (dynamic import) with its key exports', async () => {
      const mod = (await import(name)) as Record<string, unknown>;
      expect(mod).toBeTypeOf('object');
      for (const key of expected) expect(mod[key], `${name} → ${key}`).toBeDefined();
    });

    it('requires in-process (createRequire) with its key exports', () => {
      const mod = require(name) as Record<string, unknown>;
      expect(mod).toBeTypeOf('object');
      for (const key of expected) expect(mod[key], `${name} → ${key}`).toBeDefined();
    });

    it('loads in a plain node child as ESM and CJS with the same export names', () => {
      expect(esm[name]?.error, `${name} as ESM`).toBeUndefined();
      expect(cjs[name]?.error, `${name} as CJS`).toBeUndefined();
      expect(esm[name]?.keys).toEqual(expect.arrayContaining([...expected]));
      expect(cjs[name]?.keys).toEqual(esm[name]?.keys);
    });
  });
});
