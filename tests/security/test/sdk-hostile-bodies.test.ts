import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Harness,
  messengerBody,
  PAGE,
  startHarness,
  whatsappBody,
  whatsappText,
} from './sdk-harness.js';

// Issue 13, item 5: signed but hostile bodies. Each keeps the good items of its POST and reports the bad one.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const DEEP = 100_000;
/** `json` with the string "DEEP" replaced by a 100k-deep array (JSON.stringify itself could not build it). */
const withDeepField = (json: string) => json.replace('"DEEP"', `${'['.repeat(DEEP)}0${']'.repeat(DEEP)}`);

async function deadLetterReasons(h: Harness): Promise<string[]> {
  return (await h.store.deadLetters.list({ limit: 100 })).map((d) => `${d.ref} ${d.reason}`);
}

describe('signed but hostile bodies (issue 13, item 5)', () => {
  it('(a) a 100k-deep field dead-letters its item; the good messages of the same POST are stored', async () => {
    harness = await startHarness();
    const body = withDeepField(
      JSON.stringify(
        whatsappBody([
          whatsappText('wamid.good1'),
          { ...whatsappText('wamid.deep'), extra: 'DEEP' },
          whatsappText('wamid.good2'),
        ]),
      ),
    );
    expect((await harness.post('whatsapp', body)).status).toBe(200);
    await harness.switchboard.drain();
    expect(await harness.store.events.getByKey('whatsapp:msg:wamid.good1')).toBeDefined();
    expect(await harness.store.events.getByKey('whatsapp:msg:wamid.good2')).toBeDefined();
    expect(await harness.store.events.getByKey('whatsapp:msg:wamid.deep')).toBeUndefined();
    expect((await harness.store.inbox.count()).pending).toBe(0);
    expect(await deadLetterReasons(harness)).toEqual([
      expect.stringMatching(/messages\[1\] item nests deeper than 64 levels/),
    ]);

    const messenger = withDeepField(
      JSON.stringify(
        messengerBody([
          {
            sender: { id: 'u1' },
            recipient: { id: PAGE },
            timestamp: Date.now(),
            message: { mid: 'm.ok', text: 'hi' },
          },
          { sender: { id: 'u2' }, recipient: { id: PAGE }, timestamp: Date.now(), brand_new_kind: 'DEEP' },
        ]),
      ),
    );
    expect((await harness.post('messenger', messenger)).status).toBe(200);
    await harness.switchboard.drain();
    expect(await harness.store.events.getByKey('messenger:msg:m.ok')).toBeDefined();
    expect((await harness.store.inbox.count()).pending).toBe(0);
  });

  it('(b) a WhatsApp timestamp of 99999999999999999999 is a problem, not a conversation first forever', async () => {
    harness = await startHarness();
    const body = whatsappBody([
      whatsappText('wamid.future', 'from the year 3e12', '99999999999999999999'),
      whatsappText('wamid.now'),
    ]);
    expect((await harness.post('whatsapp', body)).status).toBe(200);
    await harness.switchboard.drain();
    expect(await harness.store.events.getByKey('whatsapp:msg:wamid.future')).toBeUndefined();
    expect(await harness.store.events.getByKey('whatsapp:msg:wamid.now')).toBeDefined();
    expect(await deadLetterReasons(harness)).toEqual([
      expect.stringMatching(/messages\[0\] timestamp .* is outside the accepted range/),
    ]);
  });

  it('(c) numeric ids above 2^53 are problems: two users never collapse into one conversation', async () => {
    harness = await startHarness();
    const now = Date.now();
    // Raw text: in JavaScript these two literals would already be the same number.
    const body = `{"object":"page","entry":[{"id":"${PAGE}","time":${now},"messaging":[
      {"sender":{"id":12345678901234567890},"recipient":{"id":"${PAGE}"},"timestamp":${now},"message":{"mid":"m.big1","text":"a"}},
      {"sender":{"id":12345678901234567891},"recipient":{"id":"${PAGE}"},"timestamp":${now},"message":{"mid":"m.big2","text":"b"}},
      {"sender":{"id":4503599627370497},"recipient":{"id":"${PAGE}"},"timestamp":${now},"message":{"mid":"m.safe","text":"c"}}]}]}`;
    expect((await harness.post('messenger', body)).status).toBe(200);
    await harness.switchboard.drain();
    expect(await harness.store.events.getByKey('messenger:msg:m.big1')).toBeUndefined();
    expect(await harness.store.events.getByKey('messenger:msg:m.big2')).toBeUndefined();
    const safe = await harness.store.events.getByKey('messenger:msg:m.safe');
    expect(safe?.conversationId).toBe(`messenger:${PAGE}:4503599627370497`);
    expect(await deadLetterReasons(harness)).toEqual([
      expect.stringMatching(/messaging\[1\] .*above 2\^53/),
      expect.stringMatching(/messaging\[0\] .*above 2\^53/),
    ]);
  });

  it('(d) a 4 MiB body of 32k messages never holds the event loop for long (parsed in slices)', async () => {
    harness = await startHarness();
    const messages = Array.from({ length: 32_000 }, (_, i) => whatsappText(`wamid.bulk${i}`, 'bulk'));
    expect((await harness.post('whatsapp', whatsappBody(messages))).status).toBe(200);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    await harness.switchboard.drain();
    delay.disable();
    const maxMs = delay.max / 1e6;
    console.info(
      `32k-message body processed in ${(performance.now() - started).toFixed(0)} ms; ` +
        `event-loop delay max ${maxMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    expect((await harness.store.events.count()).done).toBe(32_000);
    // Generous for a loaded 2-core box; the unsliced parse held the loop for ~3 s.
    expect(maxMs).toBeLessThan(500);
  });
});
