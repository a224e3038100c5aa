import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterContract, adapterContractChecks, ContractFailure } from '../src/contracts.js';
import { createSmsAdapter, type SmsBug, smsContract } from './sms-adapter.js';

// A correct non-Meta adapter (own signature header, no handshake) passes the kit as it is: no wrapper.
adapterContract({
  name: 'sms (a correct non-Meta adapter)',
  createAdapter: ({ baseUrl }) => createSmsAdapter({ apiUrl: baseUrl }),
  ...smsContract,
});

/** Runs the kit against a buggy variant; returns the failure of each check that failed, by check name. */
async function failuresOf(bug: SmsBug): Promise<Map<string, string>> {
  const run = adapterContractChecks({
    createAdapter: ({ baseUrl }) => createSmsAdapter({ apiUrl: baseUrl, bug }),
    ...smsContract,
  });
  await run.start();
  const failed = new Map<string, string>();
  try {
    for (const c of run.checks) {
      await c.run().catch((error: unknown) => {
        expect(error).toBeInstanceOf(ContractFailure);
        failed.set(c.name, (error as Error).message);
      });
    }
  } finally {
    await run.stop();
  }
  return failed;
}

describe('the adapter kit fails each bug the issue lists, saying what it sent and expected', () => {
  it('throwing on one bad item (which dead-letters the whole batch) instead of reporting a problem', async () => {
    const failed = await failuresOf('throws-on-bad-item');
    expect([...failed.keys()]).toEqual([
      'reports a bad item next to a good one instead of throwing (the good one still arrives)',
    ]);
    const message = [...failed.values()][0];
    expect(message).toContain('sent:     body {"account":"+15550001000","messages":[');
    expect(message).toContain('a ParsedWebhook with the bad item as a problem or an unsupported event');
    expect(message).toContain('got:      threw TypeError: bad item 1');
  });

  it('a send() that never sends', async () => {
    const failed = await failuresOf('send-never-sends');
    const message = failed.get("send delivers a text to the platform and returns the platform's message id");
    expect(message).toContain('content: { type: \'text\', text: "contract check: order 4711 shipped" }');
    expect(message).toContain('expected: a request to the platform (baseUrl) carrying the text');
    expect(message).toContain('got:      0 request(s)');
  });

  it('HTTP 500 classified as INVALID_REQUEST', async () => {
    const failed = await failuresOf('http-500-invalid');
    expect([...failed.keys()]).toEqual([
      'an HTTP 500 from the platform is TEMPORARY and retryable (the platform failed, not the request)',
    ]);
    const message = [...failed.values()][0];
    expect(message).toContain('the platform answered HTTP 500');
    expect(message).toContain('expected: a SwitchboardError TEMPORARY with retryable: true');
    expect(message).toContain('got:      SwitchboardError INVALID_REQUEST, retryable: false');
  });

  it('textMaxLength not enforced', async () => {
    const failed = await failuresOf('no-length-check');
    expect([...failed.keys()]).toEqual([
      'text up to textMaxLength is sent; one unit more is INVALID_REQUEST before any request',
    ]);
    const message = [...failed.values()][0];
    expect(message).toContain('sent:     a text of textMaxLength + 1 (161) ASCII characters');
    expect(message).toContain('expected: a SwitchboardError INVALID_REQUEST and no request to the platform');
    expect(message).toContain('got:      1 request(s); send resolved');
  });

  it('account and user swapped', async () => {
    const failed = await failuresOf('account-user-swapped');
    const message = failed.get(
      'parses a text message into one inbound message event, account and user in their places',
    );
    expect(message).toContain('wrong: accountId = "+15550002000" (expected "+15550001000")');
    expect(message).toContain('userId = "+15550001000" (expected "+15550002000")');
  });

  it('a plain SyntaxError on bad JSON', async () => {
    const failed = await failuresOf('syntax-error-on-bad-json');
    expect([...failed.keys()]).toEqual([
      'refuses a body that is not JSON with PAYLOAD_INVALID, and survives JSON of the wrong shape',
    ]);
    const message = [...failed.values()][0];
    expect(message).toContain('sent:     body {"broken');
    expect(message).toContain(
      'expected: a SwitchboardError PAYLOAD_INVALID (or no events and a problem), not a SyntaxError',
    );
    expect(message).toContain('got:      threw SyntaxError');
  });
});

describe('the kit itself', () => {
  const run = adapterContractChecks({
    createAdapter: ({ baseUrl }) => createSmsAdapter({ apiUrl: baseUrl }),
    ...smsContract,
  });
  beforeAll(() => run.start());
  afterAll(() => run.stop());

  it('does not need Meta: no hub.* handshake and no x-hub header for a channel without them', () => {
    const names = run.checks.map((c) => c.name);
    expect(names).toContain('verifyChallenge refuses every query (the channel has no handshake)');
    expect(names.some((n) => /hub|x-hub/i.test(n))).toBe(false);
  });

  it('fails an adapter that reads a header the setup does not send (a Meta-only verifier)', async () => {
    const meta = adapterContractChecks({
      createAdapter: ({ baseUrl }) => {
        const sms = createSmsAdapter({ apiUrl: baseUrl });
        return {
          ...sms,
          verifySignature: (raw, h) =>
            sms.verifySignature(raw, {
              get: (n) => h.get(n === 'x-sms-signature' ? 'x-hub-signature-256' : n),
            }),
        };
      },
      ...smsContract,
    });
    await meta.start();
    const check = meta.checks.find((c) =>
      c.name.startsWith("verifySignature accepts the platform's signature"),
    );
    await expect(check?.run()).rejects.toThrow(
      /expected: \{ ok: true \}\n\s+got:\s+returned \{"ok":false,"reason":"missing"\}/,
    );
    await meta.stop();
  });

  it('a header-token channel (signsBody: false, like Telegram) is not asked to refuse a changed body, but a wrong or missing header still fails', async () => {
    const headerToken = (accept: (value: string | null) => boolean) =>
      adapterContractChecks({
        createAdapter: ({ baseUrl }) => ({
          ...createSmsAdapter({ apiUrl: baseUrl }),
          verifySignature: (_raw, h) =>
            accept(h.get('x-sms-token')) ? { ok: true, secretIndex: 0 } : { ok: false, reason: 'mismatch' },
        }),
        ...smsContract,
        wire: { ...smsContract.wire, sign: () => ({ 'X-Sms-Token': 'shared_secret' }), signsBody: false },
      });
    const name = 'verifySignature refuses a changed body and missing or garbled headers, never throwing';
    const correct = headerToken((v) => v === 'shared_secret');
    await correct.start();
    await expect(correct.checks.find((c) => c.name === name)?.run()).resolves.toBeUndefined();
    await correct.stop();
    const lax = headerToken(() => true);
    await lax.start();
    await expect(lax.checks.find((c) => c.name === name)?.run()).rejects.toThrow(
      /the signed body with no headers/,
    );
    await lax.stop();
  });

  it('ids the adapter qualifies (Telegram: per-chat message ids) are expected as eventMessageId / receiptMessageId say', async () => {
    const qualified = (hooks: boolean) =>
      adapterContractChecks({
        createAdapter: ({ baseUrl }) => {
          const sms = createSmsAdapter({ apiUrl: baseUrl });
          return {
            ...sms,
            parseWebhook: (raw) => {
              const parsed = sms.parseWebhook(raw);
              return {
                ...parsed,
                events: parsed.events.map((e) =>
                  e.kind === 'message' ? { ...e, messageId: `q:${e.messageId}` } : e,
                ),
              };
            },
            send: async (m) => {
              const receipt = await sms.send(m);
              return { ...receipt, messageId: `q:${receipt.messageId}` };
            },
          };
        },
        ...smsContract,
        wire: {
          ...smsContract.wire,
          ...(hooks ? { eventMessageId: (m: { messageId: string }) => `q:${m.messageId}` } : {}),
        },
        platform: {
          ...smsContract.platform,
          ...(hooks ? { receiptMessageId: (id: string) => `q:${id}` } : {}),
        },
      });
    const names = [
      'parses a text message into one inbound message event, account and user in their places',
      "send delivers a text to the platform and returns the platform's message id",
    ];
    for (const hooks of [false, true]) {
      const run = qualified(hooks);
      await run.start();
      for (const n of names) {
        const result = run.checks.find((c) => c.name === n)?.run();
        if (hooks) await expect(result).resolves.toBeUndefined();
        else await expect(result).rejects.toThrow(/q:/);
      }
      await run.stop();
    }
  });
});
