import {
  type ChannelAdapter,
  type OutboundContent,
  type OutboundContentType,
  type SendReceipt,
  SwitchboardError,
} from '@switchboard/core';
import { check, show } from './failure.js';
import type { FakePlatform } from './platform.js';
import type { AdapterContractOptions, ContractCheck } from './types.js';

/** One sample of every outbound content type, for the NOT_SUPPORTED check. */
const CONTENT_SAMPLES: Record<OutboundContentType, OutboundContent> = {
  text: { type: 'text', text: 'hello' },
  image: { type: 'image', url: 'https://example.com/a.png' },
  video: { type: 'video', url: 'https://example.com/a.mp4' },
  audio: { type: 'audio', url: 'https://example.com/a.m4a' },
  file: { type: 'file', url: 'https://example.com/a.pdf' },
  sticker: { type: 'sticker', mediaId: '369239263222822' },
  quick_replies: {
    type: 'quick_replies',
    text: 'pick',
    replies: [{ kind: 'text', title: 'A', payload: 'A' }],
  },
  buttons: { type: 'buttons', text: 'pick', buttons: [{ type: 'postback', title: 'A', payload: 'A' }] },
  list: { type: 'list', text: 'pick', buttonText: 'Open', sections: [{ rows: [{ id: '1', title: 'One' }] }] },
  cards: { type: 'cards', cards: [{ title: 'Card' }] },
  template: { type: 'template', name: 'order_update', language: 'en_US', components: [] },
  reaction: { type: 'reaction', messageId: 'mid.1', emoji: '👍' },
  location: { type: 'location', latitude: 52.52, longitude: 13.405 },
  contacts: { type: 'contacts', contacts: [{ name: { formattedName: 'Ann Example' } }] },
  sender_action: { type: 'sender_action', action: 'typing_on', messageId: 'mid.1' },
  flow: { type: 'flow', flowId: '1234567890', cta: 'Book', body: 'Pick a time' },
  raw: { type: 'raw', body: { note: 'contract check' } },
  call_permission_request: { type: 'call_permission_request', text: 'May we call you about order 4711?' },
};

async function settle(
  run: () => Promise<SendReceipt>,
): Promise<{ value: SendReceipt } | { thrown: unknown }> {
  try {
    return { value: await run() };
  } catch (thrown) {
    return { thrown };
  }
}

const outcome = (r: { value: unknown } | { thrown: unknown }) =>
  'thrown' in r ? `threw ${show(r.thrown)}` : `resolved ${show(r.value)}`;

export function sendChecks(
  options: AdapterContractOptions,
  adapter: () => ChannelAdapter,
  platform: FakePlatform,
): ContractCheck[] {
  const to = () => ({ channel: adapter().channel, ...options.recipient });
  const sendText = (text: string) =>
    settle(() => adapter().send({ to: to(), content: { type: 'text', text } }));
  const fresh = (mode: FakePlatform['mode']) => {
    platform.mode = mode;
    platform.requests.length = 0;
  };
  const checks: ContractCheck[] = [];
  const add = (name: string, run: () => Promise<void>) => checks.push({ name, run });

  add("send delivers a text to the platform and returns the platform's message id", async () => {
    fresh({ kind: 'accept' });
    const text = 'contract check: order 4711 shipped';
    const r = await sendText(text);
    const sent = `send({ to: ${show(to())}, content: { type: 'text', text: ${JSON.stringify(text)} } })`;
    const carrying = platform.requests.filter(
      (q) => q.body.includes(text) || safeDecode(q.url).includes(text),
    );
    check(
      carrying.length > 0,
      sent,
      'a request to the platform (baseUrl) carrying the text',
      () => `${platform.requests.length} request(s): ${show(platform.requests)}; send ${outcome(r)}`,
    );
    const accepted = platform.messageIds.at(-1);
    const request = carrying.at(-1);
    const last =
      accepted !== undefined && request && options.platform.receiptMessageId
        ? options.platform.receiptMessageId(accepted, request)
        : accepted;
    check(
      'value' in r && r.value.messageId === last,
      `${sent}; the platform accepted it as ${show(accepted)}`,
      `a receipt with messageId ${show(last)}`,
      () => outcome(r),
    );
    const recipientOf = options.platform.recipientOf;
    if (recipientOf) {
      const recipients = carrying.map((q) => recipientOf(q));
      check(
        recipients.every((x) => x === options.recipient.userId),
        sent,
        `the request addressed to the user ${options.recipient.userId} (not the account ${options.recipient.accountId})`,
        () => `addressed to ${show(recipients)}`,
      );
    }
  });

  const failure = (status: number, code: 'TEMPORARY' | 'RATE_LIMITED', why: string) =>
    add(`an HTTP ${status} from the platform is ${code} and retryable (${why})`, async () => {
      fresh({ kind: 'fail', status });
      const r = await sendText('contract check: failing send');
      check(
        'thrown' in r && SwitchboardError.is(r.thrown, code) && r.thrown.retryable,
        `a text send; the platform answered HTTP ${status} ${show(options.platform.error?.(status) ?? '')}`,
        `a SwitchboardError ${code} with retryable: true (the outbox retries it)`,
        () =>
          'thrown' in r && r.thrown instanceof SwitchboardError
            ? `SwitchboardError ${r.thrown.code}, retryable: ${r.thrown.retryable}: ${r.thrown.message}`
            : outcome(r),
      );
    });
  failure(500, 'TEMPORARY', 'the platform failed, not the request');
  failure(429, 'RATE_LIMITED', 'slow down, then send again');

  add('text up to textMaxLength is sent; one unit more is INVALID_REQUEST before any request', async () => {
    const max = adapter().limits.textMaxLength;
    fresh({ kind: 'accept' });
    const fits = await sendText('a'.repeat(max));
    check(
      'value' in fits && platform.requests.length > 0,
      `a text of exactly textMaxLength (${max}) ASCII characters`,
      'a request to the platform and a receipt',
      () => `${platform.requests.length} request(s); send ${outcome(fits)}`,
    );
    fresh({ kind: 'accept' });
    const over = await sendText('a'.repeat(max + 1));
    check(
      'thrown' in over &&
        SwitchboardError.is(over.thrown, 'INVALID_REQUEST') &&
        platform.requests.length === 0,
      `a text of textMaxLength + 1 (${max + 1}) ASCII characters`,
      'a SwitchboardError INVALID_REQUEST and no request to the platform',
      () => `${platform.requests.length} request(s); send ${outcome(over)}`,
    );
  });

  add('content the channel cannot carry fails with NOT_SUPPORTED before any request', async () => {
    const supported = new Set<string>(adapter().limits.supportedContent);
    const unsupported = (Object.keys(CONTENT_SAMPLES) as OutboundContentType[]).filter(
      (t) => !supported.has(t),
    );
    fresh({ kind: 'accept' });
    for (const type of unsupported) {
      const r = await settle(() => adapter().send({ to: to(), content: CONTENT_SAMPLES[type] }));
      check(
        'thrown' in r && SwitchboardError.is(r.thrown, 'NOT_SUPPORTED') && platform.requests.length === 0,
        `send of ${show(CONTENT_SAMPLES[type])} (not in limits.supportedContent)`,
        'a SwitchboardError NOT_SUPPORTED and no request to the platform',
        () => `${platform.requests.length} request(s); send ${outcome(r)}`,
      );
    }
  });
  return checks;
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url;
  }
}
