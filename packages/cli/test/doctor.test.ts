import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorReport, main } from '../src/index.js';

let sim: MetaSimulator;
const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-'));
beforeAll(async () => {
  sim = await startMetaSimulator({ seed: 14 });
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment a deployment against the simulator would have: the three channels, every account. */
function envOf(s: MetaSimulator): Record<string, string> {
  const { app, pages, instagram, phoneNumbers, wabas, systemUserToken } = s.world;
  const linked = instagram.filter((a) => a.pageId);
  const common = (prefix: string) => ({
    [`${prefix}_APP_ID`]: app.id,
    [`${prefix}_APP_SECRET`]: app.secret,
    [`${prefix}_VERIFY_TOKEN`]: app.verifyToken,
    [`${prefix}_GRAPH_BASE_URL`]: s.url,
  });
  return {
    ...common('MESSENGER'),
    MESSENGER_PAGE_IDS: pages.map((p) => p.id).join(','),
    MESSENGER_ACCESS_TOKENS: pages.map((p) => `${p.id}:${p.accessToken}`).join(','),
    ...common('INSTAGRAM'),
    INSTAGRAM_ACCOUNT_IDS: linked.map((a) => a.id).join(','),
    INSTAGRAM_PAGE_IDS: linked.map((a) => `${a.id}:${a.pageId}`).join(','),
    INSTAGRAM_ACCESS_TOKENS: linked.map((a) => `${a.id}:${a.accessToken}`).join(','),
    ...common('WHATSAPP'),
    WHATSAPP_ACCESS_TOKEN: systemUserToken,
    WHATSAPP_PHONE_NUMBER_IDS: phoneNumbers.map((p) => p.id).join(','),
    WHATSAPP_WABA_IDS: wabas.map((w) => w.id).join(','),
  };
}

async function run(argv: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await main(argv, env, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

describe('switchboard doctor against the simulator', () => {
  let fresh: MetaSimulator | undefined;
  afterEach(async () => {
    await fresh?.stop();
    fresh = undefined;
  });

  it('checks every probe of every account of the three channels: all ✓, exit 0', async () => {
    const { code, out } = await run(['doctor'], envOf(sim));
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ checks, no problems$/);
    const checks = lines.slice(0, -1);
    expect(checks.every((l) => l.startsWith('✓'))).toBe(true);
    for (const id of [...sim.world.pages.map((p) => p.id), ...sim.world.phoneNumbers.map((p) => p.id)])
      expect(out).toContain(id);
    expect(new Set(checks.map((l) => l.split(/\s+/)[1]))).toEqual(
      new Set(['messenger', 'instagram', 'whatsapp']),
    );
    expect(code).toBe(0);
  });

  it('names what is wrong and how to fix it, exits 1, and never prints a token', async () => {
    fresh = await startMetaSimulator({ seed: 15 });
    const env = envOf(fresh);
    fresh.faults.expireToken(fresh.world.systemUserToken);
    fresh.faults.unsubscribeApp(fresh.world.pages[0]!.id);
    const { code, out } = await run(['doctor'], env);
    expect(code).toBe(1);
    const failed = out.split('\n').filter((l) => l.startsWith('✗'));
    expect(failed.some((l) => /whatsapp .*whatsapp\.token .*down: .*expired/i.test(l))).toBe(true);
    expect(failed.some((l) => l.includes(fresh!.world.pages[0]!.id) && /subscri/i.test(l))).toBe(true);
    expect(out).toMatch(/\d+ checks, \d+ problems?$/m);
    for (const secret of [
      fresh.world.systemUserToken,
      fresh.world.app.secret,
      ...fresh.world.pages.map((p) => p.accessToken),
    ])
      expect(out).not.toContain(secret);
  });

  it('--json gives the same checks as data', async () => {
    const { code, out } = await run(['doctor', '--json'], envOf(sim));
    const report = JSON.parse(out) as DoctorReport;
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThan(5);
    expect(report.checks[0]).toMatchObject({ ok: true, status: 'ok', channel: expect.any(String) });
  });

  it('--tenant checks only that tenant’s accounts from the store', async () => {
    const path = join(dir, 'tenants.db');
    const store = createSqliteStore({ path });
    const [p1, p2] = sim.world.phoneNumbers;
    const waba = sim.world.wabas[0]!.id;
    const put = (accountId: string, tenantId: string) =>
      store.accounts.put(
        {
          channel: 'whatsapp',
          accountId,
          tenantId,
          label: null,
          loginFlavour: null,
          linkedIds: { wabaId: waba },
          appId: null,
          status: 'active',
          token: null,
        },
        { now: Date.now() },
      );
    await put(p1!.id, 'acme');
    await put(p2!.id, 'globex');
    await store.close();
    const { code, out } = await run(['doctor', '--sqlite', path, '--tenant', 'acme', '--json'], envOf(sim));
    const report = JSON.parse(out) as DoctorReport;
    expect(code).toBe(0);
    const accounts = new Set(report.checks.map((c) => c.accountId));
    expect(accounts.has(p1!.id)).toBe(true);
    expect(accounts.has(p2!.id)).toBe(false);
    expect(report.checks.every((c) => c.channel === 'whatsapp')).toBe(true);
    expect(report.checks.find((c) => c.accountId === p1!.id)?.tenantId).toBe('acme');
  });

  it('reports a bad configuration and bad usage instead of throwing', async () => {
    const broken = await run(['doctor'], { WHATSAPP_APP_SECRET: 's' });
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /^✗ +whatsapp +\* +configuration +invalid: .*verifyToken.*fix the WHATSAPP_\* variables/m,
    );
    expect((await run(['doctor'], {})).out).toContain('nothing to check');
    expect((await run(['doctr'], {})).code).toBe(2);
    expect((await run(['doctor', '--tenant', 'acme'], envOf(sim))).err).toContain('--tenant needs a store');
  });
});
