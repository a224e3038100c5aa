import { describe, expect, it } from 'vitest';
import { createWorld, publicWorld } from '../src/world.js';

describe('world', () => {
  it('is deterministic from the seed and has the default shape', () => {
    const a = createWorld(7, {}, 0);
    expect(createWorld(7, {}, 0)).toEqual(a);
    expect(createWorld(8, {}, 0).app.id).not.toBe(a.app.id);
    expect(a.pages).toHaveLength(2);
    expect(a.pages[0]?.instagramId).toBe(a.instagram[0]?.id);
    expect(a.instagram).toHaveLength(2);
    expect(a.instagram[1]?.pageId).toBeUndefined();
    expect(a.wabas).toHaveLength(1);
    expect(a.phoneNumbers).toHaveLength(2);
    expect(a.app.appToken).toBe(`${a.app.id}|${a.app.secret}`);
    // 3 customers on each of 2 pages, 2 IG accounts, 2 phone numbers
    expect(a.customers).toHaveLength(18);
    expect(a.tokens.find((t) => t.token === a.systemUserToken)?.type).toBe('SYSTEM_USER');
    expect(
      a.customers
        .filter((c) => c.channel === 'whatsapp')
        .every((c) => /^\d+$/.test(c.userId) && c.bsuid?.startsWith('US.')),
    ).toBe(true);
  });

  it('honours the world spec', () => {
    const w = createWorld(
      1,
      { pages: 3, linkedInstagram: 2, unlinkedInstagram: 0, phoneNumbers: 1, customersPerAccount: 1 },
      0,
    );
    expect(w.pages).toHaveLength(3);
    expect(w.instagram).toHaveLength(2);
    expect(w.phoneNumbers).toHaveLength(1);
    expect(w.customers).toHaveLength(3 + 2 + 1);
  });

  it('accepts a fixed app secret and verify token without changing the ids', () => {
    const seeded = createWorld(9, {}, 0);
    const fixed = createWorld(9, { appSecret: 'demo-secret', verifyToken: 'demo-verify' }, 0);
    expect(fixed.app).toMatchObject({
      id: seeded.app.id,
      secret: 'demo-secret',
      verifyToken: 'demo-verify',
      appToken: `${seeded.app.id}|demo-secret`,
    });
    expect(fixed.pages).toEqual(seeded.pages);
  });

  it('publicWorld has no secrets or tokens', () => {
    const w = createWorld(3, {}, 0);
    const text = JSON.stringify(publicWorld(w));
    expect(text).not.toContain(w.app.secret);
    expect(text).not.toContain(w.app.verifyToken);
    for (const t of w.tokens) expect(text).not.toContain(t.token);
  });
});
