import { describe, expect, it } from 'vitest';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';

describe('health() and metrics()', () => {
  it('reports a probe that throws as down, with the reason', async () => {
    const { switchboard, fake } = setup();
    fake.adapter.probes = () => [
      {
        name: 'subscription',
        description: 'app subscribed',
        accountId: ACCOUNT,
        run: async () => {
          throw new Error('graph unreachable');
        },
      },
    ];
    const report = await switchboard.health();
    expect(report.status).toBe('down');
    expect(report.accounts[0]?.checks[0]).toMatchObject({ probe: 'subscription', status: 'down' });
    expect(report.accounts[0]?.checks[0]?.reason).toContain('graph unreachable');
  });

  it('counts unrecoverable messages durably and in the metrics', async () => {
    const { switchboard, store, lines } = setup();
    await switchboard.reportUnrecoverable('fake', {
      conversationId: 'fake:acct1:u',
      accountId: ACCOUNT,
      missing: 3,
      reason: 'older than the newest 20',
    });
    expect(await store.counters.get('events.unrecoverable')).toBe(3);
    expect(await switchboard.metrics()).toContain('switchboard_events_unrecoverable_total{channel="fake"} 3');
    expect(lines.some((l) => l.level === 'error' && l.missing === 3)).toBe(true);
    // Recorded against its account by the watch, and counted once (engine → watch → count, no loop back).
    const loss = await switchboard.watch?.loss();
    expect(loss?.find((l) => l.accountId === ACCOUNT)?.unrecoverable).toBe(3);
    expect(lines.filter((l) => l.msg === 'messages lost beyond recovery')).toHaveLength(1);
  });

  it('counts unrecoverable messages without a watch too', async () => {
    const { switchboard, store } = setup({ watch: false });
    await switchboard.reportUnrecoverable('fake', {
      conversationId: 'fake:acct1:u',
      accountId: ACCOUNT,
      missing: 2,
      reason: 'older than the newest 20',
    });
    expect(await store.counters.get('events.unrecoverable')).toBe(2);
    expect(await switchboard.metrics()).toContain('switchboard_events_unrecoverable_total{channel="fake"} 2');
  });

  it('exposes the outbox backlog gauge and uses its own registry', async () => {
    const a = setup();
    const b = setup();
    await a.switchboard.send({
      to: { channel: 'fake', accountId: ACCOUNT, userId: 'u' },
      content: { type: 'text', text: 'x' },
    });
    expect(await a.switchboard.metrics()).toContain(
      'switchboard_outbox_backlog{channel="fake",account="acct1"} 1',
    );
    expect(await b.switchboard.metrics()).not.toContain('account="acct1"} 1');
    expect(a.switchboard.metricsContentType).toContain('text/plain');
  });
});
