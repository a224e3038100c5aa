import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AdapterHost,
  createCredentialCipher,
  createMemoryStore,
  createSwitchboard,
  credentialKeysFromEnv,
  ManualClock,
  SwitchboardError,
} from '../src/index.js';
import { createFakeAdapter } from './fake-adapter.js';
import { captureLogger } from './helpers.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('credential cipher', () => {
  it('seals to a value without the plaintext that opens only under the same name', () => {
    const cipher = createCredentialCipher([key('k1')]);
    const sealed = cipher.seal('account:whatsapp:1', '{"accessToken":"EAAG-secret-token"}');
    expect(sealed).toMatch(/^sb1:k1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain('EAAG');
    expect(cipher.open('account:whatsapp:1', sealed)).toBe('{"accessToken":"EAAG-secret-token"}');
    // Copied to another account's row, it does not open: the name is authenticated.
    expect(() => cipher.open('account:whatsapp:2', sealed)).toThrow(/do not decrypt/);
    // Two seals of one value differ (fresh IV).
    expect(cipher.seal('n', 'v')).not.toBe(cipher.seal('n', 'v'));
  });

  it('refuses altered values and unknown keys with CREDENTIALS_UNAVAILABLE, naming no secret', () => {
    const cipher = createCredentialCipher([key('k1')]);
    const sealed = cipher.seal('app:1', '["s3cret"]');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered!').toString('base64url');
    const tampered = parts.join(':');
    expect(() => cipher.open('app:1', tampered)).toThrow(
      expect.objectContaining({ code: 'CREDENTIALS_UNAVAILABLE' }),
    );
    const other = createCredentialCipher([key('k2')]);
    expect(() => other.open('app:1', sealed)).toThrow(/sealed with key k1, which is not among/);
    expect(() => cipher.open('app:1', 'plain text')).toThrow(/not in the sealed format/);
  });

  it('opens with every key, seals with the first, and tells which values are stale', () => {
    const old = key('old');
    const sealedOld = createCredentialCipher([old]).seal('n', 'v');
    const rotated = createCredentialCipher([key('new'), old]);
    expect(rotated.open('n', sealedOld)).toBe('v');
    expect(rotated.isStale(sealedOld)).toBe(true);
    expect(rotated.isStale(rotated.seal('n', 'v'))).toBe(false);
  });

  it('reads keys from the environment (base64 or hex, ids given or fingerprinted) and rejects bad ones', () => {
    const raw = randomBytes(32);
    const [one] = credentialKeysFromEnv({ SWITCHBOARD_CREDENTIAL_KEY: raw.toString('base64') });
    expect(one?.id).toMatch(/^k[0-9a-f]{10}$/);
    expect(Buffer.from(one?.key ?? []).equals(raw)).toBe(true);
    const hex = credentialKeysFromEnv({ SWITCHBOARD_CREDENTIAL_KEY: raw.toString('hex') });
    expect(hex[0]?.id).toBe(one?.id);
    const many = credentialKeysFromEnv({
      SWITCHBOARD_CREDENTIAL_KEYS: `b:${randomBytes(32).toString('base64')}, a:${raw.toString('hex')}`,
    });
    expect(many.map((k) => k.id)).toEqual(['b', 'a']);
    expect(credentialKeysFromEnv({})).toEqual([]);
    expect(() => credentialKeysFromEnv({ SWITCHBOARD_CREDENTIAL_KEY: 'c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() => createCredentialCipher([{ id: 'bad id', key: raw }])).toThrow(/key id/);
  });
});

/** An engine over one fake adapter that sends with the token its host hands it. */
function engine(
  options: { keys?: boolean; resolve?: Parameters<typeof createSwitchboard>[0]['credentials'] } = {},
) {
  const clock = new ManualClock();
  const store = createMemoryStore();
  const fake = createFakeAdapter();
  let host: AdapterHost | undefined;
  const tokens: Array<string | undefined> = [];
  fake.adapter.attach = (value) => {
    host = value;
  };
  fake.setSend(async (message) => {
    tokens.push((await host?.credentials(message.to.accountId))?.accessToken);
    return { messageId: `m${tokens.length}`, acceptedAt: clock.now(), raw: {} };
  });
  const { logger, lines } = captureLogger();
  const keys = [key('k1')];
  const switchboard = createSwitchboard({
    adapters: [fake.adapter],
    store,
    clock,
    logger,
    watch: false,
    ...(options.keys === false ? {} : { credentials: { keys, ...options.resolve } }),
  });
  const send = (accountId: string) =>
    switchboard.sendAndWait({
      to: { channel: 'fake', accountId, userId: 'u1' },
      content: { type: 'text', text: 'hi' },
    });
  return { clock, store, switchboard, tokens, send, lines, keys, host: () => host };
}

describe('account credentials at runtime', () => {
  it('are stored sealed, handed to the adapter on send, replaced and erased without a restart', async () => {
    const { switchboard, store, tokens, send, lines } = engine();
    await switchboard.start();
    await switchboard.accounts.connect({
      channel: 'fake',
      accountId: 'shop-1',
      tenantId: 'acme',
      credentials: { accessToken: 'token-one-EAAG' },
    });
    await send('shop-1');
    expect(tokens).toEqual(['token-one-EAAG']);
    const stored = await store.credentials.get('account:fake:shop-1');
    expect(stored?.sealed).toMatch(/^sb1:k1:/);
    expect(stored?.sealed).not.toContain('token-one');
    // Not part of the account record that get/list return.
    expect(JSON.stringify(await switchboard.accounts.get('fake', 'shop-1'))).not.toContain('token-one');
    expect(switchboard.accounts.hasCredentials('fake', 'shop-1')).toBe(true);

    await switchboard.accounts.update('fake', 'shop-1', { credentials: { accessToken: 'token-two-EAAG' } });
    await send('shop-1');
    expect(tokens.at(-1)).toBe('token-two-EAAG');

    await switchboard.accounts.disconnect('fake', 'shop-1');
    expect(switchboard.accounts.hasCredentials('fake', 'shop-1')).toBe(false);
    expect((await store.credentials.get('account:fake:shop-1'))?.sealed).toBeNull();
    await switchboard.stop();
    expect(JSON.stringify(lines)).not.toMatch(/token-(one|two)/);
  });

  it('refuses to store credentials without a key, and bad credentials, without echoing the value', async () => {
    const { switchboard } = engine({ keys: false });
    await expect(
      switchboard.accounts.connect({
        channel: 'fake',
        accountId: 'a',
        credentials: { accessToken: 'EAAGx' },
      }),
    ).rejects.toThrow(/needs an encryption key — set SWITCHBOARD_CREDENTIAL_KEY/);
    // Nothing half-written: the account was not connected either.
    expect(await switchboard.accounts.get('fake', 'a')).toBeUndefined();

    const keyed = engine().switchboard;
    const error = await keyed.accounts
      .connect({ channel: 'fake', accountId: 'a', credentials: { accessToken: '' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('accessToken') });
    await expect(
      keyed.accounts.connect({
        channel: 'fake',
        accountId: 'a',
        credentials: { 'bad name': 'EAAG-value' } as never,
      }),
    ).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('EAAG-value') }));
  });

  it('are seen by a second instance on the same store within refreshMs', async () => {
    const a = engine();
    const clock = a.clock;
    const bFake = createFakeAdapter();
    let bHost: AdapterHost | undefined;
    bFake.adapter.attach = (h) => {
      bHost = h;
    };
    createSwitchboard({
      adapters: [bFake.adapter],
      store: a.store,
      clock,
      watch: false,
      credentials: { keys: a.keys },
    });
    await a.switchboard.accounts.connect({
      channel: 'fake',
      accountId: 's',
      credentials: { accessToken: 'v1' },
    });
    expect((await bHost?.credentials('s'))?.accessToken).toBe('v1');
    await a.switchboard.accounts.update('fake', 's', { credentials: { accessToken: 'v2' } });
    // Within refreshMs B may still use its copy; after it, the new token.
    await clock.advance(2_000);
    expect((await bHost?.credentials('s'))?.accessToken).toBe('v2');
  });

  it('come from a resolver first (cached for ttlMs), then from the store', async () => {
    let calls = 0;
    const { switchboard, clock, tokens, send } = engine({
      resolve: {
        ttlMs: 60_000,
        resolve: async (account) => {
          calls += 1;
          if (account.accountId === 'vaulted') return { accessToken: `from-vault-${calls}` };
          if (account.accountId === 'broken') throw new Error('vault sealed');
          return undefined;
        },
      },
    });
    await switchboard.start();
    await switchboard.accounts.connect({ channel: 'fake', accountId: 'vaulted', tenantId: 't' });
    await switchboard.accounts.connect({
      channel: 'fake',
      accountId: 'stored',
      credentials: { accessToken: 'db' },
    });
    await send('vaulted');
    await send('vaulted');
    await send('stored');
    expect(tokens).toEqual(['from-vault-1', 'from-vault-1', 'db']);
    await clock.advance(60_000);
    await send('vaulted');
    expect(tokens.at(-1)).toBe(`from-vault-${calls}`);
    expect(calls).toBe(3);

    await switchboard.accounts.connect({ channel: 'fake', accountId: 'broken' });
    const entry = await switchboard.send({
      to: { channel: 'fake', accountId: 'broken', userId: 'u' },
      content: { type: 'text', text: 'x' },
    });
    await switchboard.drain();
    const failed = await switchboard.store.outbox.get(entry.id);
    // Retried later, with the resolver's reason.
    expect(failed).toMatchObject({
      state: 'pending',
      error: { code: 'TEMPORARY', message: expect.stringContaining('vault sealed') },
    });
    await switchboard.stop();
  });

  it('re-encrypts every stored value with a new key; the old key can then be dropped', async () => {
    const { switchboard, store, keys } = engine();
    await switchboard.accounts.connect({
      channel: 'fake',
      accountId: 'a',
      credentials: { accessToken: 'ta' },
    });
    await switchboard.apps.put('app-1', ['secret-1']);
    const rotatedKeys = [key('k2'), ...keys];
    const rotated = createSwitchboard({
      adapters: [createFakeAdapter().adapter],
      store,
      clock: new ManualClock(),
      watch: false,
      credentials: { keys: rotatedKeys },
    });
    expect(rotated.credentials.keyId).toBe('k2');
    expect(await rotated.credentials.reencrypt()).toEqual({ resealed: 2, total: 2 });
    expect(await rotated.credentials.reencrypt()).toEqual({ resealed: 0, total: 2 });
    expect((await store.credentials.get('account:fake:a'))?.sealed).toMatch(/^sb1:k2:/);

    // With the new key alone, everything still opens.
    const fresh = createSwitchboard({
      adapters: [createFakeAdapter().adapter],
      store,
      clock: new ManualClock(),
      watch: false,
      credentials: { keys: [rotatedKeys[0] as (typeof rotatedKeys)[0]] },
    });
    expect(await fresh.apps.list()).toEqual([{ appId: 'app-1', secrets: 1 }]);
  });
});

describe('apps registered at runtime', () => {
  it('are handed to the adapters, changed and removed at runtime, never listed with their secrets', async () => {
    const { switchboard, host, clock } = engine();
    await switchboard.start();
    expect(host()?.appSecrets()).toEqual([]);
    await switchboard.apps.put('1111', ['new-secret', 'old-secret']);
    expect(host()?.appSecrets()).toEqual([
      { appId: '1111', secret: 'new-secret' },
      { appId: '1111', secret: 'old-secret' },
    ]);
    expect(await switchboard.apps.list()).toEqual([{ appId: '1111', secrets: 2 }]);
    await switchboard.apps.put('1111', ['new-secret']);
    expect(host()?.appSecrets()).toHaveLength(1);
    await switchboard.apps.remove('1111');
    expect(host()?.appSecrets()).toEqual([]);
    await expect(switchboard.apps.put('1111', [])).rejects.toThrow(SwitchboardError);
    await expect(switchboard.apps.put('bad id!', ['s'])).rejects.toThrow(/app ids/);
    await clock.advance(1);
    await switchboard.stop();
  });
});

describe('an app sealed with a key that is no longer configured', () => {
  it('is skipped, and the other apps keep verifying', async () => {
    const { switchboard, store } = engine();
    await switchboard.apps.put('old-app', ['s-old']);
    const newKey = key('k9');
    const other = createSwitchboard({
      adapters: [createFakeAdapter().adapter],
      store,
      clock: new ManualClock(),
      watch: false,
      credentials: { keys: [newKey] },
    });
    await other.apps.put('new-app', ['s-new']);
    // The first engine's key is gone from this one: old-app cannot be opened, new-app can.
    const fake = createFakeAdapter();
    let host: AdapterHost | undefined;
    fake.adapter.attach = (h) => {
      host = h;
    };
    const third = createSwitchboard({
      adapters: [fake.adapter],
      store,
      clock: new ManualClock(),
      watch: false,
      credentials: { keys: [newKey] },
    });
    await third.start();
    expect(host?.appSecrets()).toEqual([{ appId: 'new-app', secret: 's-new' }]);
    await third.stop();
  });
});
