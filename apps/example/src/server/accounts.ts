import type { AccountRecord, Switchboard } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { connectInstagramLogin } from '@switchboard/instagram';
import { connectFacebookLogin } from '@switchboard/messenger';
import type { MetaSimulator } from '@switchboard/simulator';
import { completeEmbeddedSignup } from '@switchboard/whatsapp';
import type { Hono } from 'hono';
import type { AccountsView, AccountView } from '../shared/types.js';

const TOKEN_ALARMS = ['token_invalid', 'token_expiring', 'account_unknown'];

/** Every account of the registry, any status (the demo has a handful; a platform pages through). */
export async function allAccounts(switchboard: Switchboard): Promise<AccountRecord[]> {
  const out: AccountRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await switchboard.accounts.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.accounts);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The tenant of each account, for the inbox's tenant filter. */
export async function tenantsByAccount(switchboard: Switchboard): Promise<Map<string, string | null>> {
  return new Map((await allAccounts(switchboard)).map((a) => [`${a.channel}:${a.accountId}`, a.tenantId]));
}

/** `/api/accounts`: the registry with tenant, status, token expiry and last webhook; disconnect and reconnect. */
export function accountRoutes(
  app: Hono,
  deps: {
    switchboard: Switchboard;
    accountLabel: (channel: string, accountId: string) => string;
    simulator: MetaSimulator | undefined;
  },
): void {
  const { switchboard } = deps;

  const view = async (): Promise<AccountsView> => {
    const accounts = await allAccounts(switchboard);
    const lastEvents = new Map(
      (await switchboard.store.health.list('last-event:')).map((s) => [
        s.key.slice('last-event:'.length),
        (s.value as { at?: number }).at ?? null,
      ]),
    );
    const alarms = switchboard.watch?.alarms() ?? [];
    const list: AccountView[] = accounts.map((a) => ({
      channel: a.channel,
      accountId: a.accountId,
      label: a.label ?? deps.accountLabel(a.channel, a.accountId),
      tenantId: a.tenantId,
      status: a.status,
      loginFlavour: a.loginFlavour,
      hasCredentials: switchboard.accounts.hasCredentials(a.channel, a.accountId),
      tokenExpiresAt: a.token?.expiresAt ?? null,
      tokenCheckedAt: a.token?.checkedAt ?? null,
      lastEventAt: lastEvents.get(`${a.channel}:${a.accountId}`) ?? null,
      alarms: alarms
        .filter(
          (x) => x.channel === a.channel && x.accountId === a.accountId && TOKEN_ALARMS.includes(x.type),
        )
        .map((x) => x.message),
    }));
    const tenants = [...new Set(accounts.map((a) => a.tenantId).filter((t): t is string => !!t))].sort();
    return { accounts: list, tenants };
  };

  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      return { status: 200 as const, body: await view() };
    } catch (error) {
      if (error instanceof SwitchboardError)
        return { status: error.httpStatus as 400, body: { error: `${error.code}: ${error.message}` } };
      throw error;
    }
  };

  app.get('/api/accounts', async (c) => c.json(await view()));
  app.post('/api/accounts/:channel/:id/disconnect', async (c) => {
    const result = await act(() =>
      switchboard.accounts.disconnect(c.req.param('channel'), c.req.param('id')),
    );
    return c.json(result.body, result.status);
  });
  app.post('/api/accounts/:channel/:id/connect', async (c) => {
    const result = await act(() =>
      switchboard.accounts.connect({ channel: c.req.param('channel'), accountId: c.req.param('id') }),
    );
    return c.json(result.body, result.status);
  });
  // Simulator mode: a new business goes through the real onboarding helpers against the fake Meta.
  app.post('/api/accounts/onboard', async (c) => {
    const sim = deps.simulator;
    if (!sim) return c.json({ error: 'onboarding demos exist only in simulator mode' }, 404);
    const body = (await c.req.json().catch(() => ({}))) as { flow?: unknown; tenantId?: unknown };
    const tenantId =
      typeof body.tenantId === 'string' && body.tenantId.trim() ? body.tenantId.trim() : undefined;
    const hosts = {
      appId: sim.world.app.id,
      appSecret: sim.world.app.secret,
      graphBaseUrl: sim.url,
      instagramGraphBaseUrl: sim.url,
      instagramApiBaseUrl: sim.url,
      accounts: switchboard.accounts,
      now: () => switchboard.clock.now(),
      ...(tenantId ? { tenantId } : {}),
    };
    const flows: Record<string, () => Promise<unknown>> = {
      'embedded-signup': async () => {
        const signup = sim.onboarding.embeddedSignup({ phoneNumbers: 1 });
        return completeEmbeddedSignup({ ...hosts, code: signup.code, wabaId: signup.wabaId, pin: '246810' });
      },
      'facebook-login': async () => {
        const login = sim.onboarding.facebookLogin({ pages: 1, instagram: 1 });
        return connectFacebookLogin({ ...hosts, userAccessToken: login.userAccessToken });
      },
      'instagram-login': async () => {
        const login = sim.onboarding.instagramLogin({
          redirectUri: 'https://inbox.example/instagram/callback',
        });
        return connectInstagramLogin({ ...hosts, code: login.code, redirectUri: login.redirectUri });
      },
    };
    const flow = typeof body.flow === 'string' ? flows[body.flow] : undefined;
    if (!flow) return c.json({ error: `flow must be one of ${Object.keys(flows).join(', ')}` }, 400);
    const result = await act(flow);
    return c.json(result.body, result.status);
  });
  app.post('/api/accounts/:channel/:id/tenant', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { tenantId?: unknown };
    const tenantId = typeof body.tenantId === 'string' && body.tenantId.trim() ? body.tenantId.trim() : null;
    const result = await act(() =>
      switchboard.accounts.update(c.req.param('channel'), c.req.param('id'), { tenantId }),
    );
    return c.json(result.body, result.status);
  });
}
