import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { raw as get } from './http.js';

const started: MetaSimulator[] = [];
async function start(options: Parameters<typeof startMetaSimulator>[0] = {}): Promise<MetaSimulator> {
  const sim = await startMetaSimulator(options);
  started.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

describe('the simulator demo secrets (issue 13, item 11)', () => {
  it('generates the app secret and every token per run unless a seed is given', async () => {
    const [a, b] = [await start(), await start()];
    expect(a.world.app.secret).not.toBe(b.world.app.secret);
    expect(a.world.app.verifyToken).not.toBe(b.world.app.verifyToken);
    expect(a.world.systemUserToken).not.toBe(b.world.systemUserToken);
    expect(a.world.pages[0]!.accessToken).not.toBe(b.world.pages[0]!.accessToken);
    // Same layout, so data stored by a previous run still matches the world.
    expect(a.world.pages.map((p) => p.id)).toEqual(b.world.pages.map((p) => p.id));

    const [c, d] = [await start({ seed: 1 }), await start({ seed: 1 })];
    expect(c.world.app.secret).toBe(d.world.app.secret);
    expect(c.world.tokens.map((t) => t.token)).toEqual(d.world.tokens.map((t) => t.token));
  });

  it('needs the control token for /_sim/* when listening beyond loopback', async () => {
    const sim = await start({ host: '0.0.0.0' });
    expect(sim.controlToken).toMatch(/^[A-Za-z0-9]{32}$/);
    const state = `http://127.0.0.1:${sim.port}/_sim/state?secrets=1`;
    const refused = await get(state);
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain(sim.world.app.secret);
    expect((await get(state, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const allowed = await get(state, { headers: { authorization: `Bearer ${sim.controlToken}` } });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body).secrets.appSecret).toBe(sim.world.app.secret);
  });

  it('on loopback, refuses a foreign Host (DNS rebinding) and cross-origin browser requests', async () => {
    const sim = await start();
    expect(sim.controlToken).toBeUndefined();
    const state = `${sim.url}/_sim/state?secrets=1`;
    expect((await get(state)).status).toBe(200);
    for (const headers of <Array<Record<string, string>>>[
      { host: `attacker.example:${sim.port}` },
      { origin: 'http://attacker.example' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const refused = await get(state, { headers });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.body).not.toContain(sim.world.app.secret);
    }
  });
});
