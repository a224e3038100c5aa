import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AccountCredentials,
  type AdapterHost,
  type Alarm,
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  type Store,
  SwitchboardError,
  type TokenInspection,
} from '../src/index.js';
import { createFakeAdapter } from './fake-adapter.js';
import { captureLogger } from './helpers.js';

const DAY = 86_400_000;
const KEYS = [{ id: 'k', key: randomBytes(32) }];

/** A platform whose tokens the test controls: what `inspectToken` says per token, and refreshes. */
function platform(clock: ManualClock) {
  const verdicts = new Map<string, TokenInspection | SwitchboardError>();
  const inspected: string[] = [];
  const refreshed: Array<{ accountId: string; from: string }> = [];
  let refreshable = true;
  const make = () => {
    const fake = createFakeAdapter();
    fake.adapter.accountIds = []; // every account comes from accounts.connect
    let host: AdapterHost | undefined;
    fake.adapter.attach = (value) => {
      host = value;
    };
    fake.adapter.inspectToken = async (accountId) => {
      inspected.push(accountId);
      const token = (await host?.credentials(accountId))?.accessToken ?? '';
      const verdict = verdicts.get(token) ?? { valid: true, expiresAt: null, scopes: ['messaging'] };
      if (verdict instanceof SwitchboardError) throw verdict;
      return verdict;
    };
    fake.adapter.refreshCredentials = async (accountId, current: AccountCredentials) => {
      if (!refreshable) return null;
      refreshed.push({ accountId, from: current.accessToken ?? '' });
      return { credentials: { accessToken: `${current.accessToken}+r` }, expiresAt: clock.now() + 60 * DAY };
    };
    return fake.adapter;
  };
  return {
    verdicts,
    inspected,
    refreshed,
    make,
    setRefreshable(value: boolean) {
      refreshable = value;
    },
  };
}

function engine(
  clock: ManualClock,
  store: Store,
  adapter: ReturnType<ReturnType<typeof platform>['make']>,
  name = 'a',
) {
  const { logger, lines } = captureLogger();
  const switchboard = createSwitchboard({
    adapters: [adapter],
    store,
    clock,
    logger,
    instanceId: name,
    watch: false,
    credentials: { keys: KEYS },
    tokens: { maxCallsPerHour: 600 }, // 10 per one-minute tick
  });
  const alarms: Alarm[] = [];
  switchboard.on('alarm', (a) => void alarms.push(a));
  return { switchboard, alarms, lines };
}

const connect = (switchboard: ReturnType<typeof createSwitchboard>, accountId: string, token: string) =>
  switchboard.accounts.connect({
    channel: 'fake',
    accountId,
    tenantId: 'acme',
    credentials: { accessToken: token },
  });

describe('token lifecycle', () => {
  it('checks every account once per checkEveryMs, within the budget of each tick, oldest first', async () => {
    const clock = new ManualClock();
    const sim = platform(clock);
    const { switchboard } = engine(clock, createMemoryStore(), sim.make());
    for (let i = 0; i < 25; i++) await connect(switchboard, `acct-${i}`, `t${i}`);
    const tokens = switchboard.tokens!;
    expect(await tokens.pass()).toEqual({ checked: 10, refreshed: 0, failed: 0 });
    expect(await tokens.pass()).toEqual({ checked: 10, refreshed: 0, failed: 0 });
    expect(await tokens.pass()).toEqual({ checked: 5, refreshed: 0, failed: 0 });
    expect(await tokens.pass()).toEqual({ checked: 0, refreshed: 0, failed: 0 });
    expect(new Set(sim.inspected).size).toBe(25);
    expect(tokens.status()).toMatchObject({ accounts: 25, checked: 25, invalid: 0, expiring: 0 });
    // The result is persisted on the account.
    expect((await switchboard.accounts.get('fake', 'acct-3'))?.token).toEqual({
      expiresAt: null,
      scopes: ['messaging'],
      checkedAt: clock.now(),
    });
    await clock.advance(DAY);
    expect((await tokens.pass()).checked).toBe(10);
    // Paused and disconnected accounts are not checked.
    await switchboard.accounts.update('fake', 'acct-24', { status: 'paused' });
    expect(tokens.status().accounts).toBe(24);
  });

  it('raises token_invalid and token_expiring per account with days left and the fix, and clears them', async () => {
    const clock = new ManualClock();
    const sim = platform(clock);
    const { switchboard, alarms } = engine(clock, createMemoryStore(), sim.make());
    sim.verdicts.set('revoked', { valid: false, expiresAt: null, scopes: [], reason: 'session invalidated' });
    sim.verdicts.set('soon', { valid: true, expiresAt: clock.now() + 3.5 * DAY, scopes: ['messaging'] });
    sim.setRefreshable(false);
    await connect(switchboard, 'bad', 'revoked');
    await connect(switchboard, 'ending', 'soon');
    await connect(switchboard, 'fine', 'ok');
    await switchboard.tokens!.pass();
    const raised = alarms.filter((a) => a.state === 'raised');
    expect(raised.map((a) => `${a.type}:${a.accountId}`).sort()).toEqual([
      'token_expiring:ending',
      'token_invalid:bad',
    ]);
    expect(raised.find((a) => a.type === 'token_invalid')).toMatchObject({
      severity: 'critical',
      tenantId: 'acme',
      message: expect.stringMatching(/invalid \(session invalidated\).*connected again with a new token/),
    });
    expect(raised.find((a) => a.type === 'token_expiring')).toMatchObject({
      data: { daysLeft: 3 },
      message: expect.stringContaining('expires in 3 day(s)'),
    });
    expect(switchboard.tokens!.status()).toMatchObject({ invalid: 1, expiring: 1 });

    // The tenant reconnects with a good token: the next check clears the alarm.
    await switchboard.accounts.update('fake', 'bad', { credentials: { accessToken: 'ok' } });
    await switchboard.tokens!.check('fake', 'bad');
    expect(alarms.at(-1)).toMatchObject({ type: 'token_invalid', state: 'cleared', accountId: 'bad' });
  });

  it('refreshes a refreshable token once it is a day old and expires soon, on one instance at a time', async () => {
    const clock = new ManualClock();
    const sim = platform(clock);
    const store = createMemoryStore();
    const a = engine(clock, store, sim.make(), 'a');
    const b = engine(clock, store, sim.make(), 'b');
    sim.verdicts.set('ig-token', { valid: true, expiresAt: clock.now() + 6 * DAY, scopes: ['basic'] });
    await connect(a.switchboard, 'ig', 'ig-token');
    await a.switchboard.tokens!.pass(); // learns the expiry: 6 days
    expect(a.alarms.at(-1)).toMatchObject({ type: 'token_expiring', state: 'raised' });
    // Stored less than a day ago: Meta would refuse the refresh.
    expect((await a.switchboard.tokens!.pass()).refreshed).toBe(0);
    await clock.advance(DAY);
    const [ra, rb] = await Promise.all([a.switchboard.tokens!.pass(), b.switchboard.tokens!.pass()]);
    expect(ra.refreshed + rb.refreshed).toBe(1);
    expect(sim.refreshed).toEqual([{ accountId: 'ig', from: 'ig-token' }]);
    const record = await a.switchboard.accounts.get('fake', 'ig');
    expect(record?.token?.expiresAt).toBe(clock.now() + 60 * DAY);
    // The new token is what sends use now, on both instances.
    await clock.advance(2_000);
    const third = createFakeAdapter();
    let host: AdapterHost | undefined;
    third.adapter.attach = (h) => {
      host = h;
    };
    createSwitchboard({ adapters: [third.adapter], store, clock, watch: false, credentials: { keys: KEYS } });
    expect((await host?.credentials('ig'))?.accessToken).toBe('ig-token+r');
    expect(a.alarms.at(-1)).toMatchObject({ type: 'token_expiring', state: 'cleared' });
  });

  it('runs on its own once started: one tick a minute', async () => {
    const clock = new ManualClock();
    const sim = platform(clock);
    const { switchboard } = engine(clock, createMemoryStore(), sim.make());
    await connect(switchboard, 'x', 'tx');
    await switchboard.start();
    expect(sim.inspected).toEqual([]);
    await clock.advance(60_000);
    await clock.advance(0);
    expect(sim.inspected).toEqual(['x']);
    await switchboard.stop();
  });

  it('keeps going when the platform cannot be asked, and logs no token', async () => {
    const clock = new ManualClock();
    const sim = platform(clock);
    const { switchboard, lines } = engine(clock, createMemoryStore(), sim.make());
    sim.verdicts.set('EAAG-down', new SwitchboardError('TEMPORARY', 'Graph unreachable'));
    await connect(switchboard, 'flaky', 'EAAG-down');
    await connect(switchboard, 'steady', 'EAAG-fine');
    expect(await switchboard.tokens!.pass()).toEqual({ checked: 1, refreshed: 0, failed: 1 });
    // Not marked checked: tried again on the next pass.
    expect((await switchboard.accounts.get('fake', 'flaky'))?.token).toBeNull();
    expect(JSON.stringify(lines)).not.toContain('EAAG-');
  });
});
