import { describe, expect, it } from 'vitest';
import { createMemoryStore, SwitchboardError, type UserProfileLookup } from '../src/index.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';

const HOUR = 3_600_000;
const ref = { channel: 'fake', accountId: ACCOUNT, userId: 'u1' };

/** The fake adapter with a profile lookup whose answers the test scripts. */
function withProfiles(answer: (userId: string) => UserProfileLookup | Promise<UserProfileLookup> | Error) {
  const memory = createMemoryStore();
  const ctx = setup({
    store: memory,
    watch: false,
    tokens: false,
    profiles: { ttlMs: 2 * HOUR, absentTtlMs: HOUR },
  });
  const calls: string[] = [];
  ctx.fake.adapter.userProfile = async (_accountId, userId) => {
    calls.push(userId);
    const result = await answer(userId);
    if (result instanceof Error) throw result;
    return result;
  };
  return { ...ctx, memory, calls };
}

describe('switchboard.profiles', () => {
  it('caches a found profile until its ttl, then asks again', async () => {
    const { switchboard, clock, calls } = withProfiles(() => ({ found: true, profile: { name: 'Ada' } }));
    expect(await switchboard.profiles.get(ref)).toEqual({ name: 'Ada' });
    await clock.advance(2 * HOUR - 1);
    expect(await switchboard.profiles.get(ref)).toEqual({ name: 'Ada' });
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    await switchboard.profiles.get(ref);
    expect(calls).toHaveLength(2);
  });

  it('remembers an absence for absentTtlMs', async () => {
    const { switchboard, clock, calls, store } = withProfiles(() => ({ found: false, reason: 'no consent' }));
    expect(await switchboard.profiles.get(ref)).toBeNull();
    expect(await switchboard.profiles.get(ref)).toBeNull();
    expect(calls).toHaveLength(1);
    expect(await store.profiles.get('fake', ACCOUNT, 'u1')).toMatchObject({ absentReason: 'no consent' });
    await clock.advance(HOUR);
    await switchboard.profiles.get(ref);
    expect(calls).toHaveLength(2);
  });

  it('one platform call for concurrent lookups of the same person', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { switchboard, calls } = withProfiles(async () => {
      await gate;
      return { found: true, profile: { name: 'Bo' } };
    });
    const views = [
      switchboard.profiles.get(ref),
      switchboard.profiles.get(ref),
      switchboard.profiles.get(ref),
    ];
    release();
    expect(await Promise.all(views)).toEqual([{ name: 'Bo' }, { name: 'Bo' }, { name: 'Bo' }]);
    expect(calls).toHaveLength(1);
  });

  it('a failure is thrown and not cached; a store failure still answers', async () => {
    let fail = true;
    const { switchboard, calls, store, memory } = withProfiles(() =>
      fail ? new SwitchboardError('RATE_LIMITED', 'slow down') : { found: true, profile: { name: 'Cy' } },
    );
    await expect(switchboard.profiles.get(ref)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await store.profiles.get('fake', ACCOUNT, 'u1')).toBeUndefined();
    fail = false;
    memory.setUnavailable(true);
    await expect(switchboard.profiles.get(ref, { refresh: true })).resolves.toEqual({ name: 'Cy' });
    memory.setUnavailable(false);
    expect(calls).toHaveLength(2);
  });

  it('NOT_SUPPORTED without a lookup on the adapter, UNKNOWN_CHANNEL for no adapter, INVALID_REQUEST for no user', async () => {
    const { switchboard } = setup({ watch: false, tokens: false });
    await expect(switchboard.profiles.get(ref)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(switchboard.profiles.get({ ...ref, channel: 'nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_CHANNEL',
    });
    await expect(switchboard.profiles.get({ ...ref, userId: '' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('purge() drops only records expired longer than the grace', async () => {
    const { switchboard, clock, store } = withProfiles(() => ({ found: true, profile: { name: 'Di' } }));
    await switchboard.profiles.get(ref);
    await clock.advance(3 * HOUR);
    expect(await switchboard.profiles.purge(2 * HOUR)).toBe(0);
    expect(await switchboard.profiles.purge()).toBe(1);
    expect(await store.profiles.get('fake', ACCOUNT, 'u1')).toBeUndefined();
  });

  it('cached() reads only the store', async () => {
    const { switchboard, calls } = withProfiles((userId) => ({ found: true, profile: { name: userId } }));
    await switchboard.profiles.get(ref);
    const cached = await switchboard.profiles.cached('fake', ACCOUNT, ['u1', 'u2']);
    expect([...cached.keys()]).toEqual(['u1']);
    expect(calls).toEqual(['u1']);
  });
});
