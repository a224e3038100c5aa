import { ChannelEvent } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import {
  graphMessageToEvent,
  parseGraphTime,
  parseMessengerPlatformPayload,
  toEpochMs,
} from '../src/messenger-platform/index.js';

const PAGE = '105927095402516';
const PSID = '6571349092893521';

describe('Messenger Platform parsing helpers', () => {
  it('normalizes seconds to ms and keeps ms', () => {
    expect(toEpochMs(1764410400)).toBe(1764410400000);
    expect(toEpochMs(1764410400123)).toBe(1764410400123);
  });

  it('parses Graph times with +0000 offsets', () => {
    expect(parseGraphTime('2024-07-11T15:56:00+0000')).toBe(Date.parse('2024-07-11T15:56:00Z'));
    expect(() => parseGraphTime('yesterday')).toThrow();
  });

  it('webhook and Conversations API copies of one message share a key', () => {
    const mid = 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM';
    const { events } = parseMessengerPlatformPayload(
      {
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: 1,
            messaging: [
              {
                sender: { id: PSID },
                recipient: { id: PAGE },
                timestamp: 1720713360000,
                message: { mid, text: 'hi' },
              },
            ],
          },
        ],
      },
      { channel: 'messenger' },
    );
    const backfilled = graphMessageToEvent('messenger', PAGE, {
      id: mid,
      created_time: '2024-07-11T15:56:00+0000',
      from: { id: PSID, name: 'Ann' },
      to: { data: [{ id: PAGE }] },
      message: 'hi',
    });
    expect(backfilled?.key).toBe(events[0]?.key);
    expect(backfilled).toMatchObject({
      source: 'backfill',
      direction: 'inbound',
      userId: PSID,
      text: 'hi',
      profile: { name: 'Ann' },
    });
    expect(ChannelEvent.safeParse(backfilled).success).toBe(true);
  });

  it('business-sent messages from the Conversations API are outbound echoes of the customer thread', () => {
    const e = graphMessageToEvent('messenger', PAGE, {
      id: 'm_2',
      created_time: '2024-07-11T15:57:00+0000',
      from: { id: PAGE },
      to: { data: [{ id: PSID }] },
      attachments: { data: [{ image_data: { url: 'https://cdn.example/x.jpg' }, mime_type: 'image/jpeg' }] },
    });
    expect(e).toMatchObject({
      direction: 'outbound',
      echo: true,
      userId: PSID,
      parts: [{ type: 'image', url: 'https://cdn.example/x.jpg' }],
    });
  });

  it('keys are deterministic across parses and unique within a batch', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1764410400123,
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: 1764410400000,
              reaction: { mid: 'm_1', action: 'react', emoji: '👍', reaction: 'like' },
            },
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: 1764410400001,
              reaction: { mid: 'm_1', action: 'unreact' },
            },
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              delivery: { watermark: 1764410399000, mids: ['m_1', 'm_2'] },
            },
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: 1764410400002,
              read: { watermark: 1764410399500 },
            },
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: 1764410400003,
              something_new: { a: 1 },
            },
          ],
        },
      ],
    };
    const a = parseMessengerPlatformPayload(body, { channel: 'messenger' }).events.map((e) => e.key);
    const b = parseMessengerPlatformPayload(structuredClone(body), { channel: 'messenger' }).events.map(
      (e) => e.key,
    );
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
  });
});
