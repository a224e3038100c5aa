import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChannelAdapter,
  ChannelEvent,
  type ParsedWebhook,
  SwitchboardError,
  type WebhookHeaders,
} from '@switchboard/core';
import { check, show } from './failure.js';
import type { AdapterContractOptions, ContractCheck, ContractMessage } from './types.js';

const encoder = new TextEncoder();

/**
 * Headers as the contract promises them (`WebhookHeaders`: `get` only, names looked up in lower case, the
 * view the Node bridge passes), not a full web `Headers`: an adapter that calls `has()` or iterates fails
 * here, not in production behind node:http.
 */
export function headerView(headers: Record<string, string>): WebhookHeaders {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) raw[name.toLowerCase()] = value;
  return Object.freeze({ get: (name: string) => raw[name.toLowerCase()] ?? null });
}

/** The message every parse check puts on the wire: account and user deliberately different. */
export const SAMPLE: Omit<ContractMessage, 'accountId' | 'userId'> = {
  messageId: 'contract-in-1',
  text: 'contract check: hello',
  timestamp: 1_764_410_400_000,
};

function attempt<T>(run: () => T): { value: T } | { thrown: unknown } {
  try {
    return { value: run() };
  } catch (thrown) {
    return { thrown };
  }
}

const outcome = (r: { value: unknown } | { thrown: unknown }) =>
  'thrown' in r ? `threw ${show(r.thrown)}` : `returned ${show(r.value)}`;

const invalidEvents = (parsed: ParsedWebhook) =>
  parsed.events
    .map((e) => ({ e, r: ChannelEvent.safeParse(e) }))
    .filter((x) => !x.r.success)
    .map((x) => `${show(x.e)}: ${show(x.r.error?.issues)}`);

export function webhookChecks(
  options: AdapterContractOptions,
  adapter: () => ChannelAdapter,
): ContractCheck[] {
  const { wire } = options;
  const encode = (body: unknown): Uint8Array => {
    const out = wire.encode ? wire.encode(body) : JSON.stringify(body);
    return typeof out === 'string' ? encoder.encode(out) : out;
  };
  const message: ContractMessage = { ...SAMPLE, ...options.recipient };
  const eventMessageId = wire.eventMessageId?.(message) ?? message.messageId;
  const checks: ContractCheck[] = [];
  const add = (name: string, run: () => void | Promise<void>) =>
    checks.push({ name, run: async () => run() });

  add('declares a channel name, sane limits and valid capabilities', () => {
    const a = adapter();
    const { limits, capabilities } = a;
    check(
      /^[a-z][a-z0-9_-]{1,31}$/.test(a.channel),
      'nothing (read adapter.channel)',
      'a lower-case word of 2-32 characters (the webhook route segment)',
      () => show(a.channel),
    );
    check(
      limits.textMaxLength > 0 && limits.windowHours > 0 && limits.supportedContent.includes('text'),
      'nothing (read adapter.limits)',
      'textMaxLength > 0, windowHours > 0 and "text" among supportedContent',
      () => show(limits),
    );
    if (!capabilities) return;
    check(
      ['echo', 'status', 'none'].includes(capabilities.sendConfirmation) &&
        (capabilities.ackBody === undefined || capabilities.ackBody.length > 0) &&
        (capabilities.keptHeaders ?? []).every((h) => h === h.toLowerCase() && h.length > 0),
      'nothing (read adapter.capabilities)',
      "sendConfirmation 'echo' | 'status' | 'none', a non-empty ackBody if any, keptHeaders in lower case",
      () => show(capabilities),
    );
  });

  add("verifySignature accepts the platform's signature (headers offering only get)", () => {
    const body = encode(wire.textMessageBody(message));
    const headers = wire.sign(body);
    const r = attempt(() => adapter().verifySignature(body, headerView(headers)));
    check(
      'value' in r && r.value.ok,
      `body ${show(body)} with headers ${show(headers)} (from your wire.sign)`,
      '{ ok: true }',
      () => outcome(r),
    );
  });

  add('verifySignature refuses a changed body and missing or garbled headers, never throwing', () => {
    const body = encode(wire.textMessageBody(message));
    const headers = wire.sign(body);
    const changed = new Uint8Array([...body, 0x20]);
    const cases: Array<[string, Uint8Array, Record<string, string>]> = [
      ...(wire.signsBody === false
        ? []
        : ([
            ['the signed body plus one trailing space, same headers', changed, headers],
            ['an empty body, same headers', new Uint8Array(), headers],
            ['invalid UTF-8 bytes, same headers', new Uint8Array([0xff, 0xfe, 0x00, 0x80]), headers],
          ] as Array<[string, Uint8Array, Record<string, string>]>)),
      ['the signed body with no headers', body, {}],
    ];
    for (const name of Object.keys(headers)) {
      for (const [label, value] of [
        ['empty', ''],
        ['"x"', 'x'],
        ['10 000 × "a"', 'a'.repeat(10_000)],
      ] as const)
        cases.push([`the signed body, header ${name} ${label}`, body, { ...headers, [name]: value }]);
    }
    for (const [what, raw, h] of cases) {
      const r = attempt(() => adapter().verifySignature(raw, headerView(h)));
      check('value' in r && r.value.ok === false, what, '{ ok: false, reason }, no exception', () =>
        outcome(r),
      );
    }
  });

  if (wire.handshake === null) {
    add('verifyChallenge refuses every query (the channel has no handshake)', () => {
      const queries = [
        new URLSearchParams(),
        new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': '' }),
        new URLSearchParams({ challenge: '1' }),
      ];
      for (const q of queries) {
        const r = attempt(() => adapter().verifyChallenge(q));
        check('value' in r && r.value === null, `GET ?${q}`, 'null (→ 403)', () => outcome(r));
      }
    });
  } else {
    const { accept, challenge, refuse } = wire.handshake;
    add('verifyChallenge answers the challenge for the right query only', () => {
      const ok = attempt(() => adapter().verifyChallenge(accept));
      check('value' in ok && ok.value === challenge, `GET ?${accept}`, show(challenge), () => outcome(ok));
      for (const q of [...refuse, new URLSearchParams()]) {
        const r = attempt(() => adapter().verifyChallenge(q));
        check('value' in r && r.value === null, `GET ?${q}`, 'null (→ 403), no exception', () => outcome(r));
      }
    });
  }

  add('parses a text message into one inbound message event, account and user in their places', () => {
    const body = encode(wire.textMessageBody(message));
    const r = attempt(() => adapter().parseWebhook(body));
    const sent = `body ${show(body)} (wire.textMessageBody(${show(message)}))`;
    check('value' in r, sent, 'a ParsedWebhook', () => outcome(r));
    if (!('value' in r)) return;
    const parsed = r.value;
    const channel = adapter().channel;
    const want = {
      kind: 'message',
      channel,
      accountId: message.accountId,
      userId: message.userId,
      conversationId: `${channel}:${message.accountId}:${message.userId}`,
      messageId: eventMessageId,
      direction: 'inbound',
      text: message.text,
      timestamp: message.timestamp,
      source: 'webhook',
    };
    const event = parsed.events[0] as Record<string, unknown> | undefined;
    const wrong = Object.entries(want).filter(([k, v]) => event?.[k] !== v);
    check(
      parsed.events.length === 1 && parsed.problems.length === 0 && wrong.length === 0,
      sent,
      `one event with ${show(want)} and no problems`,
      () =>
        `${parsed.events.length} event(s), ${parsed.problems.length} problem(s); ` +
        (wrong.length
          ? `wrong: ${wrong.map(([k, v]) => `${k} = ${JSON.stringify(event?.[k])} (expected ${JSON.stringify(v)})`).join(', ')}`
          : show(parsed)),
    );
    const invalid = invalidEvents(parsed);
    check(invalid.length === 0, sent, "events valid under core's ChannelEvent schema", () =>
      invalid.join('; '),
    );
    const again = adapter().parseWebhook(body.slice());
    check(
      again.events[0]?.key === parsed.events[0]?.key,
      `${sent}, parsed twice`,
      'the same event key both times (keys dedup redeliveries)',
      () => `${show(parsed.events[0]?.key)} then ${show(again.events[0]?.key)}`,
    );
  });

  add('reports a bad item next to a good one instead of throwing (the good one still arrives)', () => {
    const body = encode(wire.bodyWithBadItem(message));
    const sent = `body ${show(body)} (wire.bodyWithBadItem)`;
    const r = attempt(() => adapter().parseWebhook(body));
    check(
      'value' in r,
      sent,
      "a ParsedWebhook with the bad item as a problem or an unsupported event: a throw dead-letters the batch's good items",
      () => outcome(r),
    );
    if (!('value' in r)) return;
    const parsed = r.value;
    check(
      parsed.events.some(
        (e) => e.kind === 'message' && e.messageId === eventMessageId && e.userId === message.userId,
      ),
      sent,
      `the good message ${eventMessageId} among the events`,
      () => show(parsed.events),
    );
    check(
      parsed.problems.length > 0 || parsed.events.some((e) => e.kind === 'unsupported'),
      sent,
      'the bad item reported as a problem (path, message) or an unsupported event',
      () => show(parsed),
    );
    const invalid = invalidEvents(parsed);
    check(invalid.length === 0, sent, "events valid under core's ChannelEvent schema", () =>
      invalid.join('; '),
    );
  });

  add('refuses a body that is not JSON with PAYLOAD_INVALID, and survives JSON of the wrong shape', () => {
    const notJson: Array<[string, Uint8Array]> = [
      ['{"broken', encoder.encode('{"broken')],
      ['an empty body', new Uint8Array()],
      ['invalid UTF-8 bytes', new Uint8Array([0xff, 0xfe, 0x7b, 0x80])],
    ];
    for (const [what, raw] of notJson) {
      const r = attempt(() => adapter().parseWebhook(raw));
      check(
        ('thrown' in r && SwitchboardError.is(r.thrown, 'PAYLOAD_INVALID')) ||
          ('value' in r && r.value.events.length === 0 && r.value.problems.length > 0),
        `body ${what}`,
        'a SwitchboardError PAYLOAD_INVALID (or no events and a problem), not a SyntaxError',
        () => outcome(r),
      );
    }
    for (const text of ['null', '42', '"x"', '[]', '{}', '{"entry":7,"messages":"x","message":[]}']) {
      const r = attempt(() => adapter().parseWebhook(encoder.encode(text)));
      const ok =
        ('thrown' in r && SwitchboardError.is(r.thrown, 'PAYLOAD_INVALID')) ||
        ('value' in r && invalidEvents(r.value).length === 0);
      check(ok, `body ${text}`, 'a SwitchboardError PAYLOAD_INVALID, or valid events and problems', () =>
        outcome(r),
      );
    }
  });

  add('parseWebhookSlices, where present, yields what parseWebhook returns', () => {
    const a = adapter();
    if (!a.parseWebhookSlices) return;
    const body = encode(wire.bodyWithBadItem(message));
    const whole = a.parseWebhook(body);
    const sliced = [...a.parseWebhookSlices(body)];
    const keys = sliced.flatMap((s) => s.events.map((e) => e.key));
    check(
      show(keys) === show(whole.events.map((e) => e.key)) &&
        sliced.reduce((n, s) => n + s.problems.length, 0) === whole.problems.length,
      `body ${show(body)}`,
      `the events (${show(whole.events.map((e) => e.key))}) and ${whole.problems.length} problem(s) of parseWebhook`,
      () => show(sliced),
    );
  });

  const { fixturesDir } = options;
  if (fixturesDir) {
    const files = readdirSync(fixturesDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    add('has recorded fixtures', () =>
      check(files.length > 0, `nothing (listed ${fixturesDir})`, 'at least one *.json body', () => 'none'),
    );
    for (const file of files) {
      add(`fixture ${file} parses with no problems into valid, deterministic events`, () => {
        const raw = new Uint8Array(readFileSync(join(fixturesDir, file)));
        const sent = `fixture ${file}`;
        const first = adapter().parseWebhook(raw);
        check(first.problems.length === 0 && first.events.length > 0, sent, 'events and no problems', () =>
          show(first),
        );
        const invalid = invalidEvents(first);
        check(invalid.length === 0, sent, "events valid under core's ChannelEvent schema", () =>
          invalid.join('; '),
        );
        for (const e of first.events) {
          check(
            e.channel === adapter().channel && e.timestamp > 1e12 && e.timestamp < 1e13,
            sent,
            'the adapter channel and epoch-ms timestamps (seconds would be ~1.7e9)',
            () => `channel ${e.channel}, timestamp ${e.timestamp} (${e.key})`,
          );
          if (e.kind === 'comment') {
            // A comment thread: the top-level comment and the replies under it.
            check(
              e.conversationId === `${e.channel}:${e.accountId}:comment:${e.parentId ?? e.commentId}` &&
                (e.direction === 'outbound') === (e.userId === e.accountId),
              sent,
              'comment conversationId = channel:accountId:comment:<top-level comment id>, outbound exactly when the account wrote it',
              () => `${e.conversationId} (${e.direction}, author ${e.userId}) for ${e.key}`,
            );
          } else if ('userId' in e && e.userId !== undefined) {
            // A group's events share the group's conversation; the participant stays in userId.
            const groupId = 'groupId' in e ? e.groupId : undefined;
            check(
              e.conversationId ===
                (groupId
                  ? `${e.channel}:${e.accountId}:group:${groupId}`
                  : `${e.channel}:${e.accountId}:${e.userId}`),
              sent,
              'conversationId = channel:accountId:userId (channel:accountId:group:groupId in a group)',
              () => `${e.conversationId} for ${e.key}`,
            );
          }
        }
        const keys = first.events.map((e) => e.key);
        const again = adapter()
          .parseWebhook(raw.slice())
          .events.map((e) => e.key);
        check(
          show(keys) === show(again) && new Set(keys).size === keys.length,
          `${sent}, parsed twice`,
          'the same unique keys both times',
          () => `${show(keys)} then ${show(again)}`,
        );
      });
    }
  }

  const unknown = options.unknownItemBodies ?? [];
  if (unknown.length > 0) {
    add('unknown item kinds become unsupported events, not exceptions', () => {
      for (const body of unknown) {
        const raw = encode(body);
        const r = attempt(() => adapter().parseWebhook(raw));
        check(
          'value' in r &&
            r.value.events.some((e) => e.kind === 'unsupported') &&
            invalidEvents(r.value).length === 0,
          `body ${show(raw)}`,
          'valid events, among them an unsupported one',
          () => outcome(r),
        );
      }
    });
  }
  return checks;
}
