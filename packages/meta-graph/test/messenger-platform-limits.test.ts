import { describe, expect, it } from 'vitest';
import { parseMessengerPlatformWebhook } from '../src/index.js';

const NOW = Date.UTC(2026, 11, 6);
const item = (sender: string, mid: string) =>
  `{"sender":{"id":${sender}},"recipient":{"id":"1"},"timestamp":${NOW},"message":{"mid":"${mid}","text":"a"}}`;
// Raw text: as JavaScript numbers, 12345678901234567890 and ...891 are the same value.
const raw = (items: string[]) =>
  new TextEncoder().encode(
    `{"object":"page","entry":[{"id":"1","time":${NOW},"messaging":[${items.join(',')}]}]}`,
  );

describe('parseMessengerPlatformWebhook: ids stay exact', () => {
  it('reports a numeric id above 2^53 as a problem, keeps safe numeric and string ids', () => {
    const parsed = parseMessengerPlatformWebhook(
      raw([
        item('12345678901234567890', 'm.big1'),
        item('12345678901234567891', 'm.big2'),
        item('9007199254740991', 'm.safe'),
        item('"12345678901234567890"', 'm.string'),
      ]),
      { channel: 'messenger', now: () => NOW },
    );
    expect(parsed.events.map((e) => [e.key, 'userId' in e ? e.userId : undefined])).toEqual([
      ['messenger:msg:m.safe', '9007199254740991'],
      ['messenger:msg:m.string', '12345678901234567890'],
    ]);
    expect(parsed.problems.map((p) => p.path)).toEqual(['entry[0].messaging[0]', 'entry[0].messaging[1]']);
    expect(parsed.problems[0]?.message).toContain('above 2^53');
  });

  it('reports an empty, fractional or non-id sender as a problem, not an event of another user', () => {
    const parsed = parseMessengerPlatformWebhook(
      raw([item('""', 'm.empty'), item('1.5', 'm.fraction'), item('true', 'm.bool'), item('"u1"', 'm.ok')]),
      { channel: 'messenger', now: () => NOW },
    );
    expect(parsed.events.map((e) => e.key)).toEqual(['messenger:msg:m.ok']);
    expect(parsed.problems.map((p) => p.path)).toEqual([0, 1, 2].map((i) => `entry[0].messaging[${i}]`));
  });

  it('reports a far-future item timestamp as a problem', () => {
    const future = item('"u1"', 'm.future').replace(String(NOW), '99999999999999999999');
    const parsed = parseMessengerPlatformWebhook(raw([future, item('"u2"', 'm.ok')]), {
      channel: 'messenger',
      now: () => NOW,
    });
    expect(parsed.events.map((e) => e.key)).toEqual(['messenger:msg:m.ok']);
    expect(parsed.problems[0]?.message).toContain('outside the accepted range');
  });

  it('takes an edit count only as a whole number: a fraction is a problem, not an event the model refuses', () => {
    const edit = (mid: string, count: string) =>
      `{"sender":{"id":"u1"},"recipient":{"id":"1"},"timestamp":${NOW},"message_edit":{"mid":"${mid}","text":"b","num_edit":${count}}}`;
    const parsed = parseMessengerPlatformWebhook(raw([edit('m.tiny', '-5e-324'), edit('m.two', '"2"')]), {
      channel: 'messenger',
      now: () => NOW,
    });
    expect(parsed.events.map((e) => [e.key, 'editCount' in e ? e.editCount : undefined])).toEqual([
      [expect.stringContaining('messenger:edit:m.two'), 2],
    ]);
    expect(parsed.problems.map((p) => p.path)).toEqual(['entry[0].messaging[0].message_edit.num_edit']);
  });
});
